"""Looking at a file before SQLite touches it, so that a bad file is refused unchanged.

SQLite will happily "open" random bytes and only fail on first read, and it may create
journal files beside whatever it opens. Reading the 100-byte header ourselves tells a
SQLite database from anything else, and a truncated one from a whole one, without
writing a byte.
"""

from __future__ import annotations

import sqlite3
import struct
from contextlib import closing
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


class NotADatabaseError(Exception):
    """The file is not a (whole) SQLite database; the message is one sentence."""


def check_sqlite_header(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(HEADER_SIZE)
    if len(header) == 0:
        raise NotADatabaseError(f"{path} is empty, so it is not a Charter project.")
    if len(header) < HEADER_SIZE or not header.startswith(SQLITE_MAGIC):
        raise NotADatabaseError(
            f"{path} is not a Charter project (it is not a SQLite database file)."
        )
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    # The in-header page count is trustworthy only when "version-valid-for" matches the
    # change counter (SQLite ≥ 3.7.0 keeps them equal); then a shorter file is truncated.
    if page_count and valid_for == change_counter:
        if path.stat().st_size < page_size * page_count:
            raise NotADatabaseError(
                f"{path} is truncated (the file is shorter than its own header says); "
                "restore it from a backup."
            )


def read_only_tables(path: Path) -> tuple[set[str], str | None]:
    """The table names and Alembic revision of a SQLite file, read without writing.

    ``immutable=1`` makes SQLite create no side files at all, but it also ignores a
    write-ahead log; a WAL file left beside the database (a project open elsewhere, or
    not closed cleanly) holds committed data, so then a plain read-only open is used.
    """
    wal_present = path.with_name(path.name + "-wal").exists()
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if wal_present else "&immutable=1")
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            revision = None
            if "alembic_version" in tables:
                row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
            return tables, revision
    except sqlite3.DatabaseError as error:
        raise NotADatabaseError(
            f"{path} cannot be read as a database ({error}); it is not a usable Charter project."
        ) from error


def backup_copy(path: Path, destination: Path) -> None:
    """A consistent copy through SQLite's backup API (safe with WAL, unlike a file copy)."""
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(destination)) as target:
        source.backup(target)
