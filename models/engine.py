"""Engines for both back ends, with the connection settings Charter relies on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CACHE_KIB = 64 * 1024  # per connection, allocated only as pages are read (default is 2 MiB)


def is_database_url(location: str) -> bool:
    """``postgresql://…`` and friends are URLs; anything else is a file path."""
    return "://" in location


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
      transaction (and SAVEPOINT) covers exactly what the session does.
    """
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    # LIFO: a thread's next session gets the connection it used last, whose page cache
    # is still warm (and still valid after its own writes); FIFO would rotate through
    # connections whose caches another connection's write has invalidated.
    engine = create_engine(url, pool_use_lifo=True)

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
        connection.exec_driver_sql("BEGIN")

    return engine
