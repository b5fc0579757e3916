"""The Framework pane: the codebook as a tree, edited in place.

Researchers grow the framework while coding, so everything is a keystroke or a drag
away and undoable: add (Insert, Shift+Insert for a sub-theme), rename in place (F2),
colour, definition (Alt+Enter), move (drag, or Alt+arrows), merge (drop onto another
theme, or Merge Into…), delete (Del, asking what happens to the codings) and pin to a
quick-code key (Ctrl+1…9). Enter or a double-click asks the main window to code the
transcript's selection to the theme. The filter box narrows the tree to matching
themes and their ancestors. Questions to the user go through small methods
(``confirm_merge``, ``ask_colour``…) that tests replace.

The tree shows at once; the Codings and Sources columns are counted in the background
(``ThemeTreeModel``) and stay blank until the first count. ``loaded`` is emitted when
the counts shown are those of the latest change (tests wait for it); ``is_loading()``
says whether a count is queued or running.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.commands.themes import (
    AddThemeCommand,
    DefineThemeCommand,
    DeleteThemeCommand,
    MoveThemeCommand,
    RecolourThemeCommand,
)
from app.messages import confirm
from app.qtmodels.headers import CountColumns
from app.qtmodels.theme_tree import CODINGS, NAME, PIN_ROLE, SOURCES, THEME_ID_ROLE, ThemeTreeModel
from app.settings import Settings
from app.widgets import theme_dialogs
from app.widgets.theme_dialogs import plural
from app.workspace import Workspace

NEW_THEME = "New theme"


class PinBadgeDelegate(QStyledItemDelegate):
    """Draws a theme's quick-code key as a small badge after its name."""

    def _badge_width(self, option: QStyleOptionViewItem) -> int:
        return option.fontMetrics.horizontalAdvance("9") + 10

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        key = index.data(PIN_ROLE)
        if not key:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        metrics, badge_width = opt.fontMetrics, self._badge_width(opt)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        opt.text = metrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, max(0, text_rect.width() - badge_width - 8))
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        left = min(text_rect.left() + metrics.horizontalAdvance(opt.text) + 8, text_rect.right() - badge_width)
        height = metrics.height()
        badge = QRect(left, text_rect.center().y() - height // 2, badge_width, height)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = opt.palette.color(role)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(colour)
        painter.drawRoundedRect(badge.adjusted(0, 0, -1, -1), 4, 4)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(key))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(PIN_ROLE):
            size.setWidth(size.width() + self._badge_width(option) + 8)
        return size


