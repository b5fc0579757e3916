"""Undoable edits of the framework: add, rename, recolour, define, move, merge, delete.

Simple edits keep the previous value and put it back. Adding, moving, merging and
deleting change more than one row (sibling positions, codings, summaries), so they keep
``framework.theme_state`` snapshots taken before and after the first do, narrowed to
what the operation changed: undo restores the first, redo the second. Redo therefore never re-runs the operation, and every
theme, coding and summary comes back with the id a later command on the stack expects.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.commands.base import OperationCommand
from app.workspace import Change, Workspace
from framework.codebook import (
    add_theme,
    define_theme,
    delete_theme,
    merge_themes,
    move_theme,
    recolour_theme,
    rename_theme,
)
from framework.palette import new_theme_colour
from framework.theme_state import ThemeState, capture, narrow, parent_of, restore

THEMES = frozenset({"themes"})
THEMES_AND_CODINGS = frozenset({"themes", "codings", "summaries"})


class AddThemeCommand(OperationCommand):
    """A new theme; without a colour, the parent's (sub-theme) or the next palette
    colour (top level). ``theme_id`` is known once ``Workspace.run`` has applied it."""

    def __init__(self, workspace: Workspace, name: str, parent_id: int | None = None,
                 colour: str | None = None, position: int | None = None) -> None:
        super().__init__(workspace, f"Add theme {' '.join(name.split())}")
        self.name, self.parent_id, self.colour, self.position = name, parent_id, colour, position
        self.theme_id: int | None = None
        self.before = self.after = ThemeState()

    def apply(self, session: Session) -> None:
        self.before = capture(session, [])
        colour = self.colour or new_theme_colour(session, self.parent_id)
        self.theme_id = add_theme(session, self.name, parent_id=self.parent_id, colour=colour,
                                  position=self.position)
        self.before, self.after = narrow(self.before, capture(session, [self.theme_id]))

    def revert(self, session: Session) -> None:
        restore(session, self.before, remove_theme_ids=[self.theme_id])

    def reapply(self, session: Session) -> None:
        restore(session, self.after)

    def change(self) -> Change:
        return Change(THEMES)


class RenameThemeCommand(OperationCommand):
    def __init__(self, workspace: Workspace, theme_id: int, name: str) -> None:
        super().__init__(workspace, f"Rename theme to {' '.join(name.split())}")
        self.theme_id, self.name, self.previous = theme_id, name, ""

    def apply(self, session: Session) -> None:
        self.previous = rename_theme(session, self.theme_id, self.name)

    def revert(self, session: Session) -> None:
        rename_theme(session, self.theme_id, self.previous)

    def change(self) -> Change:
        return Change(THEMES)


class RecolourThemeCommand(OperationCommand):
    def __init__(self, workspace: Workspace, theme_id: int, colour: str) -> None:
        super().__init__(workspace, "Change theme colour")
        self.theme_id, self.colour, self.previous = theme_id, colour, ""

    def apply(self, session: Session) -> None:
        self.previous = recolour_theme(session, self.theme_id, self.colour)

    def revert(self, session: Session) -> None:
        recolour_theme(session, self.theme_id, self.previous)

    def change(self) -> Change:
        # Highlights and stripes in the transcript are drawn in theme colours.
        return Change(THEMES)


class DefineThemeCommand(OperationCommand):
    """Change any of description, use_when, dont_use_when and example."""

    def __init__(self, workspace: Workspace, theme_id: int, **fields: str) -> None:
        super().__init__(workspace, "Edit theme definition")
        self.theme_id, self.fields, self.previous = theme_id, dict(fields), {}

    def apply(self, session: Session) -> None:
        self.previous = define_theme(session, self.theme_id, **self.fields)

    def revert(self, session: Session) -> None:
        define_theme(session, self.theme_id, **self.previous)

    def change(self) -> Change:
        return Change(THEMES)


class MoveThemeCommand(OperationCommand):
    """Move a theme under another parent (None: the top level) at ``position`` among
    its new siblings (None: last), or reorder it among its siblings."""

    def __init__(self, workspace: Workspace, theme_id: int, parent_id: int | None,
                 position: int | None = None) -> None:
        super().__init__(workspace, "Move theme")
        self.theme_id, self.parent_id, self.position = theme_id, parent_id, position
        self.before = self.after = ThemeState()

    def apply(self, session: Session) -> None:
        self.before = capture(session, [])
        move_theme(session, self.theme_id, self.parent_id, self.position)
        self.before, self.after = narrow(self.before, capture(session, []))

    def revert(self, session: Session) -> None:
        restore(session, self.before)

    def reapply(self, session: Session) -> None:
        restore(session, self.after)

    def change(self) -> Change:
        return Change(THEMES)


class _SnapshotCommand(OperationCommand):
    """Shared undo and redo of the operations that move or remove codings."""

    def __init__(self, workspace: Workspace, text: str) -> None:
        super().__init__(workspace, text)
        self.before = self.after = ThemeState()
        self.removed_theme_ids: list[int] = []

    def revert(self, session: Session) -> None:
        restore(session, self.before)

    def reapply(self, session: Session) -> None:
        restore(session, self.after, remove_theme_ids=self.removed_theme_ids)

    def change(self) -> Change:
        return Change(THEMES_AND_CODINGS, self.before.source_ids | self.after.source_ids)


class MergeThemesCommand(_SnapshotCommand):
    """Merge theme ``source_id`` into ``target_id`` (see ``framework.codebook.merge_themes``);
    ``result`` says how many codings and summaries moved."""

    def __init__(self, workspace: Workspace, source_id: int, target_id: int, text: str = "Merge themes") -> None:
        super().__init__(workspace, text)
        self.source_id, self.target_id = source_id, target_id
        self.result = None

    def apply(self, session: Session) -> None:
        self.before = capture(session, [self.source_id], targets=[self.target_id])
        self.result = merge_themes(session, self.source_id, self.target_id, coder_id=self.workspace.coder_id)
        self.before, self.after = narrow(self.before, capture(session, [], targets=[self.target_id]))
        self.removed_theme_ids = [self.source_id]


class DeleteThemeCommand(_SnapshotCommand):
    """Delete a theme and its sub-themes; ``codings`` is "refuse" (fails if there are
    any), "move-to-parent" or "delete" (see ``framework.codebook.delete_theme``)."""

    def __init__(self, workspace: Workspace, theme_id: int, codings: str = "refuse",
                 text: str = "Delete theme") -> None:
        super().__init__(workspace, text)
        self.theme_id, self.codings = theme_id, codings
        self.result = None

    def apply(self, session: Session) -> None:
        parent_id = parent_of(session, self.theme_id)
        targets = [parent_id] if self.codings == "move-to-parent" and parent_id is not None else []
        self.before = capture(session, [self.theme_id], targets=targets)
        self.result = delete_theme(session, self.theme_id, codings=self.codings)
        self.before, self.after = narrow(self.before, capture(session, [], targets=targets))
        self.removed_theme_ids = [self.theme_id]  # restore removes what is below it too
