"""Write a new migration: ``python -m models.migrations revision -m "what changed"``.

Autogenerates against a scratch SQLite database upgraded to the current head, so the new
revision holds exactly the difference between the models and the last revision.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from models.engine import database_url, make_engine
from models.migrations import alembic_config


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m models.migrations")
    sub = parser.add_subparsers(dest="command", required=True)
    revision = sub.add_parser("revision", help="autogenerate a new revision")
    revision.add_argument("-m", "--message", required=True)
    revision.add_argument("--rev-id", help="revision id (default: next number)")
    args = parser.parse_args()

    from models.migrations import known_revisions

    rev_id = args.rev_id or f"{len(known_revisions()) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(database_url(Path(scratch) / "scratch.charter"), foreign_keys=False)
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            command.revision(config, message=args.message, autogenerate=True, rev_id=rev_id)
        engine.dispose()


if __name__ == "__main__":
    main()
