"""Alembic migrations shipped inside the package, driven from code (no alembic.ini).

Every schema change is a new revision in ``versions/``. To write one after changing the
models::

    .venv/bin/python -m models.migrations revision -m "what changed"

which autogenerates it against a fresh scratch database built from the current head.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=4)
def _revisions(folder: str) -> tuple[str | None, frozenset[str]]:
    """The head and every revision of the scripts in ``folder``. Reading them compiles
    every migration script, which used to cost each ``open_project`` twice over (a
    `charter code` took 56 ms instead of 32); the shipped scripts never change while
    Charter runs, and the tests that add a revision do so in a folder of their own."""
    config = Config()
    config.set_main_option("script_location", folder)
    scripts = ScriptDirectory.from_config(config)
    return scripts.get_current_head(), frozenset(rev.revision for rev in scripts.walk_revisions())


def head_revision() -> str:
    head = _revisions(str(MIGRATIONS_DIR))[0]
    assert head is not None, "the migrations folder has no revisions"
    return head


def known_revisions() -> set[str]:
    return set(_revisions(str(MIGRATIONS_DIR))[1])
