"""The Memos pane: every coding that carries a memo, to read and edit in one place.

Memos are the researcher's running commentary (familiarisation notes, doubts about a
code, ideas for the interpretation). The pane lists them for the whole project or, with
"This transcript only", for the transcript being read (``set_current_source``). A memo
is edited in place (F2, or click a selected memo; Ctrl+Enter or leaving the cell saves,
Escape cancels) or in a dialog; either way it is one undoable command. A double-click or
Enter jumps to the passage (``passage_activated``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.commands.coding import MemoCommand
from app.qtmodels.extracts_model import MemosModel
from app.qtmodels.headers import ShareColumns
from app.widgets.extracts_pane import ask_memo_text, passage_loader, plural
from app.widgets.passage_delegate import ElidingDelegate
from app.workspace import USER_ERRORS, Change, Workspace
from framework.extracts import Extract, memo_list

EDITOR_LINES = 5  # the in-place memo editor's height, in lines


class MemoEditorDelegate(QStyledItemDelegate):
    """Edits a memo in a several-line box laid over the row (memos have paragraphs)."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> QWidget:
        editor = QPlainTextEdit(parent)
        editor.setObjectName("memo_editor")
        editor.setTabChangesFocus(True)
        editor.setToolTip("Ctrl+Enter or leaving the box saves; Escape cancels")
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        editor.setPlainText(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        model.setData(index, editor.toPlainText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        rect = QRect(option.rect)
        rect.setHeight(max(rect.height(), editor.fontMetrics().lineSpacing() * EDITOR_LINES + 12))
        editor.setGeometry(rect)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            return True
        return super().eventFilter(editor, event)


class MemosPane(QWidget):
    passage_activated = Signal(int, int, int)  # source id, start, end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.source_id: int | None = None
        self._stale = False

        self.this_source = QCheckBox("This transcript only")
        self.this_source.setObjectName("memos_this_source")
        self.this_source.setToolTip("Show only the memos on the transcript being read")
        self.this_source.toggled.connect(self.refresh)
        self.count = QLabel()
        self.count.setObjectName("memos_count")
        self.count.setWordWrap(True)  # "No memos yet: …" must not hold the pane wide
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.edit_button = QPushButton("Edit Memo…")
        self.edit_button.setObjectName("memos_edit")
        self.edit_button.setToolTip("Edit the selected memo in a window")

        self.model = MemosModel(passage_loader(lambda: self.workspace), self._save_memo, self)
        self.view = QTableView()
        self.view.setObjectName("memos_table")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(MemosModel.MEMO, MemoEditorDelegate(self.view))
        self.view.setItemDelegateForColumn(MemosModel.THEME, ElidingDelegate(Qt.TextElideMode.ElideMiddle, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        # In proportion to the pane, the memo taking the rest: docked beside the
        # framework the pane is narrow, and fixed widths pushed the memo out of sight.
        self.columns = ShareColumns(self.view, {MemosModel.THEME: (0.32, 220), MemosModel.SOURCE: (0.24, 180),
                                                MemosModel.PASSAGE: (0.16, 260)})
        self.view.setAccessibleName("Memos")
        self.view.activated.connect(self._activate)
        self.view.selectionModel().currentChanged.connect(self._update_actions)

        self.edit_action = QAction("Edit Memo…", self)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.edit_action.setToolTip("Edit the selected memo in a window (Ctrl+E)")
        self.edit_action.triggered.connect(self.edit_memo)
        self.addAction(self.edit_action)
        self.edit_button.clicked.connect(self.edit_memo)

        top = QHBoxLayout()
        top.addWidget(self.this_source)
        top.addWidget(self.count, 1)  # the space between, so it wraps only when the pane is narrow
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.this_source, self.view)
        QWidget.setTabOrder(self.view, self.edit_button)
        self.setFocusProxy(self.view)
        self._show_count()
        self._update_actions()

    # --- public -----------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._on_changed)
        self.workspace = workspace
        self.source_id = None
        if workspace is not None:
            workspace.changed.connect(self._on_changed)
        self.refresh()

    def set_current_source(self, source_id: int | None) -> None:
        """The transcript being read (for "This transcript only")."""
        if source_id == self.source_id:
            return
        self.source_id = source_id
        if self.this_source.isChecked():
            self.refresh()

    def current_extract(self) -> Extract | None:
        return self.model.extract(self.view.currentIndex().row())

    def refresh(self) -> None:
        """Read the memos again, keeping the current one current."""
        self._stale = False
        current = self.current_extract()
        memos: list[Extract] = []
        one_source = self.this_source.isChecked()
        if self.workspace is not None and not (one_source and self.source_id is None):
            try:
                with self.workspace.read() as session:
                    memos = memo_list(session, source_id=self.source_id if one_source else None, with_text=False)
            except USER_ERRORS as error:
                self.workspace.report("Read the memos", error)
                return
        self.model.set_extracts(memos)
        if current is not None:
            row = self.model.row_of(current.coding_id)
            if row >= 0:
                self.view.setCurrentIndex(self.model.index(row, MemosModel.MEMO))
        self._show_count()
        self._update_actions()

    # --- the dialog, overridable in tests ---------------------------------------------

    def ask_memo(self, extract: Extract) -> str | None:
        return ask_memo_text(self, extract)

    def edit_memo(self) -> None:
        extract = self.current_extract()
        if extract is None:
            return
        memo = self.ask_memo(extract)
        if memo is not None and memo.strip() != extract.memo:
            self._save_memo(extract, memo.strip())

    # --- behind the scenes ------------------------------------------------------------

    def _save_memo(self, extract: Extract, memo: str) -> bool:
        if self.workspace is None:
            return False
        return self.workspace.run(MemoCommand(self.workspace, extract.coding_id, memo, extract.source_id))

    def _activate(self, index: QModelIndex) -> None:
        extract = self.model.extract(index.row())
        if extract is not None:
            self.passage_activated.emit(extract.source_id, extract.start, extract.end)

    def _on_changed(self, change: Change) -> None:
        if not change.kinds & {"codings", "themes", "sources"}:
            return
        if (self.this_source.isChecked() and change.kinds == {"codings"} and change.source_ids
                and self.source_id not in change.source_ids):
            return  # an edit in another transcript
        if not self.isVisible():
            self._stale = True
            return
        if self.view.state() == QAbstractItemView.State.EditingState:
            # The change is this pane's own in-place edit, saved while its editor is still
            # open: refresh once the view has closed the editor, not under its feet.
            QTimer.singleShot(0, self.refresh)
            return
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _update_actions(self, *_args) -> None:
        has = self.current_extract() is not None
        self.edit_action.setEnabled(has)
        self.edit_button.setEnabled(has)

    def _show_count(self) -> None:
        if self.workspace is None:
            self.count.setText("")
        elif self.this_source.isChecked() and self.source_id is None:
            self.count.setText("No transcript is open.")
        elif self.model.total == 0:
            self.count.setText("No memos yet: add one to a coding with Edit Memo.")
        else:
            self.count.setText(plural(self.model.total, "memo"))
