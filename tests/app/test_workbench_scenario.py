"""A researcher's first session, through the real main window and its real widgets:
create a project, import three transcripts with the wizard, code by quick-code key, by
the "Code to…" palette and by dragging onto a theme, uncode part of a passage, undo and
redo, merge two themes by dragging one onto the other, and jump from an extract back to
the transcript. The database is checked after every step."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.settings import Settings
from app.widgets.code_palette import CodePalette
from models import Coding, Source, Theme
from tests.app.helpers import theme_id
from tests.app.test_import_wizard import three_transcripts

MOVE = Qt.DropAction.MoveAction


def codings(window) -> list[tuple[str, str, str]]:
    """(source, theme path, coded text) of every coding, sorted."""
    with window.workspace.read() as session:
        rows = session.execute(select(Coding, Source.name, Source.text).join(Source)).all()
        paths = {t.id: t for t in session.scalars(select(Theme))}

        def path(theme_id):
            theme = paths[theme_id]
            return path(theme.parent_id) + "/" + theme.name if theme.parent_id else theme.name

        return sorted((name, path(c.theme_id), text[c.start:c.end]) for c, name, text in rows)


def open_and_select(window, qtbot, source_name: str, phrase: str) -> tuple[int, int, int]:
    with window.workspace.read() as session:
        source = session.scalar(select(Source).where(Source.name == source_name))
        start = source.text.index(phrase)
        source_id = source.id
    window.open_source(source_id)
    window.transcript.select_span(start, start + len(phrase))
    assert window.transcript.selected_span() == (start, start + len(phrase))
    return source_id, start, start + len(phrase)


def test_a_first_coding_session(window, qtbot, tmp_path):
    # Create a project from the study's framework.
    assert window.create_location(str(tmp_path / "study.charter"), "neighbourhood-policing")
    assert window.windowTitle() == "study — Charter"
    assert window.pages.currentWidget() is window.transcript
    assert "Rosa Field" in window.coder_label.text()
    assert codings(window) == []

    # Import three files through the wizard, off the GUI thread.
    files = three_transcripts(tmp_path / "incoming")
    wizard = window.import_transcripts([])
    wizard.add_paths(files)
    wizard.details_page.site.setCurrentText("Eastbrook")
    wizard.details_page.participant_type.setCurrentText("police")
    with qtbot.waitSignal(wizard.start_preview().done, timeout=15_000):
        pass
    with qtbot.waitSignal(wizard.finished_import, timeout=30_000) as finished:
        wizard.start_import()
    assert [r.status for r in finished.args[0].results] == ["imported"] * 3
    with window.workspace.read() as session:
        assert sorted(session.scalars(select(Source.name))) == ["officer-interview", "partner-call", "pcso-group"]
    wizard.close()

    # Quick-code key: pin a theme to key 1, select, press 1.
    tasking = theme_id(window.workspace, "Information sharing/Tasking meetings")
    with window.workspace.read() as session:
        guid = session.get(Theme, tasking).guid
    Settings().set_pinned_themes(window.workspace.project_guid, [guid])
    window.framework.refresh_pins()
    assert window.framework.pinned_theme_ids()[0] == tasking
    open_and_select(window, qtbot, "officer-interview", "We finally saw the same list of problems")
    window.activateWindow()  # the wizard had the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.transcript.text.setFocus()
    qtbot.keyClick(window.transcript.text, Qt.Key.Key_1)
    assert codings(window) == [
        ("officer-interview", "Information sharing/Tasking meetings", "We finally saw the same list of problems")]

    # The palette (Ctrl+K): type to filter, Enter to choose.
    open_and_select(window, qtbot, "officer-interview", "Shift patterns")

    def type_into_palette():
        palette = QApplication.activeModalWidget()
        assert isinstance(palette, CodePalette)
        qtbot.keyClicks(palette.filter_edit, "turnover")
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_into_palette)
    window.code_to_action.trigger()
    coded = codings(window)
    assert ("officer-interview", "Barriers/Staff turnover and discontinuity", "Shift patterns") in coded
    assert len(coded) == 2

    # Drag the selection onto a theme in the Framework pane.
    source_id, start, end = open_and_select(window, qtbot, "pcso-group", "walking the estate")
    data = window.transcript.selection_mime()
    visible = theme_id(window.workspace, "Community engagement")
    target = window.framework.proxy.mapFromSource(window.framework.model.theme_index(visible, 0))
    assert window.framework.proxy.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, target)
    assert ("pcso-group", "Community engagement", "walking the estate") in codings(window)

    # Uncode part of the first passage: it is split around the gap.
    _source, start, end = open_and_select(window, qtbot, "officer-interview", "same list")
    assert window.transcript.uncode_selection(tasking)
    assert [c[2] for c in codings(window) if c[1].endswith("Tasking meetings")] == [
        " of problems", "We finally saw the "]

    # Undo the uncode and the drag; redo the drag.
    window.undo_action.trigger()
    window.undo_action.trigger()
    assert codings(window) == sorted([
        ("officer-interview", "Information sharing/Tasking meetings", "We finally saw the same list of problems"),
        ("officer-interview", "Barriers/Staff turnover and discontinuity", "Shift patterns"),
    ])
    window.redo_action.trigger()
    assert ("pcso-group", "Community engagement", "walking the estate") in codings(window)
    assert len(codings(window)) == 3

    # Merge "Tasking meetings" into "Informal exchange" by dragging it onto it.
    informal = theme_id(window.workspace, "Information sharing/Informal exchange")
    pane = window.framework
    pane.confirm_merge = lambda source, target: True
    dragged = pane.proxy.mimeData([pane.proxy.mapFromSource(pane.model.theme_index(tasking, 0))])
    with qtbot.waitSignal(pane.merge_done, timeout=5_000):
        assert pane.proxy.dropMimeData(dragged, MOVE, -1, -1,
                                       pane.proxy.mapFromSource(pane.model.theme_index(informal, 0)))
    assert ("officer-interview", "Information sharing/Informal exchange",
            "We finally saw the same list of problems") in codings(window)
    with window.workspace.read() as session:
        assert session.get(Theme, tasking) is None

    # Jump from an extract to the transcript: the passage is shown, selected.
    window.open_source(source_id)  # somewhere else first
    pane.select_theme(informal)
    extracts = window.extracts
    window.docks["extracts"].raise_()
    qtbot.waitUntil(lambda: extracts.view.model().rowCount() == 1, timeout=10_000)
    first = extracts.view.model().index(0, 0)
    qtbot.waitUntil(lambda: extracts.view.isVisible() and extracts.view.visualRect(first).isValid())
    centre = extracts.view.visualRect(first).center()
    qtbot.mouseClick(extracts.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    with qtbot.waitSignal(extracts.passage_activated) as jumped:
        qtbot.mouseDClick(extracts.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    officer_id, low, high = jumped.args
    with window.workspace.read() as session:
        text = session.get(Source, officer_id).text
    assert window.transcript.current_source_id == officer_id
    assert text[slice(*window.transcript.selected_span())] == "We finally saw the same list of problems"
    assert (low, high) == window.transcript.selected_span()
