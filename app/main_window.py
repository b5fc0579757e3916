"""The main window: the transcript in the centre, dockable panes around it.

The window owns the open project's ``Workspace`` and wires the panes together: a
source chosen in Sources opens in the Transcript; a theme chosen in Framework lists its
Extracts; an extract, search hit or memo jumps to its passage; a theme activated, a
quick-code key (1-9) or the "Code to…" palette (Ctrl+K) codes the transcript's
selection. Every change is a command on the workspace's undo stack and is saved at
once: there is no Save to forget.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app import settings as keys
from app.commands.coding import code_passage, recode
from app.messages import show_error
from app.widgets.code_palette import choose_theme, remember_theme
from app.settings import Settings
from app.welcome import WelcomePage
from app.widgets.extracts_pane import ExtractsPane
from app.widgets.framework_pane import FrameworkPane
from app.widgets.memos_pane import MemosPane
from app.widgets.search_pane import SearchPane
from app.widgets.sources_pane import SourcesPane
from app.widgets.transcript_view import TranscriptView
from app.workspace import USER_ERRORS, Workspace, one_sentence
from framework.codebook import theme_paths
from framework.matrix import build_matrix, write_matrix_csv
from framework.templates import apply_template, describe_templates
from models.project import (
    NewerSchemaError,
    Project,
    ProjectError,
    charter_version,
    create_project,
    open_project,
)

PROJECT_FILTER = "Charter projects (*.charter);;All files (*)"
#: The first window takes this share of the screen's free area, leaving room for the
#: title bar a window manager adds, and never more than this size on a big screen.
SCREEN_SHARE = 0.9
LARGEST_FIRST_SIZE = (1600, 1000)


def fitted_geometry(available: QRect) -> QRect:
    """The window's size and place the first time (or when the saved one no longer
    fits): a comfortable share of the screen's free area ``available``, centred on it.
    A fixed size would run off a laptop screen (1366×768, or 1280×720 at 150 %)."""
    width = min(round(available.width() * SCREEN_SHARE), LARGEST_FIRST_SIZE[0])
    height = min(round(available.height() * SCREEN_SHARE), LARGEST_FIRST_SIZE[1])
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect


def fits_on_a_screen(rect: QRect) -> bool:
    """Whether ``rect`` lies wholly in the free area of one of the screens now attached."""
    return rect.isValid() and any(screen.availableGeometry().contains(rect) for screen in QGuiApplication.screens())


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.workspace: Workspace | None = None
        self.setAcceptDrops(True)
        self._place_window()
        self.setDockNestingEnabled(True)
        self._build_panes()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._wire_panes()
        self._restore_layout()
        self._show_project_state()

    # --- construction -----------------------------------------------------------------

    def _build_panes(self) -> None:
        self.transcript = TranscriptView()
        self.transcript.setObjectName("transcript")
        self.sources = SourcesPane()
        self.framework = FrameworkPane()
        self.extracts = ExtractsPane()
        self.search = SearchPane()
        self.memos = MemosPane()
        self.docks: dict[str, QDockWidget] = {}
        for name, title, widget, area in (
            ("sources", "Sources", self.sources, Qt.DockWidgetArea.LeftDockWidgetArea),
            ("framework", "Framework", self.framework, Qt.DockWidgetArea.RightDockWidgetArea),
            ("extracts", "Extracts", self.extracts, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("search", "Search", self.search, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("memos", "Memos", self.memos, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{name}")  # saveState() needs stable names
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.tabifyDockWidget(self.docks["extracts"], self.docks["search"])
        self.tabifyDockWidget(self.docks["framework"], self.docks["memos"])
        self.docks["extracts"].raise_()
        self.docks["framework"].raise_()

        self.pages = QStackedWidget()
        self.welcome = WelcomePage(*self._welcome_actions())
        self.welcome.recent_chosen.connect(self.open_location)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.transcript)
        self.setCentralWidget(self.pages)

    def _welcome_actions(self):
        self.new_project_action = self._action("&New Project…", self.new_project, QKeySequence.StandardKey.New,
                                               tip="Create a project from a framework template")
        self.open_project_action = self._action("&Open Project…", self.choose_project, QKeySequence.StandardKey.Open,
                                                tip="Open a Charter project file")
        self.open_demo_action = self._action("Open the &Demo Study", self.open_demo,
                                             tip="Six sites of a neighbourhood policing study, partly coded")
        return self.new_project_action, self.open_project_action, self.open_demo_action

    def _action(self, text: str, slot, shortcut=None, *, tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        act.setCheckable(checkable)
        act.triggered.connect(slot)
        return act

    def _build_actions(self) -> None:
        a = self._action
        self.close_project_action = a("&Close Project", self.close_project, QKeySequence.StandardKey.Close)
        self.import_action = a("&Import Transcripts…", self.import_transcripts, "Ctrl+I",
                               tip="Import Word, text, RTF, ODT, PDF, HTML, VTT or SRT transcripts")
        self.export_codebook_action = a("Export &Codebook…", self.export_codebook,
                                        tip="Save the framework as CSV or REFI-QDA (.qdc)")
        self.export_matrix_action = a("Export &Matrix as CSV…", self.export_matrix,
                                      tip="Save participants × themes counts and summaries as CSV")
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = a("&Undo", self._undo, QKeySequence.StandardKey.Undo)
        self.redo_action = a("&Redo", self._redo, QKeySequence.StandardKey.Redo)
        self.find_action = a("&Find in Transcripts…", self.find, QKeySequence.StandardKey.Find,
                             tip="Search every transcript (words, \"phrases\", prefix*, AND/OR/NOT, NEAR)")
        self.preferences_action = a("&Preferences…", self.show_preferences, QKeySequence.StandardKey.Preferences)
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        if self.preferences_action.shortcut().isEmpty():
            self.preferences_action.setShortcut(QKeySequence("Ctrl+,"))
        self.code_to_action = a("&Code Selection to…", self.code_selection_to, "Ctrl+K",
                                tip="Choose a theme by typing (or create one) and code the selection")
        self.code_current_action = a("Code Selection to Current &Theme", self.code_to_current_theme, "Ctrl+Return",
                                     tip="Code the selection to the theme selected in the Framework pane")
        self.attributes_action = a("&Attributes…", self.show_attributes, "Ctrl+Shift+A",
                                   tip="Edit sites, participants and sources")
        self.shortcuts_action = a("&Keyboard Shortcuts", self.show_shortcuts, "F1")
        self.about_action = a("&About Charter", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.project_actions = [
            self.close_project_action, self.import_action, self.export_codebook_action, self.export_matrix_action,
            self.find_action, self.code_to_action, self.code_current_action, self.attributes_action,
        ]
        # Quick-code keys: 1-9 code the selection to the pinned themes while reading.
        self.quick_keys = []
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(str(number)), self.transcript)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.quick_code(n))
            self.quick_keys.append(shortcut)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_project_action, self.open_project_action])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.open_demo_action)
        file_menu.addAction(self.close_project_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        export_menu = file_menu.addMenu("&Export")
        export_menu.addActions([self.export_codebook_action, self.export_matrix_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences_action)

        code_menu = bar.addMenu("&Code")
        code_menu.addActions([self.code_to_action, self.code_current_action])
        code_menu.addSeparator()
        # The transcript's own actions: their shortcuts work while reading it.
        view = self.transcript
        code_menu.addActions([view.code_sentence_action, view.code_paragraph_action, view.code_turn_action])
        code_menu.addSeparator()
        code_menu.addActions([view.next_coding_action, view.previous_coding_action, view.recode_action,
                              view.edit_memo_action, view.remove_coding_action])
        code_menu.addSeparator()
        quick = code_menu.addMenu("&Quick-Code Keys")
        quick.aboutToShow.connect(lambda: self._fill_quick_menu(quick))

        view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(self.transcript.toggle_stripes_action)
        view_menu.addActions([self.transcript.zoom_in_action, self.transcript.zoom_out_action,
                              self.transcript.zoom_reset_action])

        project_menu = bar.addMenu("&Project")
        project_menu.addAction(self.attributes_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar_main")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions([self.open_project_action, self.import_action])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addActions([self.code_to_action, self.find_action])

    def _build_status_bar(self) -> None:
        self.coder_label = QLabel()
        self.coder_label.setObjectName("status_coder")
        self.save_label = QLabel()
        self.save_label.setObjectName("status_saved")
        self.statusBar().addPermanentWidget(self.save_label)
        self.statusBar().addPermanentWidget(self.coder_label)

    def _wire_panes(self) -> None:
        self.sources.source_activated.connect(self.open_source)
        self.sources.attributes_requested.connect(self.show_attributes)
        self.framework.theme_selected.connect(self._show_theme_extracts)
        self.framework.theme_activated.connect(self.code_selection_to_theme)
        for pane in (self.extracts, self.search, self.memos):
            pane.passage_activated.connect(self.jump_to_passage)
        self.transcript.code_requested.connect(self._code_span_to_chosen_theme)
        self.transcript.recode_requested.connect(self._recode_coding)
        self.transcript.source_shown.connect(self._source_shown)

    # --- the project ------------------------------------------------------------------

    @property
    def project(self) -> Project | None:
        return self.workspace.project if self.workspace else None

    def set_project(self, project: Project) -> bool:
        """Open ``project`` in the window (closing the current one). False if the user
        declined to say who they are: nothing can be written without a coder."""
        from app.widgets.first_run import ensure_coder_identity

        identity = ensure_coder_identity(self)
        if identity is None:
            project.close()
            return False
        try:
            workspace = Workspace(project, *identity, parent=self)
        except USER_ERRORS as error:  # e.g. a read-only or unreachable database
            project.close()
            show_error(self, "Cannot open project", one_sentence(error), str(error))
            return False
        self.close_project()
        self.workspace = workspace
        workspace.failed.connect(self._operation_failed)
        workspace.busy.connect(self._show_saving)
        workspace.undo_stack.indexChanged.connect(self._update_undo_actions)
        for pane in self._panes():
            pane.set_workspace(workspace)
        if project.backend == "sqlite":
            self.settings.add_recent_project(project.location)
        self._show_project_state()
        return True

    def _panes(self) -> list[QWidget]:
        return [self.transcript, self.sources, self.framework, self.extracts, self.search, self.memos]

    def close_project(self) -> None:
        if self.workspace is None:
            return
        if getattr(self, "attributes_editor", None) is not None:
            self.attributes_editor.close()
        self.workspace.undo_stack.indexChanged.disconnect(self._update_undo_actions)
        self.settings.set(keys.WINDOW_STATE, self.saveState())
        for pane in self._panes():
            pane.set_workspace(None)
        self.workspace.close()
        self.workspace.deleteLater()
        self.workspace = None
        self._show_project_state()

    def _show_project_state(self) -> None:
        open_ = self.workspace is not None
        for action in self.project_actions:
            action.setEnabled(open_)
        self._show_docks(open_)
        self._update_undo_actions()
        if not open_:
            self.setWindowTitle("Charter")
            self.welcome.show_recent(self.settings.recent_projects())
            self.pages.setCurrentWidget(self.welcome)
            self.coder_label.setText("")
            self.save_label.setText("")
            self.statusBar().showMessage("No project open")
            return
        self.pages.setCurrentWidget(self.transcript)
        self.setWindowTitle(f"{self.workspace.project_name} — Charter")
        self.coder_label.setText(f"Coder: {self.workspace.coder_name}")
        self.coder_label.setToolTip("Every coding and edit is saved at once in this name (Edit ▸ Preferences)")
        self._show_saving(False)
        self.statusBar().showMessage(self.workspace.project.location, 5000)

    def _show_docks(self, project_open: bool) -> None:
        """Panes show with a project, as the user last arranged them; none without."""
        if not project_open:
            for dock in self.docks.values():
                dock.hide()
            return
        state = self.settings.get(keys.WINDOW_STATE)
        if not (isinstance(state, QByteArray) and not state.isEmpty() and self.restoreState(state)):
            for dock in self.docks.values():
                dock.show()
            # First layout: room for source and theme names (sources' are the longer, and
            # deeper in their tree) beside a text column of about half the window.
            width, height = self.width(), self.height()
            self.resizeDocks([self.docks["sources"], self.docks["framework"]],
                             [int(width * 0.27), int(width * 0.26)], Qt.Orientation.Horizontal)
            self.resizeDocks([self.docks["extracts"]], [int(height * 0.28)], Qt.Orientation.Vertical)

    def _show_saving(self, busy: bool) -> None:
        self.save_label.setText("Saving…" if busy else "All changes saved")

    def _update_undo_actions(self, _index: int | None = None) -> None:
        stack = self.workspace.undo_stack if self.workspace else None
        self.undo_action.setEnabled(bool(stack and stack.canUndo()))
        self.redo_action.setEnabled(bool(stack and stack.canRedo()))
        self.undo_action.setText(f"&Undo {stack.undoText()}" if stack and stack.canUndo() else "&Undo")
        self.redo_action.setText(f"&Redo {stack.redoText()}" if stack and stack.canRedo() else "&Redo")

    def _undo(self) -> None:
        if self.workspace is not None:
            self.workspace.undo_stack.undo()

    def _redo(self) -> None:
        if self.workspace is not None:
            self.workspace.undo_stack.redo()

    def _operation_failed(self, doing: str, message: str) -> None:
        show_error(self, "Charter", message, f"While doing: {doing}")

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", "", PROJECT_FILTER)
        if path:
            self.open_location(path)

    def open_location(self, location: str) -> bool:
        try:
            project = open_project(location)
        except USER_ERRORS as error:
            show_error(self, "Cannot open project", one_sentence(error), str(error))
            # A project that is busy, on a server that is down, on a full or read-only disk,
            # or from a newer Charter is still the user's to open another time: only a file
            # that is gone or is no project at all leaves the recent list.
            if isinstance(error, ProjectError) and not isinstance(error, NewerSchemaError):
                self.settings.remove_recent_project(location)
                self.welcome.show_recent(self.settings.recent_projects())
            return False
        return self.set_project(project)

    def open_demo(self) -> None:
        from app.demo import ensure_demo_project
        from app.workers import run_with_progress

        path = run_with_progress(self, "Preparing the demo study",
                                 lambda progress, cancelled: ensure_demo_project(progress=progress,
                                                                                 is_cancelled=cancelled))
        if path is not None:
            self.open_location(str(path))

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New Project", "", PROJECT_FILTER)
        if not path:
            return
        if not path.endswith(".charter"):
            path += ".charter"
        templates = describe_templates()
        titles = [t.title for t in templates]
        title, ok = QInputDialog.getItem(self, "New Project", "Start from the framework:", titles, 0, False)
        if ok:
            self.create_location(path, templates[titles.index(title)].name)

    def create_location(self, path: str, template: str) -> bool:
        project = None
        try:
            project = create_project(path, name=Path(path).stem)
            with project.transaction(f"apply template {template}") as session:
                apply_template(session, template)
        except USER_ERRORS as error:
            if project is not None:
                project.close()  # the empty project stays, for the user to open or delete
            show_error(self, "Cannot create project", one_sentence(error), str(error))
            return False
        return self.set_project(project)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_projects()
        for location in recent:
            self.recent_menu.addAction(Path(location).name, lambda loc=location: self.open_location(loc)).setToolTip(location)
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    # --- moving around ----------------------------------------------------------------

    def open_source(self, source_id: int) -> None:
        self.transcript.show_source(source_id)
        self.transcript.setFocus()

    def _source_shown(self, source_id: int) -> None:
        self.sources.select_source(source_id)
        self.memos.set_current_source(source_id)

    def jump_to_passage(self, source_id: int, start: int, end: int) -> None:
        if self.transcript.current_source_id != source_id:
            self.transcript.show_source(source_id)
        self.transcript.select_span(start, end)
        self.transcript.setFocus()

    def _show_theme_extracts(self, theme_id: int) -> None:
        if self.workspace is None:
            return
        with self.workspace.read() as session:
            path = theme_paths(session).get(theme_id, "")
        self.extracts.show_themes([theme_id], path)

    def find(self) -> None:
        self.docks["search"].show()
        self.docks["search"].raise_()
        self.search.focus_query()

    # --- coding -----------------------------------------------------------------------

    def _selection(self) -> tuple[int, int, int] | None:
        """(source, start, end) of the transcript's selection, or None with a hint."""
        span = self.transcript.selected_span()
        source_id = self.transcript.current_source_id
        if source_id is None or span is None or span[0] == span[1]:
            self.statusBar().showMessage("Select a passage in the transcript first.", 4000)
            return None
        return source_id, span[0], span[1]

    def _theme_name(self, theme_id: int) -> str:
        with self.workspace.read() as session:
            return theme_paths(session).get(theme_id, "theme")

    def code_span(self, source_id: int, start: int, end: int, theme_id: int) -> bool:
        if self.workspace is None:
            return False
        command = code_passage(self.workspace, source_id, theme_id, start, end, self._theme_name(theme_id))
        done = self.workspace.run(command)
        if done:
            remember_theme(self.workspace, theme_id)
            self.statusBar().showMessage(f"Coded to {command.text().removeprefix('Code to ')}", 3000)
        return done

    def code_selection_to_theme(self, theme_id: int) -> bool:
        selection = self._selection()
        return selection is not None and self.code_span(*selection, theme_id)

    def code_to_current_theme(self) -> None:
        theme_id = self.framework.current_theme_id()
        if theme_id is None:
            self.statusBar().showMessage("Select a theme in the Framework pane first.", 4000)
            return
        self.code_selection_to_theme(theme_id)

    def choose_theme(self, title: str):
        """The "Code to…" palette; tests replace this method to choose without typing."""
        return choose_theme(self, self.workspace, title=title)

    def code_selection_to(self) -> None:
        selection = self._selection()
        if selection is not None:
            self._code_span_to_chosen_theme(selection[1], selection[2])

    def _code_span_to_chosen_theme(self, start: int, end: int) -> None:
        source_id = self.transcript.current_source_id
        if self.workspace is None or source_id is None:
            return
        choice = self.choose_theme("Code to…")
        if choice is not None:
            self.code_span(source_id, start, end, choice.id)
            self.transcript.select_span(start, end)

    def _recode_coding(self, coding_id: int) -> None:
        choice = self.choose_theme("Recode to…")
        if choice is not None and self.workspace is not None:
            self.workspace.run(recode(self.workspace, coding_id, choice.id, choice.path))

    def quick_code(self, number: int) -> None:
        pinned = self.framework.pinned_theme_ids()
        theme_id = pinned[number - 1] if number <= len(pinned) else None
        if theme_id is None:
            self.statusBar().showMessage(
                f"No theme is pinned to key {number}: right-click a theme in the Framework pane to pin it.", 5000)
            return
        self.code_selection_to_theme(theme_id)

    def _fill_quick_menu(self, menu) -> None:
        menu.clear()
        if self.workspace is None:
            return
        pinned = self.framework.pinned_theme_ids()
        with self.workspace.read() as session:
            paths = theme_paths(session)
        for number, theme_id in enumerate(pinned, start=1):
            label = paths.get(theme_id, "(not pinned)") if theme_id else "(not pinned)"
            action = menu.addAction(f"{number}   {label}", lambda n=number: self.quick_code(n))
            action.setEnabled(theme_id is not None)

    # --- views ------------------------------------------------------------------------

    def show_preferences(self) -> None:
        from app.widgets.preferences import PreferencesDialog

        dialog = PreferencesDialog(self, self.workspace)
        dialog.applied.connect(self._apply_preferences)
        dialog.coder_changed.connect(self._change_coder)
        dialog.exec()

    def _change_coder(self, name: str, initials: str) -> None:
        if self.workspace is None:
            return
        try:
            self.workspace.set_coder(name, initials)
        except USER_ERRORS as error:
            show_error(self, "Cannot change the coder", one_sentence(error), str(error))
            return
        self.coder_label.setText(f"Coder: {self.workspace.coder_name}")

    def _apply_preferences(self) -> None:
        self.transcript.set_font_size(self.settings.get(keys.FONT_SIZE))
        self.transcript.set_line_width(self.settings.get(keys.LINE_WIDTH))
        self.transcript.set_stripes_visible(bool(self.settings.get(keys.SHOW_STRIPES)))
        self.framework.refresh_pins()

    def show_attributes(self, source_id: int | None = None) -> None:
        """The attributes editor (one per window), on ``source_id``'s row if given."""
        if self.workspace is None:
            return
        from app.widgets.attributes_editor import AttributesEditor

        if getattr(self, "attributes_editor", None) is None:
            self.attributes_editor = AttributesEditor(self.workspace, parent=self)
            self.attributes_editor.destroyed.connect(lambda: setattr(self, "attributes_editor", None))
            self.attributes_editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not isinstance(source_id, int):
            source_id = self.transcript.current_source_id
        if source_id is not None:
            self.attributes_editor.focus_source(source_id)
        self.attributes_editor.show()
        self.attributes_editor.raise_()

    # --- import and export ------------------------------------------------------------

    def import_transcripts(self, paths: list[Path] | None = None):
        if self.workspace is None:
            return None
        from app.widgets.import_wizard import ImportWizard

        wizard = ImportWizard(self.workspace, list(paths or []), parent=self)
        wizard.imported.connect(self._after_import)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def _after_import(self, source_ids: list[int]) -> None:
        if source_ids and self.transcript.current_source_id is None:
            self.open_source(source_ids[0])

    def export_codebook(self) -> None:
        from framework.codebook_io import export_codebook_csv, export_codebook_qdc

        path, chosen = QFileDialog.getSaveFileName(
            self, "Export Codebook", "codebook.qdc", "REFI-QDA codebook (*.qdc);;CSV (*.csv)")
        if not path:
            return
        as_csv = path.lower().endswith(".csv") or (chosen.startswith("CSV") and not path.lower().endswith(".qdc"))
        try:
            with self.workspace.read() as session:
                (export_codebook_csv if as_csv else export_codebook_qdc)(session, Path(path))
        except USER_ERRORS as error:
            show_error(self, "Cannot export the codebook", one_sentence(error), str(error))
            return
        self.statusBar().showMessage(f"Codebook saved to {path}", 5000)

    def export_matrix(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export Matrix", "matrix.csv", "CSV (*.csv)")
        if not path:
            return
        try:
            with self.workspace.read() as session:
                matrix = build_matrix(session, depth=None)  # every theme: summaries sit at any level
            write_matrix_csv(matrix, Path(path))
        except USER_ERRORS as error:
            show_error(self, "Cannot export the matrix", one_sentence(error), str(error))
            return
        self.statusBar().showMessage(f"Matrix saved to {path}", 5000)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.workspace is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            # Open the wizard after the drop returns, so the drag source is not blocked.
            QTimer.singleShot(0, lambda: self.import_transcripts(paths))

    # --- help -------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        rows = [
            ("Ctrl+K", "Code the selection to a theme (type to filter, or create one)"),
            ("1 – 9", "Code the selection to a pinned theme (pin from the Framework pane)"),
            ("Ctrl+Return", "Code the selection to the theme selected in the Framework pane"),
            ("Ctrl+Alt+S / P / T", "Code the sentence / paragraph / turn at the cursor"),
            ("Alt+Down / Alt+Up", "Select the next / previous coded passage"),
            ("Ctrl+M / Ctrl+Shift+R / Delete", "Memo / recode / remove the selected coding"),
            ("Double-click a theme", "Code the selection to it; or drag the selection onto a theme"),
            ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo any change"),
            ("Ctrl+F", "Search all transcripts"),
            ("Ctrl+I", "Import transcripts"),
            ("Ctrl+= / Ctrl+- / Ctrl+0", "Larger / smaller / normal transcript text"),
        ]
        table = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        QMessageBox.information(self, "Keyboard Shortcuts", f"<table>{table}</table>")

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About Charter",
            f"<b>Charter {charter_version()}</b><p>A workbench for qualitative analysis with the "
            "Framework method. Your projects stay on your computer (or your team's server).</p>",
        )

    # --- layout memory ----------------------------------------------------------------

    def _place_window(self) -> None:
        """Where the window was last closed, if that still fits wholly on a screen (it
        would not after a laptop leaves its big monitor, or the scaling goes up); else
        fitted to the screen. A window closed maximised opens maximised, over a normal
        size that fits."""
        saved = self.settings.get(keys.WINDOW_RECT)
        if isinstance(saved, QRect) and fits_on_a_screen(saved):
            self.setGeometry(saved)
        else:
            screen = self.screen() or QGuiApplication.primaryScreen()
            self.setGeometry(fitted_geometry(screen.availableGeometry()))
        if self.settings.get(keys.WINDOW_MAXIMIZED):
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _save_placement(self) -> None:
        """Remember the window's normal size and place, and whether it is maximised."""
        maximized = bool(self.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen))
        normal = self.normalGeometry() if maximized else self.geometry()
        if normal.isValid():
            self.settings.set(keys.WINDOW_RECT, normal)
        self.settings.set(keys.WINDOW_MAXIMIZED, maximized)

    def _restore_layout(self) -> None:
        self.transcript.set_font_size(self.settings.get(keys.FONT_SIZE))
        self.transcript.set_line_width(self.settings.get(keys.LINE_WIDTH))
        self.transcript.set_stripes_visible(bool(self.settings.get(keys.SHOW_STRIPES)))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        from app.workers import wait_for_jobs

        wait_for_jobs(10_000)  # a running import stops after its current file
        self._save_placement()
        self.close_project()
        super().closeEvent(event)
