"""The migrations are the only way a schema is made, so they must match the models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import models.migrations
from models import Base, Source
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
