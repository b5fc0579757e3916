"""Initial schema: every table of the domain model, and the span triggers.

The triggers enforce what a CHECK constraint cannot: a turn or coding must end within
its source's text, and a source's text cannot change once codings or turns depend on
it. Alembic autogenerate does not see triggers, so later revisions that rebuild these
tables in SQLite batch mode must recreate them.

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 15:34:45.456678
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attribute_definitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value_type', sa.String(length=10), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("entity_kind IN ('site', 'participant', 'source')", name=op.f('ck_attribute_definitions_known_entity_kind')),
    sa.CheckConstraint("value_type IN ('text', 'number', 'date', 'choice')", name=op.f('ck_attribute_definitions_known_value_type')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_attribute_definitions_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attribute_definitions')),
    sa.UniqueConstraint('entity_kind', 'name', name=op.f('uq_attribute_definitions_entity_kind_name'))
    )
    op.create_table('coders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('initials', sa.String(length=10), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_coders_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coders')),
    sa.UniqueConstraint('name', name=op.f('uq_coders_name'))
    )
    op.create_table('project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_with', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_project_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project')),
    sa.UniqueConstraint('guid', name=op.f('uq_project_guid'))
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_sites_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('name', name=op.f('uq_sites_name'))
    )
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('use_when', sa.Text(), nullable=False),
    sa.Column('dont_use_when', sa.Text(), nullable=False),
    sa.Column('example', sa.Text(), nullable=False),
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_themes_name_not_blank')),
    sa.CheckConstraint('parent_id IS NULL OR parent_id <> id', name=op.f('ck_themes_not_own_parent')),
    sa.ForeignKeyConstraint(['parent_id'], ['themes.id'], name=op.f('fk_themes_parent_id_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_themes')),
    sa.UniqueConstraint('guid', name=op.f('uq_themes_guid')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_themes_parent_id_name'))
    )
    op.create_index(op.f('ix_themes_parent_id'), 'themes', ['parent_id'], unique=False)
    op.create_index('uq_themes_top_level_name', 'themes', ['name'], unique=True, sqlite_where=sa.text('parent_id IS NULL'), postgresql_where=sa.text('parent_id IS NULL'))

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=True),
    sa.Column('operation', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.Integer(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.CheckConstraint("action IN ('insert', 'update', 'delete')", name=op.f('ck_audit_log_known_action')),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_audit_log_coder_id_coders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index(op.f('ix_audit_log_at'), 'audit_log', ['at'], unique=False)
    op.create_index(op.f('ix_audit_log_coder_id'), 'audit_log', ['coder_id'], unique=False)
    op.create_index('ix_audit_log_table_row', 'audit_log', ['table_name', 'row_id'], unique=False)

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('participant_type', sa.String(length=100), nullable=True),
    sa.Column('is_interviewer', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_participants_name_not_blank')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_participants_site_id_sites'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('site_id', 'name', name=op.f('uq_participants_site_id_name'))
    )
    op.create_index('ix_participants_site_type', 'participants', ['site_id', 'participant_type'], unique=False)

    op.create_table('site_attribute_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.Column('number_value', sa.Float(), nullable=True),
    sa.Column('date_value', sa.Date(), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN text_value IS NULL THEN 0 ELSE 1 END + CASE WHEN number_value IS NULL THEN 0 ELSE 1 END + CASE WHEN date_value IS NULL THEN 0 ELSE 1 END) <= 1', name=op.f('ck_site_attribute_values_one_value')),
    sa.ForeignKeyConstraint(['definition_id'], ['attribute_definitions.id'], name=op.f('fk_site_attribute_values_definition_id_attribute_definitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['sites.id'], name=op.f('fk_site_attribute_values_owner_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_attribute_values')),
    sa.UniqueConstraint('owner_id', 'definition_id', name=op.f('uq_site_attribute_values_owner_id_definition_id'))
    )
    op.create_index(op.f('ix_site_attribute_values_definition_id'), 'site_attribute_values', ['definition_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=30), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_length', sa.Integer(), nullable=False),
    sa.Column('word_count', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('original_filename', sa.String(length=500), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('interview', 'focus-group', 'observation', 'telephone-interview', 'document')", name=op.f('ck_sources_known_method')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_sources_name_not_blank')),
    sa.CheckConstraint('text_length = length(text)', name=op.f('ck_sources_text_length_matches')),
    sa.CheckConstraint('word_count >= 0', name=op.f('ck_sources_word_count_not_negative')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['coders.id'], name=op.f('fk_sources_imported_by_id_coders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_sources_site_id_sites'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_sources_content_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_sources_name'))
    )
    op.create_index(op.f('ix_sources_site_id'), 'sources', ['site_id'], unique=False)

    op.create_table('codings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('coder_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_codings_span_ordered')),
    sa.ForeignKeyConstraint(['coder_id'], ['coders.id'], name=op.f('fk_codings_coder_id_coders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_codings_source_id_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_codings_theme_id_themes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_codings'))
    )
    op.create_index(op.f('ix_codings_coder_id'), 'codings', ['coder_id'], unique=False)
    op.create_index('ix_codings_source_start', 'codings', ['source_id', 'start'], unique=False)
    op.create_index(op.f('ix_codings_theme_id'), 'codings', ['theme_id'], unique=False)

    op.create_table('participant_attribute_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.Column('number_value', sa.Float(), nullable=True),
    sa.Column('date_value', sa.Date(), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN text_value IS NULL THEN 0 ELSE 1 END + CASE WHEN number_value IS NULL THEN 0 ELSE 1 END + CASE WHEN date_value IS NULL THEN 0 ELSE 1 END) <= 1', name=op.f('ck_participant_attribute_values_one_value')),
    sa.ForeignKeyConstraint(['definition_id'], ['attribute_definitions.id'], name=op.f('fk_participant_attribute_values_definition_id_attribute_definitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['participants.id'], name=op.f('fk_participant_attribute_values_owner_id_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_attribute_values')),
    sa.UniqueConstraint('owner_id', 'definition_id', name=op.f('uq_participant_attribute_values_owner_id_definition_id'))
    )
    op.create_index(op.f('ix_participant_attribute_values_definition_id'), 'participant_attribute_values', ['definition_id'], unique=False)

    op.create_table('source_attribute_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.Column('number_value', sa.Float(), nullable=True),
    sa.Column('date_value', sa.Date(), nullable=True),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN text_value IS NULL THEN 0 ELSE 1 END + CASE WHEN number_value IS NULL THEN 0 ELSE 1 END + CASE WHEN date_value IS NULL THEN 0 ELSE 1 END) <= 1', name=op.f('ck_source_attribute_values_one_value')),
    sa.ForeignKeyConstraint(['definition_id'], ['attribute_definitions.id'], name=op.f('fk_source_attribute_values_definition_id_attribute_definitions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['sources.id'], name=op.f('fk_source_attribute_values_owner_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_attribute_values')),
    sa.UniqueConstraint('owner_id', 'definition_id', name=op.f('uq_source_attribute_values_owner_id_definition_id'))
    )
    op.create_index(op.f('ix_source_attribute_values_definition_id'), 'source_attribute_values', ['definition_id'], unique=False)

    op.create_table('summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f('ck_summaries_known_status')),
    sa.ForeignKeyConstraint(['author_id'], ['coders.id'], name=op.f('fk_summaries_author_id_coders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_summaries_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_summaries_theme_id_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summaries')),
    sa.UniqueConstraint('participant_id', 'theme_id', name=op.f('uq_summaries_participant_id_theme_id'))
    )
    op.create_index(op.f('ix_summaries_theme_id'), 'summaries', ['theme_id'], unique=False)

    op.create_table('turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('timestamp_seconds', sa.Float(), nullable=True),
    sa.Column('speaker_label', sa.String(length=200), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f('ck_turns_span_ordered')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_turns_participant_id_participants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_turns_source_id_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turns'))
    )
    op.create_index(op.f('ix_turns_participant_id'), 'turns', ['participant_id'], unique=False)
    op.create_index('ix_turns_source_start', 'turns', ['source_id', 'start'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=True),
    sa.Column('coding_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(summary_id IS NOT NULL AND coding_id IS NULL) OR (summary_id IS NULL AND coding_id IS NOT NULL)', name=op.f('ck_comments_one_target')),
    sa.ForeignKeyConstraint(['author_id'], ['coders.id'], name=op.f('fk_comments_author_id_coders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['coding_id'], ['codings.id'], name=op.f('fk_comments_coding_id_codings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_comments_summary_id_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    op.create_index('ix_comments_coding', 'comments', ['coding_id'], unique=False)
    op.create_index('ix_comments_summary', 'comments', ['summary_id'], unique=False)

    op.create_table('review_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("to_status IN ('draft', 'submitted', 'returned', 'approved')", name=op.f('ck_review_events_known_status')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['coders.id'], name=op.f('fk_review_events_reviewer_id_coders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_review_events_summary_id_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_events'))
    )
    op.create_index(op.f('ix_review_events_summary_id'), 'review_events', ['summary_id'], unique=False)

    op.create_table('summary_citations',
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('coding_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['coding_id'], ['codings.id'], name=op.f('fk_summary_citations_coding_id_codings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_summary_citations_summary_id_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('summary_id', 'coding_id', name=op.f('pk_summary_citations'))
    )
    op.create_index(op.f('ix_summary_citations_coding_id'), 'summary_citations', ['coding_id'], unique=False)

    op.create_table('summary_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['coders.id'], name=op.f('fk_summary_revisions_author_id_coders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['summary_id'], ['summaries.id'], name=op.f('fk_summary_revisions_summary_id_summaries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_revisions')),
    sa.UniqueConstraint('summary_id', 'version', name=op.f('uq_summary_revisions_summary_id_version'))
    )
    _create_span_triggers()



def downgrade() -> None:
    _drop_span_triggers()
    op.drop_table('summary_revisions')
    op.drop_table('summary_citations')
    op.drop_table('review_events')
    op.drop_table('comments')
    op.drop_table('turns')
    op.drop_table('summaries')
    op.drop_table('source_attribute_values')
    op.drop_table('participant_attribute_values')
    op.drop_table('codings')
    op.drop_table('sources')
    op.drop_table('site_attribute_values')
    op.drop_table('participants')
    op.drop_table('audit_log')
    op.drop_table('themes')
    op.drop_table('sites')
    op.drop_table('project')
    op.drop_table('coders')
    op.drop_table('attribute_definitions')


SPAN_TABLES = ("turns", "codings")

SQLITE_TRIGGERS = [
    *(
        f"""
        CREATE TRIGGER {table}_span_within_source_{event}
        BEFORE {event.upper()} {columns} ON {table}
        WHEN NEW."end" > (SELECT text_length FROM sources WHERE id = NEW.source_id)
        BEGIN SELECT RAISE(ABORT, '{table} span ends beyond the text of its source'); END
        """
        for table in SPAN_TABLES
        for event, columns in (("insert", ""), ("update", 'OF start, "end", source_id'))
    ),
    """
    CREATE TRIGGER sources_text_fixed_once_used
    BEFORE UPDATE OF text ON sources
    WHEN NEW.text IS NOT OLD.text AND (
        EXISTS (SELECT 1 FROM codings WHERE source_id = OLD.id)
        OR EXISTS (SELECT 1 FROM turns WHERE source_id = OLD.id AND "end" > NEW.text_length))
    BEGIN SELECT RAISE(ABORT, 'source text cannot change once it is coded'); END
    """,
]

POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION charter_span_within_source() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW."end" > (SELECT text_length FROM sources WHERE id = NEW.source_id) THEN
            RAISE EXCEPTION '% span ends beyond the text of its source', TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    *(
        f"""
        CREATE TRIGGER {table}_span_within_source
        BEFORE INSERT OR UPDATE OF start, "end", source_id ON {table}
        FOR EACH ROW EXECUTE FUNCTION charter_span_within_source()
        """
        for table in SPAN_TABLES
    ),
    """
    CREATE FUNCTION charter_source_text_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.text IS DISTINCT FROM OLD.text AND (
            EXISTS (SELECT 1 FROM codings WHERE source_id = OLD.id)
            OR EXISTS (SELECT 1 FROM turns WHERE source_id = OLD.id
                       AND "end" > NEW.text_length)) THEN
            RAISE EXCEPTION 'source text cannot change once it is coded'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER sources_text_fixed_once_used
    BEFORE UPDATE OF text ON sources
    FOR EACH ROW EXECUTE FUNCTION charter_source_text_fixed()
    """,
]


def _create_span_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_TRIGGERS if dialect == "sqlite" else POSTGRESQL_TRIGGERS:
        op.execute(statement)


def _drop_span_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        names = [f"{t}_span_within_source_{e}" for t in SPAN_TABLES for e in ("insert", "update")]
        for name in [*names, "sources_text_fixed_once_used"]:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in SPAN_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_span_within_source ON {table}")
        op.execute("DROP TRIGGER IF EXISTS sources_text_fixed_once_used ON sources")
        op.execute("DROP FUNCTION IF EXISTS charter_span_within_source()")
        op.execute("DROP FUNCTION IF EXISTS charter_source_text_fixed()")
