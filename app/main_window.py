"""The main window. For now: open, create and describe projects.

Panes for sources, transcripts, the framework and extracts arrive with the coding
workbench; this window already owns the project's lifetime so that they can hang off it.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from framework.overview import ProjectOverview, project_overview
from framework.templates import TemplateError, apply_template, describe_templates
from models.project import Project, ProjectError, charter_version, create_project, open_project

PROJECT_FILTER = "Charter projects (*.charter);;All files (*)"


class WelcomePage(QWidget):
    """Shown when no project is open: the two things a user can do next."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch()
        title = QLabel("<h1>Charter</h1><p>Framework analysis of interviews and focus groups.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        for text, action in (
            ("Create a new project…", window.new_project_action),
            ("Open a project…", window.open_project_action),
        ):
            button = QPushButton(text)
            button.clicked.connect(action.trigger)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()


class OverviewPage(QWidget):
    """What the open project holds, in numbers."""

    FIELDS = (
        ("Sites", "sites"),
        ("Participants", "participants"),
        ("Sources", "sources"),
        ("Words", "words"),
        ("Themes", "themes"),
        ("Codings", "codings"),
        ("Summaries", "summaries"),
    )

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, key in self.FIELDS:
            value = QLabel()
            value.setObjectName(f"overview_{key}")
            self.values[key] = value
            form.addRow(f"{label}:", value)
        layout.addLayout(form)
        layout.addStretch()

    def show_overview(self, overview: ProjectOverview, location: str) -> None:
        self.heading.setText(f"<h2>{html.escape(overview.name)}</h2><p>{html.escape(location)}</p>")
        for _label, key in self.FIELDS:
            self.values[key].setText(f"{getattr(overview, key):,}")


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.project: Project | None = None
        self.resize(1100, 720)
        self._build_actions()
        self._build_menus()
        self.pages = QStackedWidget()
        self.welcome = WelcomePage(self)
        self.overview = OverviewPage()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.overview)
        self.setCentralWidget(self.pages)
        self._show_project_state()

    def _build_actions(self) -> None:
        def action(text: str, slot, shortcut=None) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            return act

        self.new_project_action = action("&New Project…", self.new_project, QKeySequence.StandardKey.New)
        self.open_project_action = action("&Open Project…", self.choose_project, QKeySequence.StandardKey.Open)
        self.close_project_action = action("&Close Project", self.close_project, QKeySequence.StandardKey.Close)
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.about_action = action("&About Charter", self.show_about)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for act in (self.new_project_action, self.open_project_action, self.close_project_action):
            file_menu.addAction(act)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.menuBar().addMenu("&Help").addAction(self.about_action)

    def set_project(self, project: Project) -> None:
        if self.project is not None:
            self.project.close()
        self.project = project
        self._show_project_state()

    def close_project(self) -> None:
        if self.project is not None:
            self.project.close()
            self.project = None
        self._show_project_state()

    def _show_project_state(self) -> None:
        self.close_project_action.setEnabled(self.project is not None)
        if self.project is None:
            self.setWindowTitle("Charter")
            self.pages.setCurrentWidget(self.welcome)
            self.statusBar().showMessage("No project open")
            return
        with self.project.session() as session:
            overview = project_overview(session, self.project.schema_revision or "")
        self.overview.show_overview(overview, self.project.location)
        self.pages.setCurrentWidget(self.overview)
        self.setWindowTitle(f"{overview.name} — Charter")
        self.statusBar().showMessage(f"{self.project.location} · schema {overview.schema_version}")

    def choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Project", "", PROJECT_FILTER)
        if path:
            self.open_location(path)

    def open_location(self, location: str) -> None:
        try:
            self.set_project(open_project(location))
        except ProjectError as error:
            QMessageBox.critical(self, "Cannot open project", str(error))

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New Project", "", PROJECT_FILTER)
        if not path:
            return
        if not path.endswith(".charter"):
            path += ".charter"
        templates = describe_templates()
        titles = [t.title for t in templates]
        title, ok = QInputDialog.getItem(
            self, "New Project", "Start from the framework:", titles, 0, False
        )
        if ok:
            self.create_location(path, templates[titles.index(title)].name)

    def create_location(self, path: str, template: str) -> None:
        try:
            project = create_project(path, name=Path(path).stem)
            with project.transaction(f"apply template {template}") as session:
                apply_template(session, template)
        except (ProjectError, TemplateError) as error:
            QMessageBox.critical(self, "Cannot create project", str(error))
            return
        self.set_project(project)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Charter",
            f"<b>Charter {charter_version()}</b><p>A workbench for qualitative analysis "
            "with the Framework method.</p>",
        )

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.project is not None:
            self.project.close()
        super().closeEvent(event)
