"""The attributes editor: sites, participants and sources as three editable tables.

A window that stays open beside the main one (or the content of a dock): each cell edit
is one undoable command, so Ctrl+Z here or in the main window takes it back. Sites,
methods, participant types and choice attributes are picked from lists, dates from a
calendar, the interviewer flag is a check box; typed values are read as the import
sheets read them, and a value that cannot be read is refused with one sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QModelIndex, QPoint, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.commands.attributes import AddAttributeCommand, RemoveAttributeCommand, RenameAttributeCommand
from app.messages import confirm
from app.qtmodels.attribute_tables import EDITOR_ROLE, KIND_TITLES, SORT_ROLE, AttributeTableModel
from app.workspace import Workspace
from framework.attributes import check_new_attribute
from framework.errors import CharterError

KINDS = ("site", "participant", "source")
NO_DATE = QDate(1800, 1, 1)  # the date editor's "no date", shown as "(no date)"
CLEARABLE = frozenset({"type", "date", "number", "text", "choice"})
VALUE_TYPES = (("Text", "text"), ("Number", "number"), ("Date", "date"), ("Choice from a list", "choice"))


def _source_index(index: QModelIndex) -> tuple[AttributeTableModel, QModelIndex]:
    """The table model and its index behind any number of proxies."""
    model = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = index.model()
    return model, index


class AttributeDelegate(QStyledItemDelegate):
    """Lists for sites, methods, types and choices; a calendar for dates; text otherwise."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        editor = index.data(EDITOR_ROLE)
        if editor in ("site", "method", "type", "choice"):
            model, source = _source_index(index)
            combo = QComboBox(parent)
            combo.setEditable(editor == "type")  # a new participant type is simply typed
            for label, value in model.choices(source.column()):
                combo.addItem(label, -1 if value is None else value)
            return combo
        if editor == "date":
            dates = QDateEdit(parent)
            dates.setCalendarPopup(True)
            dates.setDisplayFormat("yyyy-MM-dd")
            dates.setMinimumDate(NO_DATE)
            dates.setSpecialValueText("(no date)")
            return dates
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            position = editor.findData(-1 if value is None else value)
            if editor.isEditable():
                editor.setEditText(value or "")
            elif position >= 0:
                editor.setCurrentIndex(position)
            return
        if isinstance(editor, QDateEdit):
            editor.setDate(value if isinstance(value, QDate) and value.isValid() else NO_DATE)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            if editor.isEditable():
                value = editor.currentText()
            else:
                value = editor.currentData()
                value = None if value == -1 else value
            model.setData(index, value, Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QDateEdit):
            chosen = editor.date()
            model.setData(index, None if chosen == NO_DATE else chosen, Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class AttributeTableView(QTableView):
    """A table whose Delete key clears the values that may be empty."""

    def keyPressEvent(self, event) -> None:
        if (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.state() != QAbstractItemView.State.EditingState):
            for index in self.selectionModel().selectedIndexes():
                if index.data(EDITOR_ROLE) in CLEARABLE:
                    self.model().setData(index, None, Qt.ItemDataRole.EditRole)
            return
        super().keyPressEvent(event)


class AddAttributeDialog(QDialog):
    """Name and type of a new attribute; says why it cannot be added before it closes."""

    def __init__(self, workspace: Workspace, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace, self.kind = workspace, kind
        self.setWindowTitle(f"Add {kind} attribute")
        self.name = QLineEdit()
        self.name.setObjectName("attribute_name")
        self.name.setToolTip("A name no other attribute has, such as 'Funding model'")
        self.value_type = QComboBox()
        self.value_type.setObjectName("attribute_type")
        for label, value in VALUE_TYPES:
            self.value_type.addItem(label, value)
        self.value_type.setToolTip("Numbers and dates sort and filter as numbers and dates")
        self.choices = QLineEdit()
        self.choices.setObjectName("attribute_choices")
        self.choices.setPlaceholderText("Mainstream, Pilot, Project")
        self.choices.setToolTip("The values to choose from, separated by commas")
        self.error = QLabel()
        self.error.setObjectName("attribute_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Type:", self.value_type)
        form.addRow("&Choices:", self.choices)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.value_type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()

    def _type_changed(self) -> None:
        self.choices.setEnabled(self.value_type.currentData() == "choice")

    def chosen(self) -> tuple[str, str, tuple[str, ...]]:
        choices = tuple(part for part in self.choices.text().split(",")) if self.choices.isEnabled() else ()
        return self.name.text(), self.value_type.currentData(), choices

    def accept(self) -> None:
        name, value_type, choices = self.chosen()
        try:
            with self.workspace.read() as session:
                check_new_attribute(session, self.kind, name, value_type, choices)
        except CharterError as error:
            self.error.setText(str(error))
            self.error.show()
            self.name.setFocus()
            return
        super().accept()


class AttributesEditor(QDialog):
    def __init__(self, workspace: Workspace | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributes_editor")
        self.setModal(False)
        self.setWindowTitle("Attributes")
        self.resize(900, 520)
        self.workspace: Workspace | None = None
        self.tables: dict[str, AttributeTableModel] = {}
        self.proxies: dict[str, QSortFilterProxyModel] = {}
        self.views: dict[str, AttributeTableView] = {}
        self._history_actions: list[QAction] = []
        self._current_cells: dict[str, tuple[int, str, int | None] | None] = {}

        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("attributes_filter")
        self.filter_box.setPlaceholderText("Filter rows")
        self.filter_box.setToolTip("Show only rows with this text in any column")
        self.filter_box.setClearButtonEnabled(True)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("attribute_tabs")
        for kind in KINDS:
            self.tabs.addTab(self._make_table(kind), KIND_TITLES[kind])
        self.filter_box.textChanged.connect(self._filter_changed)
        self.tabs.currentChanged.connect(lambda _i: self._filter_changed(self.filter_box.text()))

        self.add_button = QPushButton("&Add Attribute…")
        self.add_button.setObjectName("add_attribute")
        self.add_button.setToolTip("Add a column of typed values to the table shown")
        self.add_button.clicked.connect(self.add_attribute)
        close = QPushButton("Close")
        close.setObjectName("close_attributes")
        close.setAutoDefault(False)
        self.add_button.setAutoDefault(False)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)
        self.setTabOrder(self.filter_box, self.tabs)
        self.set_workspace(workspace)

    def _make_table(self, kind: str) -> AttributeTableView:
        model = AttributeTableModel(kind, self)
        model.set_active(False)  # until the editor is shown
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        proxy.setFilterKeyColumn(-1)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        view = AttributeTableView()
        view.setObjectName(f"{kind}_attributes")
        view.setModel(proxy)
        view.setItemDelegate(AttributeDelegate(view))
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the project's order until a header is clicked
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        view.setAlternatingRowColors(True)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setResizeContentsPrecision(200)  # fitting columns reads 200 rows, not all
        view.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.horizontalHeader().customContextMenuRequested.connect(
            lambda position, k=kind: self._header_menu(k, position))
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        self.tables[kind], self.proxies[kind], self.views[kind] = model, proxy, view
        model.modelAboutToBeReset.connect(lambda k=kind: self._remember_cell(k))
        model.modelReset.connect(lambda k=kind: self._restore_cell(k))
        return view

    def _remember_cell(self, kind: str) -> None:
        """A new column or row resets the table: note the current cell by what it is."""
        index = self.proxies[kind].mapToSource(self.views[kind].currentIndex())
        self._current_cells[kind] = self.tables[kind].cell_key(index) if index.isValid() else None

    def _restore_cell(self, kind: str) -> None:
        key = self._current_cells.pop(kind, None)
        index = self.tables[kind].cell_index(key) if key else QModelIndex()
        if index.isValid():
            self.views[kind].setCurrentIndex(self.proxies[kind].mapFromSource(index))

    # --- the workspace ------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.workspace = workspace
        for action in self._history_actions:
            self.removeAction(action)
            action.deleteLater()
        self._history_actions = []
        if workspace is not None:
            undo = workspace.undo_stack.createUndoAction(self, "&Undo")
            redo = workspace.undo_stack.createRedoAction(self, "&Redo")
            for action in (undo, redo):
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(action)
            self._history_actions = [undo, redo]
            self._set_history_shortcuts()
            self.setWindowTitle(f"Attributes — {workspace.project_name}")
        for model in self.tables.values():
            model.set_workspace(workspace)
        for view in self.views.values():
            view.resizeColumnsToContents()
        self.add_button.setEnabled(workspace is not None)

    def _set_history_shortcuts(self) -> None:
        """Ctrl+Z and Ctrl+Shift+Z here while the editor is a window of its own; inside
        the main window (as a dock's content) the main window's Undo and Redo serve, and
        a second pair of the same shortcuts would make both ambiguous."""
        own = self.isWindow()
        for action, keys in zip(self._history_actions, (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)):
            action.setShortcuts(QKeySequence.keyBindings(keys) if own else [])

    def showEvent(self, event) -> None:
        self._set_history_shortcuts()
        for model in self.tables.values():
            model.set_active(True)
        super().showEvent(event)

    def hideEvent(self, event) -> None:
        for model in self.tables.values():
            model.set_active(False)
        super().hideEvent(event)

    def current_kind(self) -> str:
        return KINDS[self.tabs.currentIndex()]

    def _filter_changed(self, text: str) -> None:
        for kind, proxy in self.proxies.items():
            proxy.setFilterFixedString(text if kind == self.current_kind() else "")

    # --- focusing a row -----------------------------------------------------------------

    def focus_source(self, source_id: int) -> bool:
        return self.focus("source", source_id)

    def focus_participant(self, participant_id: int) -> bool:
        return self.focus("participant", participant_id)

    def focus_site(self, site_id: int) -> bool:
        return self.focus("site", site_id)

    def focus(self, kind: str, owner_id: int) -> bool:
        """Show ``kind``'s tab with that row selected; False if there is no such row."""
        self.tabs.setCurrentIndex(KINDS.index(kind))
        row = self.tables[kind].row_of(owner_id)
        if row < 0:
            return False
        self.filter_box.clear()
        view, proxy = self.views[kind], self.proxies[kind]
        index = proxy.mapFromSource(self.tables[kind].index(row, 0))
        view.setCurrentIndex(index)
        view.selectRow(index.row())
        view.scrollTo(index)
        view.setFocus()
        return True

    # --- attributes (columns) -------------------------------------------------------------

    def add_attribute(self) -> int | None:
        """Ask for a name and type, add the column to the table shown; its definition id."""
        if self.workspace is None:
            return None
        kind = self.current_kind()
        dialog = AddAttributeDialog(self.workspace, kind, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        name, value_type, choices = dialog.chosen()
        command = AddAttributeCommand(self.workspace, kind, name, value_type, choices)
        if not self.workspace.run(command):
            return None
        column = self.tables[kind].column_of_attribute(command.definition_id)
        if column >= 0:
            view = self.views[kind]
            view.resizeColumnToContents(column)
            view.scrollTo(self.proxies[kind].index(0, column))
        return command.definition_id

    def _header_menu(self, kind: str, position: QPoint) -> None:
        view, model = self.views[kind], self.tables[kind]
        column = view.horizontalHeader().logicalIndexAt(position)
        if column < 0:
            return
        attribute = model.columns[column].attribute
        menu = QMenu(self)
        menu.addAction("&Add Attribute…", self.add_attribute)
        if attribute is not None:
            menu.addAction(f"&Rename '{attribute.name}'…", lambda: self.rename_attribute(kind, attribute.id))
            menu.addAction(f"Re&move '{attribute.name}'…", lambda: self.remove_attribute(kind, attribute.id))
        menu.exec(view.horizontalHeader().mapToGlobal(position))

    def rename_attribute(self, kind: str, definition_id: int) -> bool:
        model = self.tables[kind]
        column = model.columns[model.column_of_attribute(definition_id)].attribute
        name, ok = QInputDialog.getText(self, "Rename attribute", "New name:", text=column.name)
        if not ok or name.strip() == column.name:
            return False
        return self.workspace.run(RenameAttributeCommand(self.workspace, definition_id, name))

    def remove_attribute(self, kind: str, definition_id: int) -> bool:
        model = self.tables[kind]
        column = model.columns[model.column_of_attribute(definition_id)].attribute
        filled = sum(1 for record in model.records if definition_id in record.values)
        holders = "1 row has a value" if filled == 1 else f"{filled:,} rows have values"
        message = f"Remove the attribute '{column.name}'? {holders} for it. Undo puts them back."
        if not confirm(self, "Remove attribute", message, "Remove"):
            return False
        return self.workspace.run(RemoveAttributeCommand(self.workspace, definition_id, column.name))
