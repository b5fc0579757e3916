"""The main window: opening and creating projects, who codes, recent projects, the
remembered layout, errors as one sentence, dropping files to import, exports."""

from __future__ import annotations

import csv
import os
import socket

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

import app.main_window
import app.widgets.first_run
from app import gui
from app.commands.coding import code_passage
from app.main_window import MainWindow
from app.settings import Settings
from framework.codebook import find_theme
from framework.templates import apply_template
from models import Coder, Coding, Source
from models.migrations import head_revision
from models.project import create_project, open_project


@pytest.fixture
def shown(monkeypatch):
    """Message boxes recorded instead of shown."""
    messages = []
    monkeypatch.setattr(app.main_window, "show_error", lambda _parent, title, text, details="": messages.append(text))
    return messages


pytestmark = pytest.mark.usefixtures("shown")  # no test ever waits on a real message box


def make_project(path, name="Policing study"):
    with create_project(path, name=name) as project:
        with project.transaction("setup") as session:
            apply_template(session, "neighbourhood-policing")
            session.add(Source(name="one", text="Four words right here."))


def test_without_a_project_the_welcome_page_offers_the_next_steps(window):
    assert window.pages.currentWidget() is window.welcome
    assert window.windowTitle() == "Charter"
    assert not window.close_project_action.isEnabled() and not window.import_action.isEnabled()
    assert not any(dock.isVisible() for dock in window.docks.values())
    assert window.welcome.findChild(type(window.welcome.recent), "welcome_recent").isHidden()


def test_opening_a_project_shows_the_panes_and_the_coder(window, tmp_path):
    path = tmp_path / "study.charter"
    make_project(path)
    assert window.open_location(str(path))
    assert window.pages.currentWidget() is window.transcript
    assert window.windowTitle() == "Policing study — Charter"
    assert all(dock.isVisible() for dock in window.docks.values())
    assert window.coder_label.text() == "Coder: Rosa Field"
    assert window.save_label.text() == "All changes saved"
    with window.workspace.read() as session:
        assert session.scalar(select(Coder.initials).where(Coder.name == "Rosa Field")) == "RF"
    assert window.sources.model.rowCount() >= 1  # the Sources pane has the project
    window.close_project_action.trigger()
    assert window.pages.currentWidget() is window.welcome
    assert Settings().recent_projects() == [str(path)]
    assert window.welcome.recent.count() == 1


def test_opening_a_bad_file_says_so_in_one_sentence_and_forgets_it(window, tmp_path, shown):
    junk = tmp_path / "junk.charter"
    junk.write_bytes(os.urandom(1024))
    Settings().add_recent_project(str(junk))
    assert not window.open_location(str(junk))
    assert len(shown) == 1 and "not a Charter project" in shown[0] and "\n" not in shown[0]
    assert window.project is None
    assert Settings().recent_projects() == []


def test_a_project_that_cannot_be_reached_now_stays_in_the_recent_list(window, shown):
    """A server that is down (or a busy or read-only project) is still the user's."""
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        url = f"postgresql://charter@127.0.0.1:{probe.getsockname()[1]}/study"
    Settings().add_recent_project(url)
    assert not window.open_location(url)
    assert len(shown) == 1 and shown[0].startswith("Charter cannot connect to ")
    assert Settings().recent_projects() == [url]


