"""Sites, participants or sources as an editable table: the fixed fields, then one column
per attribute.

Every edit becomes an undoable command run by the workspace; the table itself only
ever shows what the database holds, reloaded when the workspace announces a change.
A refused edit (a name already taken, a date that cannot be read) therefore leaves the
old value showing, and the workspace reports the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.commands.attributes import EditFieldCommand, SetAttributeValueCommand
from app.widgets.icons import method_label
from app.workspace import Change, Workspace
from framework.attributes import (
    AttributeColumn,
    Record,
    attribute_table,
    participant_types,
    site_choices,
)
from models import METHODS

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's site, participant or source id
EDITOR_ROLE = Qt.ItemDataRole.UserRole + 2  # which editor the column wants
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a native value to sort by
NO_SITE = "(no site)"
KIND_TITLES = {"site": "Sites", "participant": "Participants", "source": "Sources"}


@dataclass(frozen=True)
class TableColumn:
    key: str  # a record field, or "attribute"
    title: str
    editor: str  # text, site, type, check, method, date, number, choice
    tip: str
    attribute: AttributeColumn | None = None


FIXED_COLUMNS = {
    "site": [TableColumn("name", "Name", "text", "The site's name, unique in the project")],
    "participant": [
        TableColumn("name", "Name", "text", "The participant's name, unique within their site"),
        TableColumn("site", "Site", "site", "The site the participant belongs to"),
        TableColumn("participant_type", "Type", "type",
                    "Participant type (partner agency, resident …): a row group of the matrix"),
        TableColumn("is_interviewer", "Interviewer", "check",
                    "Interviewers and moderators are never counted in the matrix"),
    ],
    "source": [
        TableColumn("name", "Name", "text", "The source's name, unique in the project"),
        TableColumn("site", "Site", "site", "The site where the source was collected"),
        TableColumn("method", "Method", "method", "How the source was collected"),
        TableColumn("date", "Date", "date", "When the interview or group took place"),
    ],
}
_TYPE_EDITORS = {"text": "text", "number": "number", "date": "date", "choice": "choice"}


class AttributeTableModel(QAbstractTableModel):
    edit_refused = Signal(str)  # the one-sentence reason an edit was not stored

    def __init__(self, kind: str, parent=None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.workspace: Workspace | None = None
        self.columns: list[TableColumn] = list(FIXED_COLUMNS[kind])
        self.records: list[Record] = []
        self.sites: list[tuple[int, str]] = []
        self.types: list[str] = []
        self.last_error = ""
        self.active = True
        self.stale = False

    # --- loading --------------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._changed)
        self.workspace = workspace
        if workspace is not None:
            workspace.changed.connect(self._changed)
        self.reload()

    def _changed(self, change: Change) -> None:
        if change.touches("attributes") or change.touches("sources"):
            if self.active:
                self.reload()
            else:
                self.stale = True

    def set_active(self, active: bool) -> None:
        """An inactive table (its editor closed) only notes that it is out of date, and
        reloads when it is shown again: edits elsewhere cost it nothing meanwhile."""
        self.active = active
        if active and self.stale:
            self.reload()

    def reload(self) -> None:
        """Fetch the table again: values change in place (views keep their selection and
        editors); new rows or columns reset the model."""
        self.stale = False
        if self.workspace is None:
            columns, records, sites, types = list(FIXED_COLUMNS[self.kind]), [], [], []
        else:
            with self.workspace.read() as session:
                table = attribute_table(session, self.kind)
                sites, types = site_choices(session), participant_types(session)
            columns = list(FIXED_COLUMNS[self.kind]) + [
                TableColumn("attribute", column.name, _TYPE_EDITORS.get(column.value_type, "text"),
                            _attribute_tip(column), column)
                for column in table.columns]
            records = table.records
        self.sites, self.types = sites, types
        if columns == self.columns and [r.id for r in records] == [r.id for r in self.records]:
            changed = [row for row, (old, new) in enumerate(zip(self.records, records)) if old != new]
            self.records = records
            for row in changed:  # only these: a sorted view re-sorts what it is told changed
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(columns) - 1))
            return
        self.beginResetModel()
        self.columns, self.records = columns, records
        self.endResetModel()

    # --- lookups for views and delegates ------------------------------------------------

    def row_of(self, owner_id: int) -> int:
        return next((row for row, record in enumerate(self.records) if record.id == owner_id), -1)

    def cell_key(self, index: QModelIndex) -> tuple[int, str, int | None]:
        """(row id, column key, attribute id): what a cell is, across a reset."""
        column = self.columns[index.column()]
        return self.records[index.row()].id, column.key, column.attribute.id if column.attribute else None

    def cell_index(self, key: tuple[int, str, int | None]) -> QModelIndex:
        owner_id, column_key, attribute_id = key
        row = self.row_of(owner_id)
        column = next((i for i, c in enumerate(self.columns)
                       if c.key == column_key and (c.attribute.id if c.attribute else None) == attribute_id), 0)
        return self.index(row, column) if row >= 0 else QModelIndex()

    def column_of_attribute(self, definition_id: int) -> int:
        return next((i for i, c in enumerate(self.columns) if c.attribute and c.attribute.id == definition_id), -1)

    def choices(self, column: int) -> list[tuple[str, Any]]:
        """(label, value) pairs a combo-box editor offers for a column."""
        spec = self.columns[column]
        if spec.editor == "site":
            return [(NO_SITE, None)] + [(name, site_id) for site_id, name in self.sites]
        if spec.editor == "method":
            return [(method_label(method), method) for method in METHODS]
        if spec.editor == "type":
            return [("", "")] + [(name, name) for name in self.types]
        if spec.editor == "choice" and spec.attribute is not None:
            return [("", "")] + [(choice, choice) for choice in spec.attribute.choices]
        return []

    # --- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.records) else None
        if not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.columns[section].tip
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].editor == "check":
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        return flags | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record, column = self.records[index.row()], self.columns[index.column()]
        if role == ID_ROLE:
            return record.id
        if role == EDITOR_ROLE:
            return column.editor
        if role == Qt.ItemDataRole.CheckStateRole:
            if column.editor != "check":
                return None
            return Qt.CheckState.Checked if record.is_interviewer else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.editor == "number":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return self._sort_value(record, column)
        return None

    def _display(self, record: Record, column: TableColumn) -> str | None:
        if column.attribute is not None:
            value = record.values.get(column.attribute.id)
            return value.display() if value is not None else ""
        if column.editor == "check":
            return None
        if column.key == "site":
            return record.site or NO_SITE
        if column.key == "method":
            return method_label(record.method)
        if column.key == "date":
            return record.date.isoformat() if record.date else ""
        return getattr(record, column.key) or ""

    def _edit_value(self, record: Record, column: TableColumn):
        if column.attribute is not None:
            value = record.values.get(column.attribute.id)
            if column.editor == "date":
                return QDate(value.date) if value is not None and value.date is not None else None
            return value.display() if value is not None else ""
        if column.key == "site":
            return record.site_id
        if column.key == "date":
            return QDate(record.date) if record.date else None
        if column.editor == "check":
            return record.is_interviewer
        return getattr(record, column.key) or ""

    def _sort_value(self, record: Record, column: TableColumn):
        if column.attribute is not None:
            value = record.values.get(column.attribute.id)
            if column.editor == "number":
                return value.number if value is not None and value.number is not None else float("-inf")
            return value.display().casefold() if value is not None else ""
        if column.editor == "check":
            return int(record.is_interviewer)
        if column.key == "date":
            return record.date.isoformat() if record.date else ""
        return (self._display(record, column) or "").casefold()

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Run the edit as an undoable command; False (old value kept) if nothing
        changed or the edit was refused."""
        if not index.isValid() or self.workspace is None:
            return False
        record, column = self.records[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and column.editor == "check":
            value = _checked(value)
        elif role != Qt.ItemDataRole.EditRole or column.editor == "check":
            return False
        value = _plain(value)
        if value == _plain(self._edit_value(record, column)):
            return False
        if column.attribute is not None:
            command = SetAttributeValueCommand(self.workspace, self.kind, record.id, column.attribute.id, value,
                                               column.attribute.name, record.name)
        else:
            command = EditFieldCommand(self.workspace, self.kind, record.id, column.key, value, record.name)
        if not self.workspace.run(command):
            self.last_error = self.workspace.last_error or ""
            self.edit_refused.emit(self.last_error)
            return False
        self.last_error = ""
        return True


def _checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    if isinstance(value, bool):
        return value
    return int(value) == Qt.CheckState.Checked.value


def _plain(value: Any) -> Any:
    """Python values from Qt ones: a QDate becomes a date (an invalid one, no date);
    blank text is no value, and surrounding blanks do not count as a change."""
    if isinstance(value, QDate):
        return value.toPython() if value.isValid() else None
    if isinstance(value, str):
        return value.strip() or None
    return value


def _attribute_tip(column: AttributeColumn) -> str:
    kinds = {"text": "Text", "number": "Number", "date": "Date", "choice": "One of: " + ", ".join(column.choices)}
    return f"{column.name} — {kinds.get(column.value_type, column.value_type)}"


