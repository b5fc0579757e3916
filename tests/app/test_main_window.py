"""The main window opens, shows a project's contents, and reports bad files in a message box."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app import gui
from app.main_window import MainWindow
from framework.templates import apply_template
from models import Source
from models.migrations import head_revision
from models.project import create_project, open_project


@pytest.fixture
def window(qtbot):
    main_window = MainWindow()
    qtbot.addWidget(main_window)
    main_window.show()
    qtbot.waitExposed(main_window)
    return main_window


def test_without_a_project_the_welcome_page_shows(window):
    assert window.pages.currentWidget() is window.welcome
    assert window.windowTitle() == "Charter"
    assert not window.close_project_action.isEnabled()


def test_an_open_project_shows_its_counts(window, tmp_path):
    path = tmp_path / "study.charter"
    with create_project(path, name="Policing study") as project:
        with project.transaction("setup") as session:
            apply_template(session, "neighbourhood-policing")
            session.add(Source(name="one", text="Four words right here."))
    window.open_location(str(path))
    assert window.pages.currentWidget() is window.overview
    assert window.windowTitle() == "Policing study — Charter"
    assert window.overview.values["sources"].text() == "1"
    assert window.overview.values["words"].text() == "4"
    assert int(window.overview.values["themes"].text()) >= 20
    window.close_project_action.trigger()
    assert window.pages.currentWidget() is window.welcome


def test_opening_a_bad_file_shows_one_sentence(window, tmp_path, monkeypatch):
    junk = tmp_path / "junk.charter"
    junk.write_bytes(os.urandom(1024))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append(text))
    window.open_location(str(junk))
    assert len(shown) == 1 and "not a Charter project" in shown[0]
    assert window.project is None


def test_creating_a_project_from_the_window(window, tmp_path):
    path = tmp_path / "made-in-gui.charter"
    window.create_location(str(path), "blank")
    assert window.project is not None
    assert window.overview.values["themes"].text() == "3"
    window.close_project()
    with open_project(path) as project:
        assert project.schema_revision == head_revision()


def test_gui_entry_point_opens_a_window_on_a_project(qapp, tmp_path):
    path = tmp_path / "p.charter"
    create_project(path, name="Entry point").close()
    seen = []

    def inspect_and_quit():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        seen.extend(w.windowTitle() for w in windows if w.isVisible())
        for w in windows:
            w.close()
        qapp.quit()

    QTimer.singleShot(200, inspect_and_quit)
    assert gui.main([str(path)]) == 0
    assert "Entry point — Charter" in seen
