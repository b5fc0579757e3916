"""The base of every undoable action: apply, revert, re-apply, each one transaction."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from app.workspace import USER_ERRORS, Change, Workspace


class OperationCommand(QUndoCommand):
    """Subclasses implement ``apply`` (first do), ``revert`` (undo), ``reapply`` (redo,
    by default ``apply`` again) and ``change`` (what panes must refresh).

    ``Workspace.run`` does the first ``apply`` before pushing, so a refused operation
    never reaches the stack. If an undo or redo fails (the database went away, say),
    nothing is stored, the user is told, and the history is cleared because it no
    longer matches the project.
    """

    def __init__(self, workspace: Workspace, text: str) -> None:
        super().__init__(text)
        self.workspace = workspace
        self.done_once = False

    def apply(self, session: Session) -> None:
        raise NotImplementedError

    def revert(self, session: Session) -> None:
        raise NotImplementedError

    def reapply(self, session: Session) -> None:
        self.apply(session)

    def change(self) -> Change:
        raise NotImplementedError

    def redo(self) -> None:
        if self.done_once:
            self.done_once = False  # Workspace.run has already applied it
            return
        self._step(f"Redo {self.text()}", self.reapply)

    def undo(self) -> None:
        self._step(f"Undo {self.text()}", self.revert)

    def _step(self, label: str, action) -> None:
        try:
            with self.workspace.write(label) as session:
                action(session)
        except USER_ERRORS as error:
            self.workspace.report(label, error)
            stack = self.workspace.undo_stack
            # Clearing the stack from inside its own undo/redo is not allowed: defer it.
            QTimer.singleShot(0, stack.clear)
            return
        self.workspace.announce(self.change())
