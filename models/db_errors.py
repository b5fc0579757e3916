"""The database failures a user can meet, turned into one-sentence ``CharterError``s.

A busy project, a full disk, a read-only file or a lost server is not a bug: the user
can do something about it, and a transaction is never left half-written. The
command line and the GUI catch only ``CharterError``, so these must become one. Every
engine Charter makes reports its errors through ``user_error`` (``models.engine``), so
the translation happens in this one place whichever layer ran the statement.

Everything else — an IntegrityError, a syntax error, a missing table — is a bug or a
rule the caller handles itself, and is left exactly as the driver raised it.
"""

from __future__ import annotations

from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import OperationalError

from models.errors import CharterError

# SQLite's primary result codes (the low byte of an extended code such as BUSY_SNAPSHOT).
# SQLITE_BUSY is "database is locked"; SQLITE_LOCKED ("database table is locked") is a
# conflict inside one connection, a bug, so it is not among them.
SQLITE_BUSY, SQLITE_READONLY, SQLITE_FULL = 5, 8, 13
# PostgreSQL's SQLSTATEs for a transaction that lost a race for a lock and was rolled back.
POSTGRES_LOCK_LOST = {"40P01": "deadlock_detected", "55P03": "lock_not_available"}


class DatabaseUnavailable(CharterError):
    """The database could not do what was asked, for a reason outside Charter;
    nothing of the operation was stored."""


class ProjectBusy(DatabaseUnavailable):
    """Another connection held the project longer than Charter waits for it."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} is busy (another Charter window or command is writing to it); "
            "nothing was changed, so try again in a moment."
        )


class DiskFull(DatabaseUnavailable):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"The disk holding {where} is full; nothing was saved, so free some space and try again."
        )


class ProjectReadOnly(DatabaseUnavailable):
    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} cannot be written (the file or its folder is read-only); nothing was saved."
        )


class ServerUnreachable(DatabaseUnavailable):
    """The PostgreSQL server refused the connection, or the connection was lost.

    A connection lost during COMMIT leaves the client not knowing whether the server
    committed, so that message says what is certain: all of the change or none of it."""

    def __init__(self, where: str, reason: str, *, lost: bool) -> None:
        if lost:
            message = (f"The connection to {where} was lost ({reason}); a change being saved is "
                       "either saved whole or not at all, so reopen the project to see which.")
        else:
            message = (f"Charter cannot connect to {where} ({reason}); check that the server is "
                       "running and reachable, then try again.")
        super().__init__(message)


def user_error(context: ExceptionContext, where: str) -> DatabaseUnavailable | None:
    """The ``CharterError`` to raise instead of the driver's error, or None to leave it.

    A failed pre-ping is left alone: the pool then replaces the dead connection quietly.
    """
    if context.is_pre_ping:
        return None
    original = context.original_exception
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        primary = code & 0xFF
        if primary == SQLITE_BUSY:
            return ProjectBusy(where)
        if primary == SQLITE_FULL:
            return DiskFull(where)
        if primary == SQLITE_READONLY:
            return ProjectReadOnly(where)
        return None
    if getattr(original, "sqlstate", None) in POSTGRES_LOCK_LOST:
        return ProjectBusy(where)
    if isinstance(context.sqlalchemy_exception, OperationalError):
        if context.connection is None:  # the connection could not be made
            return ServerUnreachable(where, _first_line(original), lost=False)
        if context.is_disconnect:
            return ServerUnreachable(where, _first_line(original), lost=True)
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].rstrip(".") if text else type(error).__name__