class FrameworkPane(QWidget):
    theme_selected = Signal(int)  # the current theme changed
    theme_activated = Signal(int)  # Enter or double-click: code the selection to it
    merge_done = Signal(int, int)  # a theme (id, now gone) was merged into another
    pins_changed = Signal()  # the quick-code keys changed
    #: The counts shown are those of the latest change or of the project just opened
    #: (the model's ``counts_loaded``); not emitted for a count overtaken by a newer one.
    loaded = Signal()

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("framework_pane")
        self.settings = settings or Settings()
        self.workspace: Workspace | None = None
        self._expanded: set[int] = set()  # open themes, remembered across a rebuild
        self._expanded_before_filter: set[int] | None = None
        self._restoring_id: int | None = None
        self._last_selected: int | None = None

        self.model = ThemeTreeModel(self)
        self.model.confirm_merge = lambda source, target: self.confirm_merge(source, target)
        self.model.merged.connect(self._merged)
        self.model.counts_loaded.connect(self.loaded)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # a match keeps its ancestors
        self.proxy.setAutoAcceptChildRows(True)  # and shows its own sub-themes
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(NAME)
        self.proxy.modelAboutToBeReset.connect(self._remember_view)  # before the view forgets

        self.filter = QLineEdit()
        self.filter.setObjectName("framework_filter")
        self.filter.setPlaceholderText("Filter themes")
        self.filter.setToolTip("Show only themes whose name contains this text (Enter: go to the first)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._go_to_first_match)

        self.tree = self._build_tree()
        # After the view and its selection model have reset themselves, or they would
        # clear the restored current theme again.
        self.proxy.modelReset.connect(self._restore_view)
        self._build_actions()
        self.toolbar = self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.filter)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tree, 1)
        QWidget.setTabOrder(self.filter, self.tree)
        self.setFocusProxy(self.tree)
        self._update_actions()

    # --- construction -----------------------------------------------------------------

    def _build_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("framework_tree")
        tree.setAccessibleName("Themes")
        tree.setModel(self.proxy)
        tree.setItemDelegateForColumn(NAME, PinBadgeDelegate(tree))
        tree.setUniformRowHeights(True)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        tree.setExpandsOnDoubleClick(False)  # a double-click codes; the arrow expands
        tree.setDragEnabled(True)
        tree.setAcceptDrops(True)
        tree.setDropIndicatorShown(True)
        tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._show_menu)
        tree.doubleClicked.connect(self._activate)
        self.count_columns = CountColumns(tree, (CODINGS, SOURCES))
        tree.setIndentation(14)
        tree.selectionModel().currentChanged.connect(self._current_changed)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), tree)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda: self._activate(self.tree.currentIndex()))
        return tree

    def _action(self, name: str, text: str, slot, shortcut: str | QKeySequence.StandardKey | None, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Only while the tree itself has focus: not while a name is being edited in it.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            tip += f" ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.tree.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.add_action = a("add_theme", "Add Theme", lambda: self.add_theme(None), "Ins",
                            "Add a top-level theme and name it")
        self.add_sub_action = a("add_sub_theme", "Add Sub-theme", lambda: self.add_theme(self.current_theme_id()),
                                "Shift+Ins", "Add a sub-theme under the selected theme and name it")
        self.rename_action = a("rename_theme", "Rename", self.rename_current, "F2", "Rename the selected theme")
        self.colour_action = a("recolour_theme", "Colour…", self.recolour_current, None,
                               "Choose the selected theme's colour")
        self.define_action = a("define_theme", "Edit Definition…", self.define_current, "Alt+Return",
                               "Describe when to use the selected theme")
        self.move_up_action = a("move_theme_up", "Move Up", lambda: self._move_by(-1), "Alt+Up",
                                "Move the theme above its previous sibling")
        self.move_down_action = a("move_theme_down", "Move Down", lambda: self._move_by(1), "Alt+Down",
                                  "Move the theme below its next sibling")
        self.outdent_action = a("outdent_theme", "Move Out a Level", self._outdent, "Alt+Left",
                                "Make the theme a sibling of its parent")
        self.indent_action = a("indent_theme", "Make Sub-theme of Previous", self._indent, "Alt+Right",
                               "Move the theme under the theme above it")
        self.merge_action = a("merge_theme", "Merge Into…", self.merge_current, None,
                              "Merge the selected theme into another theme (or drop it onto one)")
        self.delete_action = a("delete_theme", "Delete…", self.delete_current, QKeySequence.StandardKey.Delete,
                               "Delete the selected theme and its sub-themes")
        self.pin_menu = QMenu("Pin to Quick-Code Key", self)
        self.pin_menu.setObjectName("pin_menu")
        self.pin_menu.setToolTipsVisible(True)
        self.pin_menu.aboutToShow.connect(self._fill_pin_menu)
        self.pin_actions = [a(f"pin_key_{key}", f"Key {key}", lambda key=key: self.pin_current(key), f"Ctrl+{key}",
                              f"Code the transcript selection to this theme by pressing {key}") for key in range(1, 10)]
        self.unpin_action = a("unpin_theme", "Unpin", lambda: self.pin_current(None), None,
                              "Take the theme off its quick-code key")
        self.theme_actions = [self.add_sub_action, self.rename_action, self.colour_action, self.define_action,
                              self.move_up_action, self.move_down_action, self.outdent_action, self.indent_action,
                              self.merge_action, self.delete_action, *self.pin_actions, self.unpin_action]

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Framework")
        toolbar.setObjectName("framework_toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.add_action, self.add_sub_action])
        edit = QToolButton()
        edit.setObjectName("framework_edit_menu")
        edit.setText("Edit")
        edit.setToolTip("Rename, colour, define, move, merge or pin the selected theme")
        edit.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(edit)
        self._fill_edit_menu(menu)
        edit.setMenu(menu)
        toolbar.addWidget(edit)
        toolbar.addAction(self.delete_action)
        return toolbar

    def _fill_edit_menu(self, menu: QMenu) -> None:
        menu.addActions([self.rename_action, self.colour_action, self.define_action])
        menu.addSeparator()
        menu.addActions([self.move_up_action, self.move_down_action, self.outdent_action, self.indent_action])
        menu.addSeparator()
        menu.addAction(self.merge_action)
        menu.addMenu(self.pin_menu)

    def _show_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addActions([self.add_action, self.add_sub_action])
        menu.addSeparator()
        self._fill_edit_menu(menu)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def _fill_pin_menu(self) -> None:
        self.pin_menu.clear()
        current = self.current_theme_id()
        for key, (action, theme_id) in enumerate(zip(self.pin_actions, self.pinned_theme_ids()), start=1):
            pinned = self.model.theme(theme_id).name if theme_id is not None and self.model.theme(theme_id) else ""
            action.setText(f"Key &{key}" + (f"   ({pinned})" if pinned else ""))
            action.setCheckable(True)
            action.setChecked(theme_id is not None and theme_id == current)
            self.pin_menu.addAction(action)
        self.pin_menu.addSeparator()
        self.pin_menu.addAction(self.unpin_action)

    # --- the workspace ----------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show the framework of ``workspace`` at once; its counts follow (``loaded``)."""
        self.workspace = workspace
        self._last_selected = None
        self.filter.clear()
        self.model.set_workspace(workspace)
        self.tree.expandAll()
        self.refresh_pins()
        self._update_actions()

    def is_loading(self) -> bool:
        """Whether the counts are still being read."""
        return self.model.is_counting()

    # --- selection ----------------------------------------------------------------------

    def current_theme_id(self) -> int | None:
        index = self.tree.currentIndex()
        return index.data(THEME_ID_ROLE) if index.isValid() else None

    def select_theme(self, theme_id: int, *, reveal: bool = True) -> bool:
        """Make ``theme_id`` current and visible (clearing a filter that hides it, unless
        ``reveal`` is False)."""
        source = self.model.theme_index(theme_id)
        if not source.isValid():
            return False
        index = self.proxy.mapFromSource(source)
        if not index.isValid():
            if not reveal:
                return False
            self.filter.clear()
            index = self.proxy.mapFromSource(source)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()
        theme_id = current.data(THEME_ID_ROLE) if current.isValid() else None
        if theme_id is not None and theme_id != self._last_selected:
            self._last_selected = theme_id
            self.theme_selected.emit(theme_id)

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid() and self.tree.state() != QAbstractItemView.State.EditingState:
            self.theme_activated.emit(index.data(THEME_ID_ROLE))

    def _rows(self, parent: QModelIndex = QModelIndex()):
        """Every visible row's name index, in tree order."""
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, NAME, parent)
            yield index
            yield from self._rows(index)

    def _expanded_ids(self) -> set[int]:
        return {index.data(THEME_ID_ROLE) for index in self._rows() if self.tree.isExpanded(index)}

    def _expand(self, theme_ids: set[int]) -> None:
        for theme_id in theme_ids:
            index = self.proxy.mapFromSource(self.model.theme_index(theme_id))
            if index.isValid():
                self.tree.setExpanded(index, True)

    def _remember_view(self) -> None:
        """Before the tree is rebuilt: which themes were open, and which was current."""
        present = set(self.model.theme_ids())
        # Themes about to disappear (deleted, merged) keep their remembered state, so an
        # undo brings them back as they were shown.
        self._expanded = self._expanded_ids() | {t for t in self._expanded if t not in present}
        self._restoring_id = self.current_theme_id()

    def _restore_view(self) -> None:
        self._expand(self._expanded)
        if self._restoring_id is not None:
            self.select_theme(self._restoring_id, reveal=False)
        self.refresh_pins()
        self._update_actions()

    def _filter(self, text: str) -> None:
        if text and self._expanded_before_filter is None:
            self._expanded_before_filter = self._expanded_ids()
        self.proxy.setFilterFixedString(text.strip())
        if text:
            self.tree.expandAll()
        elif self._expanded_before_filter is not None:
            current = self.current_theme_id()
            self.tree.collapseAll()
            self._expand(self._expanded_before_filter)
            self._expanded_before_filter = None
            if current is not None:
                self.select_theme(current)

    def _go_to_first_match(self) -> None:
        """Enter in the filter box: go to the first theme whose own name matches."""
        wanted = self.filter.text().strip().casefold()
        for index in self._rows():
            if wanted in str(index.data()).casefold():
                self.tree.setCurrentIndex(index)
                self.tree.setFocus()
                return

    def _update_actions(self) -> None:
        has_project = self.workspace is not None
        theme_id = self.current_theme_id() if has_project else None
        self.add_action.setEnabled(has_project)
        for action in self.theme_actions:
            action.setEnabled(theme_id is not None)
        self.pin_menu.setEnabled(theme_id is not None)
        if theme_id is None:
            return
        parent_id = self._parent_of(theme_id)
        row, siblings = self.model.row_of(theme_id), len(self.model.children_of(parent_id))
        self.move_up_action.setEnabled(row > 0)
        self.indent_action.setEnabled(row > 0)
        self.move_down_action.setEnabled(row < siblings - 1)
        self.outdent_action.setEnabled(parent_id is not None)
        self.merge_action.setEnabled(len(self.model.theme_ids()) > len(self.model.subtree(theme_id)))

    def _parent_of(self, theme_id: int) -> int | None:
        parent = self.model.parent(self.model.theme_index(theme_id))
        return self.model.theme_id_at(parent)

    def _run(self, command) -> bool:
        return self.workspace is not None and self.workspace.run(command)

    # --- editing --------------------------------------------------------------------------

    def add_theme(self, parent_id: int | None) -> int | None:
        """Add a theme called "New theme" (numbered if taken) and open its name for editing."""
        if self.workspace is None:
            return None
        taken = {self.model.theme(i).name.casefold() for i in self.model.children_of(parent_id)}
        name, number = NEW_THEME, 1
        while name.casefold() in taken:
            number += 1
            name = f"{NEW_THEME} {number}"
        command = AddThemeCommand(self.workspace, name, parent_id)
        if not self._run(command):
            return None
        self.select_theme(command.theme_id)
        self.tree.edit(self.tree.currentIndex().siblingAtColumn(NAME))
        return command.theme_id

    def rename_current(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid():
            self.tree.edit(index.siblingAtColumn(NAME))

    def recolour_current(self) -> None:
        theme_id = self.current_theme_id()
        if theme_id is None:
            return
        colour = self.ask_colour(theme_id)
        if colour and colour.upper() != self.model.theme(theme_id).colour.upper():
            self._run(RecolourThemeCommand(self.workspace, theme_id, colour))

    def define_current(self) -> None:
        theme_id = self.current_theme_id()
        if theme_id is None:
            return
        fields = self.ask_definition(theme_id)
        if fields:
            self._run(DefineThemeCommand(self.workspace, theme_id, **fields))

    def delete_current(self) -> None:
        theme_id = self.current_theme_id()
        if theme_id is None:
            return
        choice = self.ask_delete(theme_id)
        if choice is None:
            return
        parent_id = self._parent_of(theme_id)
        siblings = self.model.children_of(parent_id)
        row = siblings.index(theme_id)
        neighbour = (siblings[row + 1] if row + 1 < len(siblings) else siblings[row - 1] if row > 0 else parent_id)
        name = self.model.theme(theme_id).name
        if self._run(DeleteThemeCommand(self.workspace, theme_id, choice, text=f"Delete theme {name}")):
            if neighbour is not None:
                self.select_theme(neighbour)

    def merge_current(self) -> None:
        theme_id = self.current_theme_id()
        if theme_id is None:
            return
        target_id = self.ask_merge_target(theme_id)
        if target_id is not None:
            self.model.merge(theme_id, target_id)

    def _merged(self, source_id: int, target_id: int) -> None:
        self.select_theme(target_id)
        self.merge_done.emit(source_id, target_id)

    def _move_by(self, step: int) -> None:
        theme_id = self.current_theme_id()
        if theme_id is not None:
            row = self.model.row_of(theme_id) + step
            if 0 <= row < len(self.model.children_of(self._parent_of(theme_id))):
                self._run(MoveThemeCommand(self.workspace, theme_id, self._parent_of(theme_id), row))

    def _outdent(self) -> None:
        theme_id = self.current_theme_id()
        parent_id = self._parent_of(theme_id) if theme_id is not None else None
        if parent_id is not None:
            position = self.model.row_of(parent_id) + 1
            self._run(MoveThemeCommand(self.workspace, theme_id, self._parent_of(parent_id), position))

    def _indent(self) -> None:
        theme_id = self.current_theme_id()
        if theme_id is None or self.model.row_of(theme_id) == 0:
            return
        previous = self.model.children_of(self._parent_of(theme_id))[self.model.row_of(theme_id) - 1]
        if self._run(MoveThemeCommand(self.workspace, theme_id, previous, None)):
            self.select_theme(theme_id)

    # --- quick-code keys -----------------------------------------------------------------

    def pinned_theme_ids(self) -> list[int | None]:
        """The themes on keys 1-9 (None for an empty key, or a theme no longer there)."""
        if self.workspace is None:
            return [None] * 9
        by_guid = {self.model.theme(i).guid: i for i in self.model.theme_ids()}
        return [by_guid.get(guid) if guid else None
                for guid in self.settings.pinned_themes(self.workspace.project_guid)]

    def pin_current(self, key: int | None) -> None:
        """Put the current theme on ``key`` (1-9), taking it off any other; None unpins."""
        theme_id = self.current_theme_id()
        if theme_id is None or self.workspace is None:
            return
        guid = self.model.theme(theme_id).guid
        guids = ["" if pinned == guid else pinned for pinned in self.settings.pinned_themes(self.workspace.project_guid)]
        if key is not None:
            guids[key - 1] = guid
        self.settings.set_pinned_themes(self.workspace.project_guid, guids)
        self.refresh_pins()
        self.pins_changed.emit()

    def refresh_pins(self) -> None:
        """Show the keys as stored in the settings (after they changed elsewhere)."""
        self.model.set_pins({theme_id: key for key, theme_id in enumerate(self.pinned_theme_ids(), start=1)
                             if theme_id is not None})

    # --- questions (tests replace these) -----------------------------------------------------

    def merge_question(self, source_id: int, target_id: int) -> str:
        source, target = self.model.theme(source_id), self.model.theme(target_id)
        counts = self.model.counts(source_id)
        text = (f"Merge “{source.name}” into “{target.name}”? "
                f"{plural(counts.codings, 'coding')} and "
                f"{plural(counts.summaries, 'summary', 'summaries')} move")
        if self.model.children_of(source_id):
            text += f"; sub-themes move under “{target.name}”"
        return text + "."

    def confirm_merge(self, source_id: int, target_id: int) -> bool:
        return confirm(self, "Merge Themes", self.merge_question(source_id, target_id), "Merge")

    def ask_colour(self, theme_id: int) -> str | None:
        theme = self.model.theme(theme_id)
        return theme_dialogs.ask_colour(self, theme.name, theme.colour)

    def ask_definition(self, theme_id: int) -> dict[str, str] | None:
        theme = self.model.theme(theme_id)
        values = {"description": theme.description, "use_when": theme.use_when,
                  "dont_use_when": theme.dont_use_when, "example": theme.example}
        return theme_dialogs.edit_definition(self, theme.name, values)

    def ask_delete(self, theme_id: int) -> str | None:
        theme, counts = self.model.theme(theme_id), self.model.counts(theme_id)
        parent_id = self._parent_of(theme_id)
        parent_name = self.model.theme(parent_id).name if parent_id is not None else None
        return theme_dialogs.ask_delete(self, theme.name, parent_name, counts.total_codings,
                                        counts.total_summaries, len(self.model.subtree(theme_id)) - 1)

    def ask_merge_target(self, theme_id: int) -> int | None:
        excluded = self.model.subtree(theme_id)
        choices = [(i, self.model.path(i)) for i in self.model.theme_ids() if i not in excluded]
        return theme_dialogs.ask_merge_target(self, self.model.theme(theme_id).name, choices)
