"""Every way of opening the "Code to…" palette in the main window, through the real
keys and buttons: the palette opens near the top of the window, on screen, scrolled to
the top with nothing highlighted, and Enter pressed before choosing anything codes
nothing (issue #9: it used to code to whatever row the palette's own ``move`` had
highlighted while placing the window)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.widgets.code_palette import NOTHING_CHOSEN, CodePalette
from framework.templates import apply_template
from importers.service import ImportOptions, import_files
from models import Coding
from models.project import create_project
from tests.app.conftest import write_transcripts
from tests.app.helpers import code, source

CTRL, ALT, SHIFT = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier,
                    Qt.KeyboardModifier.ShiftModifier)


@pytest.fixture
def study(window, qtbot, tmp_path: Path):
    """The main window on a project with the two fixture transcripts, one open in the
    reader, the window active and the reader's text focused, as after a click in it."""
    project = create_project(tmp_path / "study.charter", name="Test study")
    with project.transaction("template") as session:
        apply_template(session, "neighbourhood-policing")
    files = write_transcripts(tmp_path / "transcripts")
    import_files(project, files, ImportOptions(site="Northfield", method="interview", participant_type="partner"))
    project.close()
    assert window.open_location(str(tmp_path / "study.charter"))
    window.open_source(source(window.workspace, "partner-interview")[0])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.transcript.text.setFocus()
    qtbot.waitUntil(window.transcript.text.hasFocus)
    return window


def codings(window) -> list[tuple[int, int, int, int]]:
    with window.workspace.read() as session:
        return sorted(session.execute(select(Coding.id, Coding.theme_id, Coding.start, Coding.end)).all())


def put_cursor(window, phrase: str, *, select: bool = False) -> None:
    """The cursor inside ``phrase`` of the open transcript (or the phrase selected)."""
    _source_id, text = source(window.workspace, "partner-interview")
    start = text.index(phrase)
    if select:
        window.transcript.select_span(start, start + len(phrase))
    else:
        window.transcript.select_span(start + 3, start + 3)


def enter_in_palette(qtbot, open_it) -> dict:
    """Open the palette with ``open_it`` (which returns once the modal palette closes);
    once it shows, note what the user sees, press Enter, note whether it stayed open,
    then cancel it so the test never hangs on it."""
    seen: dict = {}

    def look(tries: int = 50) -> None:
        palette = QApplication.activeModalWidget()
        if not isinstance(palette, CodePalette):
            if tries:
                QTimer.singleShot(20, lambda: look(tries - 1))
            return
        try:
            seen["title"] = palette.windowTitle()
            seen["rect"] = palette.frameGeometry()
            seen["highlighted"] = palette.list_view.currentIndex().isValid()
            seen["scrolled"] = palette.list_view.verticalScrollBar().value()
            seen["rows"] = palette.model.rowCount()
            qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
            seen["open after Enter"] = palette.isVisible()
            seen["message"] = palette.message.text()
        finally:
            if palette.isVisible():
                palette.reject()

    QTimer.singleShot(0, look)
    open_it()
    assert seen, "the palette did not open"
    return seen


def assert_opened_well_and_enter_did_nothing(window, seen: dict, title: str) -> None:
    assert seen["title"] == title
    assert seen["rows"] > 10  # the whole framework is offered...
    assert not seen["highlighted"] and seen["scrolled"] == 0  # ...from the top, none chosen
    assert seen["open after Enter"] and seen["message"] == NOTHING_CHOSEN
    rect: QRect = seen["rect"]
    assert window.frameGeometry().contains(rect)
    assert window.screen().availableGeometry().contains(rect)
    assert abs(rect.center().x() - window.geometry().center().x()) <= 1
    assert rect.top() - window.geometry().top() < window.height() // 4  # near the top


def test_ctrl_k_on_a_selection(study, qtbot):
    before = codings(study)
    put_cursor(study, "Strong leadership, honestly", select=True)
    seen = enter_in_palette(qtbot, lambda: qtbot.keyClick(study.transcript.text, Qt.Key.Key_K, CTRL))
    assert_opened_well_and_enter_did_nothing(study, seen, "Code to…")
    assert codings(study) == before


@pytest.mark.parametrize("key", [Qt.Key.Key_S, Qt.Key.Key_P, Qt.Key.Key_T], ids=["sentence", "paragraph", "turn"])
def test_ctrl_alt_code_the_unit_at_the_cursor(study, qtbot, key):
    before = codings(study)
    put_cursor(study, "Strong leadership, honestly")
    seen = enter_in_palette(qtbot, lambda: qtbot.keyClick(study.transcript.text, key, CTRL | ALT))
    assert_opened_well_and_enter_did_nothing(study, seen, "Code to…")
    assert codings(study) == before


def test_code_selection_from_the_context_menu(study, qtbot):
    before = codings(study)
    put_cursor(study, "Strong leadership, honestly", select=True)
    menus = []
    study.transcript.exec_menu = lambda menu, where: menus.append(menu)  # shown, not run modally
    qtbot.keyClick(study.transcript.text, Qt.Key.Key_F10, SHIFT)
    action = next(a for a in menus[0].actions() if a.objectName() == "code_selection")
    seen = enter_in_palette(qtbot, action.trigger)
    assert_opened_well_and_enter_did_nothing(study, seen, "Code to…")
    assert codings(study) == before


def test_recode_with_ctrl_shift_r(study, qtbot):
    code(study.workspace, "partner-interview", "Strong leadership, honestly", "Facilitators")
    qtbot.waitUntil(lambda: bool(study.transcript.transcript.codings))
    before = codings(study)
    put_cursor(study, "Strong leadership, honestly")
    seen = enter_in_palette(qtbot, lambda: qtbot.keyClick(study.transcript.text, Qt.Key.Key_R, CTRL | SHIFT))
    assert_opened_well_and_enter_did_nothing(study, seen, "Recode to…")
    assert codings(study) == before  # still coded to Facilitators


def test_code_all_search_results(study, qtbot):
    before = codings(study)
    study.find_action.trigger()
    qtbot.keyClicks(study.search.query, "police")
    qtbot.keyClick(study.search.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: study.search.model.total > 0)
    confirmed = []
    study.search.confirm_code_all = lambda *args: confirmed.append(args) or True
    seen = enter_in_palette(qtbot, lambda: qtbot.mouseClick(study.search.code_all_button, Qt.MouseButton.LeftButton))
    assert_opened_well_and_enter_did_nothing(study, seen, "Code all results to…")
    assert confirmed == [] and codings(study) == before
