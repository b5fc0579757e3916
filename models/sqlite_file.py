"""Looking at a file before SQLite touches it, so that a bad file is refused unchanged.

SQLite will happily "open" random bytes and only fail on first read, and it may create
journal files beside whatever it opens. Reading the 100-byte header ourselves tells a
SQLite database from anything else without writing a byte.

Whether a database is whole is SQLite's to say, not the header's: a process that dies
while it copies the write-ahead log into the file (a checkpoint) leaves a file shorter
than its header announces, yet nothing is lost, because every page is still in the
``-wal`` file and SQLite replays it on the next open. So a file shorter than its header
is refused outright only when there is no write-ahead log beside it; otherwise SQLite
checks it, with the log, on a read-only connection.
"""

from __future__ import annotations

import glob
import sqlite3
import struct
from contextlib import closing
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # the result codes that say the file is damaged


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
    # change counter (SQLite ≥ 3.7.0 keeps them equal).
    if page_count and valid_for == change_counter and path.stat().st_size < page_size * page_count:
        if not path.with_name(path.name + "-wal").exists():
            raise NotADatabaseError(
                f"{path} is truncated (the file is shorter than its own header says, so part of "
                f"the project is missing); {_what_to_do(path)}."
            )
        problem = _quick_check(path)
        if problem is not None:
            raise NotADatabaseError(
                f"{path} is damaged (SQLite's check found: {problem}); {_what_to_do(path)}."
            )


def _quick_check(path: Path) -> str | None:
    """SQLite's ``quick_check`` of the file together with its write-ahead log: None if
    it is whole, else the first problem found. The connection is read-only, so neither
    the file nor its log is written (SQLite may create the log's index, ``-shm``)."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
            (first,) = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return str(error)
        return None  # no verdict on the file (busy, say): the open that follows meets it too
    return None if first == "ok" else first


def _what_to_do(path: Path) -> str:
    """Where the user can turn for the project: the copy Charter saved before its last
    schema upgrade, if there is one beside the file, else a copy of their own."""
    saved = sorted(path.parent.glob(f"{glob.escape(path.name)}.schema-*.bak"),
                   key=lambda candidate: candidate.stat().st_mtime)
    if saved:
        return (f"{saved[-1].name} beside it is the copy Charter saved before its last upgrade: "
                "copy that to a new .charter file and open it, or open a copy of your own")
    return "if you have a copy of it (on another computer, a shared drive or a backup), open that instead"


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
