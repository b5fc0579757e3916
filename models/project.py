"""Opening, creating and upgrading Charter projects, on SQLite or PostgreSQL alike.

A project is a database whose schema Alembic manages. Opening one checks, before
changing anything, that it really is a Charter project and that this Charter
understands its schema; an older schema is upgraded after a backup copy is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import URL, Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from models.db_errors import DatabaseUnavailable
from models.engine import WRITES, database_url, location_name, make_engine
from models.errors import CharterError
from models.migrations import alembic_config, head_revision, known_revisions
from models.project_meta import ProjectInfo
from models.sqlite_file import NotADatabaseError, backup_copy, check_sqlite_header, read_only_tables

CHARTER_TABLES = {"project", "sources", "themes", "codings"}


class ProjectError(CharterError):
    """A project cannot be opened or created; ``str(error)`` is one sentence for the user."""


class NewerSchemaError(ProjectError):
    """The project was written by a newer Charter than this one."""


def charter_version() -> str:
    try:
        return version("charter")
    except PackageNotFoundError:
        return "unknown"


class Project:
    """An open project: an engine plus a way to get sessions that record who writes."""

    def __init__(self, engine: Engine, location: str, url: URL) -> None:
        self.engine = engine
        self.location = location
        self.url = url
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def session(self, *, coder_id: int | None = None, operation: str = "") -> Session:
        """A new session; ``coder_id`` and ``operation`` are written to the audit log.

        Its transaction begins as a read (deferred), so under SQLite's WAL it neither
        waits for nor blocks a writer: use it to read, and ``transaction()`` to write.
        """
        session = self._sessions()
        session.info["coder_id"] = coder_id
        session.info["operation"] = operation
        return session

    @contextmanager
    def transaction(self, operation: str, *, coder_id: int | None = None) -> Iterator[Session]:
        """One operation, one transaction: committed on success, rolled back on error.

        The transaction is a write from its first statement (SQLite: BEGIN IMMEDIATE),
        so it waits for another writer to finish rather than failing half-way; if the
        wait runs out, ``ProjectBusy`` is raised and nothing was written. A database
        failure the user can meet is raised as a ``DatabaseUnavailable`` (see
        ``models.db_errors``).
        """
        with self.session(coder_id=coder_id, operation=operation) as session, session.begin():
            session.connection(execution_options={WRITES: True})
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def describe(location: str | Path) -> str:
    """How to name a project location in messages: the path, or the URL without password."""
    return location_name(database_url(location))


def create_project(location: str | Path, *, name: str | None = None) -> Project:
    """Create a new, empty project through the migrations and open it.

    Refuses to overwrite: a file that exists, or a database that already has tables.
    """
    url = database_url(location)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database)
        if path.exists():
            raise ProjectError(f"{path} already exists; choose a new file name for the project.")
        if not path.parent.is_dir():
            raise ProjectError(f"The folder {path.parent} does not exist.")
        default_name = path.stem
    else:
        default_name = url.database or "Charter project"

    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():
                raise ProjectError(
                    f"{describe(location)} already holds tables; "
                    "a new project needs an empty database."
                )
            command.upgrade(alembic_config(connection), "head")
            with Session(bind=connection) as session:
                session.info["operation"] = "create project"
                session.add(
                    ProjectInfo(id=1, name=name or default_name, created_with=charter_version())
                )
                session.flush()
    except DatabaseUnavailable:
        raise  # busy, full, read-only or unreachable: one sentence already, and still a project
    except DBAPIError as error:
        raise ProjectError(
            f"Could not create a project at {describe(location)}: {_first_line(error)}."
        ) from error
    finally:
        engine.dispose()
    return open_project(location)


def open_project(location: str | Path) -> Project:
    """Open an existing project, upgrading an older schema after a backup.

    Nothing is written until the project is known to be a Charter project whose schema
    this version understands.
    """
    url = database_url(location)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_project(Path(url.database))
    try:
        _upgrade_if_needed(url, location)
        engine = make_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1 FROM project"))
    except DatabaseUnavailable:
        raise  # busy, full, read-only or unreachable: one sentence already, and still a project
    except DBAPIError as error:
        raise ProjectError(f"Could not open {describe(location)}: {_first_line(error)}.") from error
    return Project(engine, describe(location), url)


def _check_sqlite_project(path: Path) -> None:
    if not path.exists():
        raise ProjectError(f"{path} does not exist.")
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a Charter project file.")
    if not os.access(path, os.R_OK):
        raise ProjectError(f"{path} cannot be read (permission denied).")
    try:
        check_sqlite_header(path)
        tables, revision = read_only_tables(path)
    except NotADatabaseError as error:
        raise ProjectError(str(error)) from error
    if not CHARTER_TABLES <= tables or revision is None:
        raise ProjectError(
            f"{path} is a SQLite database but not a Charter project (it has no Charter tables)."
        )
    _check_revision_known(revision, str(path))


def _check_revision_known(revision: str, where: str) -> None:
    if revision not in known_revisions():
        raise NewerSchemaError(
            f"{where} was saved by a newer version of Charter (schema {revision}; this "
            f"version understands up to {head_revision()}); update Charter to open it."
        )


def _upgrade_if_needed(url: URL, location: str | Path) -> None:
    """Bring an older project up to the current schema.

    SQLite: a backup copy ``<name>.schema-<old>.bak`` is written next to the file first.
    PostgreSQL: DDL is transactional there, so a failed upgrade leaves the database as it
    was; server-side backups are the database administrator's business.
    """
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            current = MigrationContext.configure(connection).get_current_revision()
        if url.get_backend_name() != "sqlite":
            if not CHARTER_TABLES <= tables or current is None:
                raise ProjectError(f"{describe(location)} is a database but not a Charter project.")
            _check_revision_known(current, describe(location))
        if current == head_revision():
            return
        # A write transaction from the start: a second Charter opening the same old
        # project waits here, then finds it upgraded, instead of failing half-way.
        with engine.connect().execution_options(**{WRITES: True}) as connection, connection.begin():
            current = MigrationContext.configure(connection).get_current_revision()
            if current == head_revision():
                return
            if url.get_backend_name() == "sqlite":
                path = Path(url.database)
                backup_copy(path, path.with_name(f"{path.name}.schema-{current}.bak"))
            command.upgrade(alembic_config(connection), "head")
            _check_foreign_keys_after_upgrade(connection, url)
    finally:
        engine.dispose()


def _check_foreign_keys_after_upgrade(connection, url: URL) -> None:
    """Migrations run with SQLite's foreign keys off; make sure they left none dangling."""
    if url.get_backend_name() == "sqlite":
        problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ProjectError(
                f"Upgrading {url.database} would leave {len(problems)} broken references; "
                "the project was left as it was."
            )


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error)
    return message.strip().splitlines()[0].rstrip(".") if message.strip() else type(error).__name__
