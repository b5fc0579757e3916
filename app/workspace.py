"""An open project as the GUI sees it: who is coding, the undo stack, and what changed.

Every pane reads through ``read()`` (a short session, no writes) and every change goes
through an ``OperationCommand`` run by ``run()``: one framework operation, one committed
transaction, pushed on the undo stack. After each do, undo or redo the workspace
announces a ``Change`` naming what kind of thing changed and where, so each pane
refreshes only what it shows (the Anki pattern: operations broadcast, views listen).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.coders import ensure_coder
from framework.errors import CharterError
from models import ProjectInfo
from models.project import Project

#: Errors a user can cause or meet (bad input, a conflict, a busy, full, read-only or
#: unreachable database: ``models.db_errors`` turns those into ``CharterError``s). They
#: are shown as a message box; anything else is a bug, and propagates to be seen as one.
USER_ERRORS = (CharterError,)


@dataclass(frozen=True)
class Change:
    """What an operation changed: kinds among "codings", "themes", "sources",
    "summaries", "attributes"; and, for codings, in which sources."""

    kinds: frozenset[str]
    source_ids: frozenset[int] = field(default_factory=frozenset)

    def touches(self, kind: str) -> bool:
        return kind in self.kinds


class Workspace(QObject):
    changed = Signal(object)  # a Change
    failed = Signal(str, str)  # what was being done, the error (one sentence)
    busy = Signal(bool)  # a write is in progress

    def __init__(self, project: Project, coder_name: str, coder_initials: str = "", parent=None) -> None:
        super().__init__(parent)
        self.project = project
        with project.transaction("register coder") as session:
            self.coder_id = ensure_coder(session, coder_name, coder_initials or None)
            info = session.scalar(select(ProjectInfo))
            self.project_guid = info.guid if info else ""
            self.project_name = info.name if info else project.location
        self.coder_name = " ".join(coder_name.split())
        self.undo_stack = QUndoStack(self)
        self.last_error: str | None = None

    def set_coder(self, name: str, initials: str = "") -> None:
        """Write from now on in another coder's name (Preferences changed it)."""
        with self.project.transaction("register coder") as session:
            self.coder_id = ensure_coder(session, name, initials or None)
        self.coder_name = " ".join(name.split())

    # --- sessions ---------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session for a pane to fetch what it shows."""
        with self.project.session() as session:
            yield session

    @contextmanager
    def write(self, operation: str) -> Iterator[Session]:
        """One committed transaction in the coder's name (recorded in the audit log)."""
        self.busy.emit(True)
        try:
            with self.project.transaction(operation, coder_id=self.coder_id) as session:
                yield session
        finally:
            self.busy.emit(False)

    # --- commands ---------------------------------------------------------------------

    def run(self, command) -> bool:
        """Do ``command`` now and put it on the undo stack; False (and ``failed``
        emitted, nothing stored) if the core refused it."""
        try:
            with self.write(command.text()) as session:
                command.apply(session)
        except USER_ERRORS as error:
            self.report(command.text(), error)
            return False
        command.done_once = True
        self.undo_stack.push(command)  # push calls redo(), which skips the first time
        self.announce(command.change())
        return True

    def announce(self, change: Change) -> None:
        self.changed.emit(change)

    def report(self, doing: str, error: BaseException) -> None:
        self.last_error = one_sentence(error)
        self.failed.emit(doing, self.last_error)

    def close(self) -> None:
        self.undo_stack.clear()
        self.project.close()


def one_sentence(error: BaseException) -> str:
    """The user-facing first line of an error."""
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
