"""Undoable coding actions: code, uncode, delete, recode, memo, auto-code.

Each runs framework operations that return ``Edit``s (codings created, snapshots of
codings removed). Undo deletes what was created and restores what was removed, with the
same ids; redo does the reverse from snapshots taken after the first do, so coding ids
stay stable across any number of undos and redos.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.commands.base import OperationCommand
from app.workspace import Change, Workspace
from framework.autocode import Selection, apply_autocode
from framework.coding import (
    CodingSnapshot,
    Edit,
    apply_coding,
    coding_snapshots,
    delete_coding,
    set_memo,
    uncode,
    undo_edit,
)
from framework.errors import CharterError
from models import Coding


def combine(edits: list[Edit]) -> Edit:
    """One net edit for a sequence: what exists at the end that did not at the start,
    and what existed at the start that is gone at the end. Linear in the edits, since
    "code all results" may combine thousands."""
    created: dict[int, None] = {}  # insertion-ordered set
    removed: list[CodingSnapshot] = []
    for edit in edits:
        for snap in edit.removed:
            if snap.id in created:
                del created[snap.id]  # made and unmade within the sequence
            else:
                removed.append(snap)
        created.update(dict.fromkeys(edit.created))
    return Edit(created=list(created), removed=removed)


class CodingEditCommand(OperationCommand):
    """Any change to codings made of framework operations that return ``Edit``s."""

    def __init__(self, workspace: Workspace, text: str, operation: Callable[[Session], list[Edit]],
                 source_ids: set[int]) -> None:
        super().__init__(workspace, text)
        self.operation = operation
        self.source_ids = frozenset(source_ids)
        self.edit = Edit()
        self.created: list[CodingSnapshot] = []

    def apply(self, session: Session) -> None:
        self.edit = combine(self.operation(session))
        self.created = coding_snapshots(session, self.edit.created)

    def revert(self, session: Session) -> None:
        undo_edit(session, Edit(created=list(self.edit.created), removed=list(self.edit.removed)))

    def reapply(self, session: Session) -> None:
        undo_edit(session, Edit(created=[s.id for s in self.edit.removed], removed=list(self.created)))

    def change(self) -> Change:
        return Change(frozenset({"codings"}), self.source_ids)

    @property
    def result_id(self) -> int | None:
        """The coding that holds the passage after a code action."""
        return self.edit.created[-1] if self.edit.created else None


def code_passage(workspace: Workspace, source_id: int, theme_id: int, start: int, end: int,
                 theme_name: str, memo: str = "") -> CodingEditCommand:
    coder = workspace.coder_id
    return CodingEditCommand(
        workspace, f"Code to {theme_name}",
        lambda s: [apply_coding(s, source_id, theme_id, start, end, coder, memo)], {source_id})


def uncode_passage(workspace: Workspace, source_id: int, theme_id: int, start: int, end: int,
                   theme_name: str, *, everyone: bool = False) -> CodingEditCommand:
    """Remove a theme from a span: only this coder's codings unless ``everyone``."""
    coder = None if everyone else workspace.coder_id
    return CodingEditCommand(
        workspace, f"Uncode {theme_name}",
        lambda s: [uncode(s, source_id, theme_id, start, end, coder)], {source_id})


def delete_codings(workspace: Workspace, coding_ids: list[int], source_ids: set[int]) -> CodingEditCommand:
    label = "Remove coding" if len(coding_ids) == 1 else f"Remove {len(coding_ids)} codings"
    return CodingEditCommand(
        workspace, label, lambda s: [delete_coding(s, i) for i in coding_ids], source_ids)


def recode(workspace: Workspace, coding_id: int, theme_id: int, theme_name: str) -> CodingEditCommand:
    """Move one coding to another theme (merging with that theme's touching codings)."""

    def operation(session: Session) -> list[Edit]:
        coding = session.get(Coding, coding_id)
        if coding is None:
            raise CharterError(f"Coding {coding_id} no longer exists.")
        source_id, start, end, memo = coding.source_id, coding.start, coding.end, coding.memo
        removed = delete_coding(session, coding_id)
        return [removed, apply_coding(session, source_id, theme_id, start, end, workspace.coder_id, memo)]

    source_id = _source_of(workspace, coding_id)
    return CodingEditCommand(workspace, f"Recode to {theme_name}", operation, {source_id} if source_id else set())


def autocode(workspace: Workspace, theme_id: int, theme_name: str, selection: Selection,
             source_ids: set[int]) -> CodingEditCommand:
    coder = workspace.coder_id
    return CodingEditCommand(
        workspace, f"Auto-code to {theme_name}",
        lambda s: [apply_autocode(s, theme_id, coder, selection)], source_ids)


class MemoCommand(OperationCommand):
    def __init__(self, workspace: Workspace, coding_id: int, memo: str, source_id: int) -> None:
        super().__init__(workspace, "Edit memo")
        self.coding_id, self.memo, self.previous, self.source_id = coding_id, memo, "", source_id

    def apply(self, session: Session) -> None:
        self.previous = set_memo(session, self.coding_id, self.memo)

    def revert(self, session: Session) -> None:
        set_memo(session, self.coding_id, self.previous)

    def change(self) -> Change:
        return Change(frozenset({"codings"}), frozenset({self.source_id}))


def _source_of(workspace: Workspace, coding_id: int) -> int | None:
    with workspace.read() as session:
        coding = session.get(Coding, coding_id)
        return coding.source_id if coding else None
