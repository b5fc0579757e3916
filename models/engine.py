"""Engines for both back ends, with the connection settings Charter relies on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from models.db_errors import user_error

# How long a SQLite writer waits for another connection's write to finish before the
# user hears that the project is busy. Read at each new connection.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 64 * 1024  # per connection, allocated only as pages are read (default is 2 MiB)
#: Execution option that marks a connection's transaction as one that will write.
WRITES = "charter_writes"


def is_database_url(location: str) -> bool:
    """``postgresql://…`` and friends are URLs; anything else is a file path."""
    return "://" in location


def location_name(url: URL) -> str:
    """How to name a database in messages: the file path, or the URL without password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.render_as_string(hide_password=True)


def database_url(location: str | Path) -> URL:
    """The SQLAlchemy URL for a project file path or database URL."""
    if isinstance(location, Path) or not is_database_url(location):
        return URL.create("sqlite+pysqlite", database=str(Path(location).resolve()))
    url = make_url(location)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def make_engine(url: URL, *, foreign_keys: bool = True) -> Engine:
    """An engine with SQLite made to behave like a proper transactional database.

    * ``foreign_keys`` is off per SQLite connection unless turned on; migrations turn it
      off on purpose, because batch table rebuilds would otherwise cascade deletes.
    * WAL lets the GUI read while a background job writes; ``busy_timeout`` waits for a
      lock instead of failing at once.
    * pysqlite's own transaction handling is replaced by explicit BEGIN, so that a
      transaction (and SAVEPOINT) covers exactly what the session does. A connection
      given the ``WRITES`` execution option begins with ``BEGIN IMMEDIATE``: it takes
      the write lock at once, waiting up to the busy timeout. A deferred BEGIN would
      start as a read, and upgrading that to a write while another connection writes
      fails at once with "database is locked": SQLite does not wait there (two readers
      waiting to write would deadlock, and the read's snapshot may already be stale).
      Reads keep the deferred BEGIN, so under WAL they never wait for, nor hold up, a
      writer.
    * Errors a user can meet (busy, disk full, read-only, server gone) are raised as
      ``CharterError``s with one sentence (``models.db_errors``); on PostgreSQL, too.
    """
    if url.get_backend_name() != "sqlite":
        return _with_user_errors(create_engine(url, pool_pre_ping=True), url)

    # LIFO: a thread's next session gets the connection it used last, whose page cache
    # is still warm (and still valid after its own writes); FIFO would rotate through
    # connections whose caches another connection's write has invalidated.
    engine = _with_user_errors(create_engine(url, pool_use_lifo=True), url)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        writes = connection.get_execution_options().get(WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def _with_user_errors(engine: Engine, url: URL) -> Engine:
    where = location_name(url)
    event.listen(engine, "handle_error", lambda context: user_error(context, where))
    return engine
