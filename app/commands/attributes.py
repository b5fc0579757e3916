"""Undoable edits of sites, participants, sources and their attributes.

Every framework edit returns the value it replaced, so a command's undo is the same edit
with the previous value, and its redo the edit again. What each edit announces decides
which panes refresh: always "attributes"; "sources" when the sources pane's tree changes
(a source's name, site or method, a site's name); "codings" when the matrix's counts
change (a participant becomes, or stops being, an interviewer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.commands.base import OperationCommand
from app.workspace import Change, Workspace
from framework import attributes as edits

#: (kind, field) -> (framework edit, verb for the Edit menu, extra kinds it changes)
FIELD_EDITS: dict[tuple[str, str], tuple[Callable[[Session, int, Any], Any], str, frozenset[str]]] = {
    ("site", "name"): (edits.rename_site, "Rename site", frozenset({"sources"})),
    ("participant", "name"): (edits.rename_participant, "Rename participant", frozenset()),
    ("participant", "site"): (edits.set_participant_site, "Change participant's site", frozenset()),
    ("participant", "participant_type"): (edits.set_participant_type, "Change participant type", frozenset()),
    ("participant", "is_interviewer"): (edits.set_interviewer, "Change interviewer flag", frozenset({"codings"})),
    ("source", "name"): (edits.rename_source, "Rename source", frozenset({"sources"})),
    ("source", "site"): (edits.set_source_site, "Change source's site", frozenset({"sources"})),
    ("source", "method"): (edits.set_source_method, "Change source's method", frozenset({"sources"})),
    ("source", "date"): (edits.set_source_date, "Change source's date", frozenset()),
}


class EditFieldCommand(OperationCommand):
    """Set one fixed field (name, site, type, interviewer, method, date) of one row."""

    def __init__(self, workspace: Workspace, kind: str, owner_id: int, field: str, value: Any,
                 owner_name: str = "") -> None:
        edit, verb, extra = FIELD_EDITS[(kind, field)]
        super().__init__(workspace, f"{verb} ({owner_name})" if owner_name else verb)
        self.edit, self.kind, self.owner_id, self.value = edit, kind, owner_id, value
        self.previous: Any = None
        self.kinds = frozenset({"attributes"}) | extra

    def apply(self, session: Session) -> None:
        self.previous = self.edit(session, self.owner_id, self.value)

    def revert(self, session: Session) -> None:
        self.edit(session, self.owner_id, self.previous)

    def change(self) -> Change:
        return Change(self.kinds, _sources(self.kind, self.owner_id))


class SetAttributeValueCommand(OperationCommand):
    """Type, pick or clear one attribute value; undo puts back exactly what was stored."""

    def __init__(self, workspace: Workspace, kind: str, owner_id: int, definition_id: int, raw: Any,
                 attribute_name: str = "", owner_name: str = "") -> None:
        label = f"Set {attribute_name or 'attribute'}" + (f" of {owner_name}" if owner_name else "")
        super().__init__(workspace, label)
        self.kind, self.owner_id, self.definition_id, self.raw = kind, owner_id, definition_id, raw
        self.previous: edits.StoredValue | None = None

    def apply(self, session: Session) -> None:
        self.previous = edits.set_attribute_value(session, self.definition_id, self.owner_id, self.raw)

    def revert(self, session: Session) -> None:
        edits.put_attribute_value(session, self.definition_id, self.owner_id, self.previous)

    def change(self) -> Change:
        return Change(frozenset({"attributes"}), _sources(self.kind, self.owner_id))


class AddAttributeCommand(OperationCommand):
    """A new attribute column; redo brings it back with the same id, so later edits of
    its values still find it."""

    def __init__(self, workspace: Workspace, kind: str, name: str, value_type: str,
                 choices: tuple[str, ...] = ()) -> None:
        super().__init__(workspace, f"Add {kind} attribute {name!r}")
        self.kind, self.name, self.value_type, self.choices = kind, name, value_type, tuple(choices)
        self.snapshot: edits.AttributeSnapshot | None = None
        self.definition_id: int | None = None

    def apply(self, session: Session) -> None:
        self.definition_id = edits.add_attribute(session, self.kind, self.name, self.value_type, self.choices)

    def revert(self, session: Session) -> None:
        self.snapshot = edits.remove_attribute(session, self.definition_id)

    def reapply(self, session: Session) -> None:
        edits.restore_attribute(session, self.snapshot)

    def change(self) -> Change:
        return Change(frozenset({"attributes"}))


class RemoveAttributeCommand(OperationCommand):
    def __init__(self, workspace: Workspace, definition_id: int, name: str) -> None:
        super().__init__(workspace, f"Remove attribute {name!r}")
        self.definition_id = definition_id
        self.snapshot: edits.AttributeSnapshot | None = None

    def apply(self, session: Session) -> None:
        self.snapshot = edits.remove_attribute(session, self.definition_id)

    def revert(self, session: Session) -> None:
        edits.restore_attribute(session, self.snapshot)

    def reapply(self, session: Session) -> None:
        edits.remove_attribute(session, self.definition_id)

    def change(self) -> Change:
        return Change(frozenset({"attributes"}))


class RenameAttributeCommand(OperationCommand):
    def __init__(self, workspace: Workspace, definition_id: int, name: str) -> None:
        super().__init__(workspace, f"Rename attribute to {name!r}")
        self.definition_id, self.name, self.previous = definition_id, name, ""

    def apply(self, session: Session) -> None:
        self.previous = edits.rename_attribute(session, self.definition_id, self.name)

    def revert(self, session: Session) -> None:
        edits.rename_attribute(session, self.definition_id, self.previous)

    def change(self) -> Change:
        return Change(frozenset({"attributes"}))


def _sources(kind: str, owner_id: int) -> frozenset[int]:
    return frozenset({owner_id}) if kind == "source" else frozenset()