def test_without_a_coder_name_the_project_is_not_opened(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "study.charter"
    make_project(path)
    asked = []
    monkeypatch.setattr(app.widgets.first_run, "ask_coder", lambda parent=None: asked.append(1))
    main = MainWindow()
    qtbot.addWidget(main)
    assert not main.open_location(str(path))
    assert asked == [1] and main.workspace is None
    monkeypatch.setattr(app.widgets.first_run, "ask_coder", lambda parent=None: ("Sam Okafor", "SO"))
    assert main.open_location(str(path))
    assert main.workspace.coder_name == "Sam Okafor" and Settings().coder() == ("Sam Okafor", "SO")
    main.close_project()


def test_creating_a_project_from_the_window(window, tmp_path):
    path = tmp_path / "made-in-gui.charter"
    assert window.create_location(str(path), "blank")
    assert window.windowTitle() == "made-in-gui — Charter"
    window.close_project()
    with open_project(path) as project:
        assert project.schema_revision == head_revision()


def test_a_refused_operation_shows_one_sentence_and_stores_nothing(window, tmp_path, shown):
    path = tmp_path / "study.charter"
    make_project(path)
    window.open_location(str(path))
    ws = window.workspace
    with ws.read() as session:
        source_id = session.scalar(select(Source.id))
        theme_id = find_theme(session, "Barriers").id
    assert not ws.run(code_passage(ws, source_id, theme_id, 0, 500, "Barriers"))
    assert len(shown) == 1 and "\n" not in shown[0]
    assert not window.undo_action.isEnabled()
    assert ws.run(code_passage(ws, source_id, theme_id, 0, 4, "Barriers"))
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo Code to Barriers"
    window.undo_action.trigger()
    assert window.redo_action.text() == "&Redo Code to Barriers" and not window.undo_action.isEnabled()


def test_the_layout_of_the_panes_is_remembered(qtbot, tmp_path, shown):
    Settings().set_coder("Rosa Field", "RF")
    path = tmp_path / "study.charter"
    make_project(path)
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.open_location(str(path))
    first.docks["memos"].close()
    assert not first.docks["memos"].isVisible()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    second.open_location(str(path))
    assert not second.docks["memos"].isVisible() and second.docks["sources"].isVisible()
    second.close()


def test_dropping_files_on_the_window_opens_the_import_wizard(window, tmp_path, qtbot):
    path = tmp_path / "study.charter"
    make_project(path)
    window.open_location(str(path))
    transcript = tmp_path / "interview.txt"
    transcript.write_text("Interviewer: Hello?\nAnn Clarke: Hello there.\n", encoding="utf-8")
    opened = []
    original = window.import_transcripts
    window.import_transcripts = lambda paths=None: opened.append(original(paths))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(transcript))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: len(opened) == 1)
    wizard = opened[0]
    assert wizard.paths_model.paths() == [transcript]
    wizard.reject()


def test_exports_write_the_codebook_and_the_matrix(window, tmp_path, monkeypatch):
    path = tmp_path / "study.charter"
    make_project(path)
    window.open_location(str(path))
    out = tmp_path / "codebook.csv"
    monkeypatch.setattr(app.main_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV (*.csv)"))
    window.export_codebook_action.trigger()
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert any("Barriers" in cell for row in rows for cell in row)
    matrix = tmp_path / "matrix.csv"
    monkeypatch.setattr(app.main_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(matrix), "CSV (*.csv)"))
    window.export_matrix_action.trigger()
    with matrix.open(encoding="utf-8-sig") as stream:
        header = next(csv.reader(stream))
    assert header[:5] == ["group", "row_id", "row", "column_id", "theme"]


def test_the_entry_point_opens_a_window_on_the_project_given(qtbot, tmp_path):
    Settings().set_coder("Rosa Field", "RF")
    path = tmp_path / "p.charter"
    create_project(path, name="Entry point").close()
    window = gui.start([str(path)])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.windowTitle() == "Entry point — Charter")
    assert window.isVisible() and QApplication.style().name().lower() == "fusion"
    window.close()


def test_the_demo_study_is_built_off_the_gui_thread_then_opened(window, qtbot, tmp_path, monkeypatch):
    """What `make run` does on a fresh machine: build the demo (in a background job with
    a progress dialog), then open it with its sources, framework and codings."""
    demo = tmp_path / "data" / "demo.charter"
    monkeypatch.setenv("CHARTER_DEMO_PATH", str(demo))
    window.open_demo()
    assert demo.exists()
    assert window.windowTitle().endswith("— Charter") and window.workspace is not None
    qtbot.waitUntil(lambda: not window.sources.is_loading(), timeout=20_000)
    assert window.sources.model.rowCount() == 6  # the six sites
    with window.workspace.read() as session:
        assert session.scalar(select(func.count()).select_from(Source)) >= 18
        assert session.scalar(select(func.count()).select_from(Coding)) > 500
    window.open_demo()  # a second time: opened as it is, not rebuilt
    assert window.workspace is not None
