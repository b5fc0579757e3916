"""The migrations are the only way a schema is made, so they must match the models."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

import models.migrations
from framework.matrix import build_matrix
from framework.search import search
from models import AuditEntry, Base, CodingSegment, Participant, Source, Turn
from models.integrity import check_project
from models.engine import database_url, make_engine
from models.migrations import alembic_config, head_revision
from models.project import create_project, open_project
from models.search_index import SEARCH_TABLE_PREFIX


def test_migrated_schema_equals_the_models(project):
    with project.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": True,
                  "include_object": migration_env_filter},
        )
        assert compare_metadata(context, Base.metadata) == []


def migration_env_filter(obj, name, type_, reflected, compare_to) -> bool:
    """The same exclusion the migration environment applies: the hand-made search index."""
    return not (type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX))


def test_new_project_is_at_head_revision(project):
    assert project.schema_revision == head_revision()


def test_migrations_downgrade_and_upgrade_cleanly(location):
    create_project(location).close()
    engine = make_engine(database_url(location), foreign_keys=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(alembic_config(connection), "head")
        assert "codings" in inspect(connection).get_table_names()
    engine.dispose()


PROBE_REVISION = '''
"""Test-only revision: adds a table, so that an upgrade has something to do."""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("upgrade_probe", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("upgrade_probe")
'''


@pytest.fixture
def newer_charter(tmp_path: Path, monkeypatch) -> str:
    """Pretend this Charter ships one revision more than the real one."""
    folder = tmp_path / "migrations"
    shutil.copytree(models.migrations.MIGRATIONS_DIR, folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_probe.py").write_text(PROBE_REVISION.format(head=head_revision()))
    monkeypatch.setattr(models.migrations, "MIGRATIONS_DIR", folder)
    return "9001"


def test_opening_an_older_project_backs_it_up_then_upgrades(tmp_path, monkeypatch):
    path = tmp_path / "old.charter"
    old_head = head_revision()
    with create_project(path) as project, project.transaction("data") as session:
        session.add(Source(name="kept", text="Words that must survive the upgrade."))

    folder = tmp_path / "migrations"
    shutil.copytree(models.migrations.MIGRATIONS_DIR, folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9001_probe.py").write_text(PROBE_REVISION.format(head=old_head))
    monkeypatch.setattr(models.migrations, "MIGRATIONS_DIR", folder)

    with open_project(path) as project:
        assert project.schema_revision == "9001"
        with project.engine.connect() as connection:
            assert "upgrade_probe" in inspect(connection).get_table_names()
            assert connection.scalar(text("SELECT name FROM sources")) == "kept"

    backup = tmp_path / f"old.charter.schema-{old_head}.bak"
    assert backup.exists()
    monkeypatch.undo()
    with open_project(backup) as restored:
        assert restored.schema_revision == old_head


def test_upgrade_to_0002_fills_word_counts_segments_and_search(location):
    """A project written at schema 0001 (turns, a coding across two turns) is upgraded."""
    create_project(location).close()
    engine = make_engine(database_url(location), foreign_keys=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    text_ = "Interviewer: Why meet?\nJo: We meet weekly to share data."
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO sources (id, name, method, text, text_length, word_count, content_hash, "
            "original_filename, provenance, created_at) VALUES (1, 's', 'interview', :t, :n, 9, "
            "'h', '', '{}', CURRENT_TIMESTAMP)"), {"t": text_, "n": len(text_)})
        connection.execute(text(
            "INSERT INTO participants (id, name, is_interviewer, created_at) VALUES "
            "(1, 'Interviewer', true, CURRENT_TIMESTAMP), (2, 'Jo', false, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            'INSERT INTO turns (id, source_id, participant_id, start, "end", speaker_label) VALUES '
            "(1, 1, 1, 13, 22, 'Interviewer'), (2, 1, 2, 27, 56, 'Jo')"))
        connection.execute(text(
            "INSERT INTO coders (id, name, initials, colour, created_at) "
            "VALUES (1, 'c', 'c', '#000000', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO themes (id, name, position, colour, description, use_when, dont_use_when, "
            "example, guid, created_at) VALUES (1, 't', 0, '#000000', '', '', '', '', 'g', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            'INSERT INTO codings (id, source_id, theme_id, coder_id, start, "end", memo, created_at, '
            "updated_at) VALUES (1, 1, 1, 1, 17, 37, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    engine.dispose()

    with open_project(location) as project, project.engine.connect() as connection:
        assert project.schema_revision == head_revision()
        words = connection.execute(text("SELECT id, word_count FROM turns ORDER BY id")).all()
        assert [tuple(w) for w in words] == [(1, 2), (2, 6)]
        segments = connection.execute(text(
            'SELECT turn_id, participant_id, start, "end", words FROM coding_segments ORDER BY start')).all()
        # "meet?" in the interviewer's turn, then "We meet" in Jo's: the label between is no one's
        assert [tuple(s) for s in segments] == [(1, 1, 17, 22, 1), (2, 2, 27, 37, 3)]
        assert (text_[17:22], text_[27:37]) == ("meet?", "We meet we")
        hits = connection.execute(text(
            "SELECT rowid FROM turn_search WHERE turn_search MATCH 'weekly'"
            if project.backend == "sqlite" else
            "SELECT turn_id FROM turn_search WHERE body @@ to_tsquery('simple', 'weekly')")).all()
        assert [h[0] for h in hits] == [2]


def _at_revision(location: str, revision: str):
    """A new project taken back to ``revision``, and an engine to write old-style rows."""
    create_project(location).close()
    engine = make_engine(database_url(location), foreign_keys=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
    return engine


def test_upgrade_to_0006_keys_participant_names_and_numbers_the_ones_that_collide(location):
    """Rows the old ASCII-only matching let in twice are all kept: the first keeps its
    name, later ones get the first free number, and the renames are in the audit log."""
    engine = _at_revision(location, "0005")
    decomposed = unicodedata.normalize("NFD", "José Ñúñez")
    people = [(1, 1, "JOSÉ ÑÚÑEZ"), (2, 1, "José Ñúñez"), (3, 1, decomposed), (4, 1, "José Ñúñez (2)"),
              (5, 2, "José Ñúñez"), (6, None, "Émile"), (7, None, "ÉMILE"), (8, 1, "Sam")]
    text_ = "José Ñúñez: We meet.\nJOSÉ ÑÚÑEZ: Weekly."
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sites (id, name, description, position, created_at) VALUES "
                                "(1, 'Site A', '', 0, CURRENT_TIMESTAMP), (2, 'Site B', '', 1, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO participants (id, site_id, name, is_interviewer, created_at) "
                                "VALUES (:id, :site, :name, false, CURRENT_TIMESTAMP)"),
                           [{"id": i, "site": s, "name": n} for i, s, n in people])
        connection.execute(text(
            "INSERT INTO sources (id, name, method, text, text_length, word_count, content_hash, "
            "original_filename, provenance, created_at) VALUES (1, 's', 'interview', :t, :n, 7, "
            "'h', '', '{}', CURRENT_TIMESTAMP)"), {"t": text_, "n": len(text_)})
        connection.execute(text('INSERT INTO turns (id, source_id, participant_id, start, "end", speaker_label) '
                                "VALUES (1, 1, 2, 12, 20, 'José Ñúñez'), (2, 1, 1, 33, 40, 'JOSÉ ÑÚÑEZ')"))
    engine.dispose()

    with open_project(location) as project, project.engine.connect() as connection:
        assert project.schema_revision == head_revision()
        rows = connection.execute(text("SELECT id, site_id, name, name_key FROM participants ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            (1, 1, "JOSÉ ÑÚÑEZ", "josé ñúñez"),
            (2, 1, "José Ñúñez (3)", "josé ñúñez (3)"),  # "(2)" is someone's name already
            (3, 1, decomposed + " (4)", "josé ñúñez (4)"),
            (4, 1, "José Ñúñez (2)", "josé ñúñez (2)"),
            (5, 2, "José Ñúñez", "josé ñúñez"),  # another site: another person
            (6, None, "Émile", "émile"),
            (7, None, "ÉMILE (2)", "émile (2)"),
            (8, 1, "Sam", "sam"),
        ]
        turns = connection.execute(text("SELECT id, participant_id FROM turns ORDER BY id")).all()
        assert [tuple(t) for t in turns] == [(1, 2), (2, 1)]
        audit = connection.execute(text(
            "SELECT row_id, changes FROM audit_log WHERE operation LIKE 'schema upgrade 0006%' ORDER BY row_id")).all()
        changes = [(row_id, json.loads(c) if isinstance(c, str) else c) for row_id, c in audit]
        assert [(row_id, c["name"]) for row_id, c in changes] == [
            (2, ["José Ñúñez", "José Ñúñez (3)"]), (3, [decomposed, decomposed + " (4)"]),
            (7, ["ÉMILE", "ÉMILE (2)"])]
    with open_project(location) as project:
        with pytest.raises(IntegrityError):
            with project.transaction("a second José at Site A") as session:
                session.add(Participant(site_id=1, name="josé ñúñez"))
        with pytest.raises(IntegrityError):
            with project.transaction("a second Émile with no site") as session:
                session.add(Participant(name=unicodedata.normalize("NFD", "émile")))


def test_upgrade_to_0007_gives_an_unlabelled_source_its_one_participant(location):
    """A source imported before 0007 without speaker labels (its text in one turn of no
    one, a coding in it counted by no row) gets its participant, a turn per line, and
    segments the matrix counts; a labelled source is left as it was."""
    engine = _at_revision(location, "0006")
    answers = "I have lived here for years.\nThe PCSOs know everyone now.\n  \nThe youth club shut."
    partner = "Interviewer: Why?\nJo: We meet weekly."
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sites (id, name, description, position, created_at) "
                                "VALUES (1, 'Site A', '', 0, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO participants (id, site_id, name, name_key, is_interviewer, created_at) VALUES "
            "(1, NULL, 'Interviewer', 'interviewer', true, CURRENT_TIMESTAMP), "
            "(2, 1, 'Jo', 'jo', false, CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO sources (id, name, site_id, method, text, text_length, word_count, content_hash, "
            "original_filename, provenance, created_at) VALUES "
            "(1, 'resident-07', 1, 'document', :a, :an, 14, 'a', '', '{}', CURRENT_TIMESTAMP), "
            "(2, 'partner', 1, 'interview', :p, :pn, 5, 'p', '', '{}', CURRENT_TIMESTAMP)"),
            {"a": answers, "an": len(answers), "p": partner, "pn": len(partner)})
        connection.execute(text(
            'INSERT INTO turns (id, source_id, participant_id, start, "end", speaker_label, word_count) VALUES '
            "(1, 1, NULL, 0, :end, '', 14), (2, 2, 1, 13, 17, 'Interviewer', 1), (3, 2, 2, 22, 37, 'Jo', 3)"),
            {"end": len(answers)})
        index = ("INSERT INTO turn_search (rowid, body) VALUES (1, :b)" if connection.dialect.name == "sqlite"
                 else "INSERT INTO turn_search (turn_id, body) VALUES (1, to_tsvector('simple', :b))")
        connection.execute(text(index), {"b": answers})
        connection.execute(text("INSERT INTO coders (id, name, initials, colour, created_at) "
                                "VALUES (1, 'c', 'c', '#000000', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO themes (id, name, position, colour, description, use_when, dont_use_when, "
            "example, guid, created_at) VALUES (1, 't', 0, '#000000', '', '', '', '', 'g', CURRENT_TIMESTAMP)"))
        start, end = answers.index("years"), answers.index(" know")
        connection.execute(text(
            'INSERT INTO codings (id, source_id, theme_id, coder_id, start, "end", memo, created_at, updated_at) '
            "VALUES (1, 1, 1, 1, :s, :e, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"s": start, "e": end})
        connection.execute(text(
            'INSERT INTO coding_segments (coding_id, turn_id, participant_id, start, "end", words, theme_id, '
            "source_id, part_start, part_end, part_words) VALUES (1, 1, NULL, :s, :e, 3, 1, 1, :s, :e, 3)"),
            {"s": start, "e": end})
        if connection.dialect.name == "postgresql":  # rows written with ids leave the sequences behind
            for table in ("participants", "turns"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT max(id) FROM {table}))"))
    engine.dispose()
    assert answers[start:end] == "years.\nThe PCSOs"

    with open_project(location) as project:
        with project.session() as session:
            person = session.scalars(select(Participant).where(Participant.name == "resident-07")).one()
            assert (person.site_id, person.participant_type, person.is_interviewer, person.name_key) == (
                1, None, False, "resident-07")
            turns = session.execute(select(Turn.source_id, Turn.participant_id, Turn.start, Turn.end,
                                           Turn.word_count).order_by(Turn.source_id, Turn.start)).all()
            assert [(s, p, (answers if s == 1 else partner)[a:b], w) for s, p, a, b, w in turns] == [
                (1, person.id, "I have lived here for years.", 6), (1, person.id, "The PCSOs know everyone now.", 5),
                (1, person.id, "The youth club shut.", 4),  # the blank line is nobody's
                (2, 1, "Why?", 1), (2, 2, "We meet weekly.", 3)]
            segments = session.execute(select(CodingSegment.participant_id, CodingSegment.start,
                                              CodingSegment.end, CodingSegment.words, CodingSegment.part_start,
                                              CodingSegment.part_end, CodingSegment.part_words)
                                       .order_by(CodingSegment.start)).all()
            assert [(p, answers[a:b], w, answers[ps:pe], pw) for p, a, b, w, ps, pe, pw in segments] == [
                (person.id, "years.", 1, "years.\nThe PCSOs", 3), (person.id, "The PCSOs", 2, "years.\nThe PCSOs", 3)]
            new_turns = list(session.scalars(select(Turn.id).where(Turn.source_id == 1).order_by(Turn.start)))
            # The old turn's index row went with it; each line is found as its own turn.
            assert [(h.speaker, h.turn_id) for h in search(session, "lived OR everyone")] == [
                ("resident-07", new_turns[0]), ("resident-07", new_turns[1])]
            cell = build_matrix(session, depth=1).cell(person.id, 1)
            assert (cell.passages, cell.words, cell.coverage) == (1, 3, 20.0)  # 3 of 15 words
            audit = session.execute(select(AuditEntry.action, AuditEntry.row_id)
                                    .where(AuditEntry.operation.like("schema upgrade 0007%"))).all()
            assert [tuple(a) for a in audit] == [("insert", person.id)]
        assert check_project(project).ok
