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


def test_migrated_schema_equals_the_models(project):
    with project.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, Base.metadata) == []


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
