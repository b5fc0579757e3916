"""The Extracts pane against a real project: exactly the coded passages, who said them,
filters, activation, drag data, and undoable memo and removal edits; lists read in the
background, a burst of requests read once, and an overtaken read never shown.

The pane reads in the background, so every action that re-reads the list is wrapped
in ``qtbot.waitSignal(pane.loaded)`` before what it shows is checked."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication

from app.mime import Passage, passage_from_mime
from app.qtmodels.extracts_model import EXTRACT_ROLE, ExtractsModel
from app.workers import Job, running_jobs
from app.workspace import Change
from app.widgets import extracts_pane
from app.widgets.extracts_pane import LOADING, ExtractsPane
from framework.coders import ensure_coder
from tests.app.helpers import code, codings, theme_id

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def pane(open_pane):
    return open_pane(ExtractsPane(), 700, 500)


@pytest.fixture
def coded(workspace):
    """Passages at Facilitators, its sub-theme, and Barriers, in both transcripts."""
    return {
        "question+leadership": code(workspace, "partner-interview",
                                    "And what made it work?\nJanet Morris: Strong leadership",
                                    "Facilitators/Strong leadership and commitment"),
        "ward panel": code(workspace, "partner-interview", "it started with the ward panel really", "Facilitators"),
        "listen": code(workspace, "resident-group", "they actually listen", "Facilitators"),
        "cuts": code(workspace, "partner-interview", "The cuts.", "Barriers"),
        "derek": code(workspace, "resident-group", "It's moved round the corner, that's all.", "Barriers"),
    }


def rows(pane):
    return [pane.model.index(row).data(EXTRACT_ROLE) for row in range(pane.model.rowCount())]


@pytest.fixture
def show(pane, qtbot, workspace):
    """Show the passages of some themes (by path) and wait until they are read."""
    def show_paths(*paths, title=None):
        with qtbot.waitSignal(pane.loaded):
            pane.show_themes([theme_id(workspace, path) for path in paths], title or paths[0])
    return show_paths


def test_lists_exactly_the_coded_passages_with_who_said_them(pane, workspace, coded, show, qtbot):
    show("Facilitators")
    shown = rows(pane)
    assert [e.coding_id for e in shown] == [coded["ward panel"][0], coded["question+leadership"][0],
                                            coded["listen"][0]]
    assert [(e.source, e.speakers, e.participant_types, e.site) for e in shown] == [
        ("partner-interview", ("Janet Morris",), ("partner",), "Northfield"),
        ("partner-interview", ("Janet Morris",), ("partner",), "Northfield"),  # interviewer left out
        ("resident-group", ("Ann Clarke",), ("resident",), "Northfield"),
    ]
    assert shown[1].text == "And what made it work?\nJanet Morris: Strong leadership"
    assert shown[1].theme_path == "Facilitators/Strong leadership and commitment"
    assert [(e.start, e.end) for e in shown] == [coded[k][2:] for k in ("ward panel", "question+leadership",
                                                                        "listen")]
    assert pane.count.text() == "3 passages in 2 sources"
    assert pane.title.text() == "Facilitators"


def test_sub_themes_can_be_left_out(pane, workspace, coded, show, qtbot):
    show("Facilitators")
    with qtbot.waitSignal(pane.loaded):
        pane.subthemes.setChecked(False)
    assert [e.coding_id for e in rows(pane)] == [coded["ward panel"][0], coded["listen"][0]]
    assert pane.count.text() == "2 passages in 2 sources"


def test_filters_narrow_the_rows(pane, workspace, coded, show, qtbot):
    show("Facilitators", "Barriers", title="Two themes")
    assert len(rows(pane)) == 5
    assert [pane.type_filter.itemText(i) for i in range(pane.type_filter.count())] == ["All", "partner", "resident"]
    assert [pane.site_filter.itemText(i) for i in range(pane.site_filter.count())] == ["All", "Northfield"]
    with qtbot.waitSignal(pane.loaded):
        pane.type_filter.setCurrentIndex(pane.type_filter.findText("resident"))
        assert pane.count.text() == LOADING
    assert [e.coding_id for e in rows(pane)] == [coded["derek"][0], coded["listen"][0]]
    assert pane.count.text() == "2 passages in 1 source"
    with qtbot.waitSignal(pane.loaded):
        pane.site_filter.setCurrentIndex(pane.site_filter.findText("Northfield"))
    assert len(rows(pane)) == 2
    with qtbot.waitSignal(pane.loaded):
        pane.type_filter.setCurrentIndex(0)
    with workspace.write("add a coder") as session:
        ensure_coder(session, "Other Coder")
    with qtbot.waitSignal(pane.loaded):
        workspace.announce(Change(frozenset({"sources"})))  # as an import by the other coder would
    with qtbot.waitSignal(pane.loaded):
        pane.coder_filter.setCurrentIndex(pane.coder_filter.findText("Other Coder"))
    assert rows(pane) == []
    assert pane.count.text() == "No passages match these filters."
    with qtbot.waitSignal(pane.loaded):
        pane.coder_filter.setCurrentIndex(pane.coder_filter.findText("Test Coder"))
    assert len(rows(pane)) == 5


def test_double_click_and_enter_emit_the_passage(pane, workspace, coded, qtbot, show):
    show("Barriers")
    index = pane.model.index(1)
    rect = pane.view.visualRect(index)
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(pane.passage_activated) as signal:
        qtbot.mouseDClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == list(coded["derek"][1:])
    pane.view.setCurrentIndex(pane.model.index(0))
    pane.view.setFocus()
    with qtbot.waitSignal(pane.passage_activated) as signal:
        qtbot.keyClick(pane.view, Qt.Key.Key_Return)
    assert signal.args == list(coded["cuts"][1:])


def test_a_dragged_row_carries_the_passage_and_its_quotation(pane, workspace, coded, show, qtbot):
    show("Barriers")
    data = pane.model.mimeData([pane.model.index(0)])
    _coding, source_id, start, end = coded["cuts"]
    assert passage_from_mime(data) == Passage(source_id, start, end)
    assert data.text() == "“The cuts.” (partner-interview, Janet Morris)"


def test_copy_passage_with_its_reference(pane, workspace, coded, show, qtbot):
    show("Barriers")
    pane.view.setCurrentIndex(pane.model.index(1))
    pane.copy_action.trigger()
    assert QGuiApplication.clipboard().text() == \
        "“It's moved round the corner, that's all.” (resident-group, Derek Hill)"


def test_new_codings_appear_and_the_current_row_is_kept(pane, workspace, coded, show, qtbot):
    show("Barriers")
    pane.view.setCurrentIndex(pane.model.index(1))
    assert pane.current_extract().coding_id == coded["derek"][0]
    with qtbot.waitSignal(pane.loaded):
        added = code(workspace, "partner-interview", "Information sharing was slow too", "Barriers")
        assert pane.count.text() == "2 passages in 2 sources"  # an edit keeps the list until re-read
    assert [e.coding_id for e in rows(pane)] == [coded["cuts"][0], added[0], coded["derek"][0]]
    assert pane.current_extract().coding_id == coded["derek"][0]
    assert pane.count.text() == "3 passages in 2 sources"
    with qtbot.waitSignal(pane.loaded):
        workspace.undo_stack.undo()
    assert [e.coding_id for e in rows(pane)] == [coded["cuts"][0], coded["derek"][0]]
    assert pane.current_extract().coding_id == coded["derek"][0]


def test_a_hidden_pane_catches_up_when_shown(pane, workspace, coded, show, qtbot):
    show("Barriers")
    pane.hide()
    added = code(workspace, "partner-interview", "Information sharing was slow too", "Barriers")
    assert added[0] not in [e.coding_id for e in rows(pane)]
    with qtbot.waitSignal(pane.loaded):
        pane.show()
    assert added[0] in [e.coding_id for e in rows(pane)]


def test_edit_memo_is_undoable(pane, workspace, coded, monkeypatch, show, qtbot):
    show("Barriers")
    pane.view.setCurrentIndex(pane.model.index(0))
    monkeypatch.setattr(pane, "ask_memo", lambda extract: "Cuts named first")
    with qtbot.waitSignal(pane.loaded):
        pane.memo_action.trigger()
    cuts = coded["cuts"][0]
    assert [m for i, _t, _s, _e, m in codings(workspace) if i == cuts] == ["Cuts named first"]
    assert rows(pane)[0].memo == "Cuts named first"
    with qtbot.waitSignal(pane.loaded):
        workspace.undo_stack.undo()
    assert [m for i, _t, _s, _e, m in codings(workspace) if i == cuts] == [""]
    assert rows(pane)[0].memo == ""


def test_remove_coding_asks_first_and_undo_brings_it_back(pane, workspace, coded, monkeypatch, show, qtbot):
    show("Barriers")
    pane.view.setCurrentIndex(pane.model.index(0))
    before = codings(workspace)
    monkeypatch.setattr(pane, "confirm_remove", lambda extract: False)
    pane.remove_action.trigger()
    assert codings(workspace) == before
    assert not pane.is_loading()  # declined: nothing to read again
    monkeypatch.setattr(pane, "confirm_remove", lambda extract: True)
    with qtbot.waitSignal(pane.loaded):
        pane.remove_action.trigger()
    assert coded["cuts"][0] not in [c[0] for c in codings(workspace)]
    assert [e.coding_id for e in rows(pane)] == [coded["derek"][0]]
    with qtbot.waitSignal(pane.loaded):
        workspace.undo_stack.undo()
    assert codings(workspace) == before
    assert [e.coding_id for e in rows(pane)] == [coded["cuts"][0], coded["derek"][0]]


def test_rows_arrive_in_batches_with_their_text(pane, workspace, coded, monkeypatch, show, qtbot):
    monkeypatch.setattr(ExtractsModel, "BATCH", 2)
    show("Facilitators", "Barriers", title="Two themes")
    model = pane.model
    assert model.total == 5
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5
    assert all(e.has_text and e.text for e in rows(pane))


def test_no_project_and_no_theme_are_calm(qtbot):
    widget = ExtractsPane()
    qtbot.addWidget(widget)
    widget.set_workspace(None)
    widget.show_themes([1], "Anything")
    assert widget.model.rowCount() == 0
    assert widget.count.text() == "No project is open."
    assert not widget.remove_action.isEnabled()


def test_the_model_passes_the_model_tester(pane, workspace, coded, qtmodeltester, monkeypatch, show, qtbot):
    monkeypatch.setattr(ExtractsModel, "BATCH", 2)
    show("Facilitators", "Barriers", title="Two themes")
    qtmodeltester.check(pane.model)
    pane.model.fetchMore()
    qtmodeltester.check(pane.model)


def test_keyboard_copy_memo_and_remove(pane, workspace, coded, qtbot, monkeypatch, show):
    show("Barriers")
    pane.activateWindow()
    pane.view.setFocus()
    pane.view.setCurrentIndex(pane.model.index(0))
    qtbot.waitUntil(pane.view.hasFocus)
    qtbot.keyClick(pane.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "“The cuts.” (partner-interview, Janet Morris)"
    monkeypatch.setattr(pane, "ask_memo", lambda extract: "Named first")
    with qtbot.waitSignal(pane.loaded):
        qtbot.keyClick(pane.view, Qt.Key.Key_F2)
    assert rows(pane)[0].memo == "Named first"
    monkeypatch.setattr(pane, "confirm_remove", lambda extract: True)
    with qtbot.waitSignal(pane.loaded):
        qtbot.keyClick(pane.view, Qt.Key.Key_Delete)
    assert [e.coding_id for e in rows(pane)] == [coded["derek"][0]]


def test_a_current_passage_merged_by_an_edit_stays_current(pane, workspace, coded, show, qtbot):
    show("Barriers")
    pane.view.setCurrentIndex(pane.model.index(1))
    with qtbot.waitSignal(pane.loaded):
        merged = code(workspace, "resident-group", "that's all. The kids just go to the park", "Barriers")
    assert merged[0] != coded["derek"][0]
    assert pane.current_extract().coding_id == merged[0]
    assert pane.current_extract().text == "It's moved round the corner, that's all. The kids just go to the park"


def test_another_theme_empties_the_list_until_it_is_read(pane, workspace, coded, show, qtbot):
    show("Barriers")
    assert pane.model.total == 2
    with qtbot.waitSignal(pane.loaded):
        pane.show_themes([theme_id(workspace, "Facilitators")], "Facilitators")
        assert pane.model.rowCount() == 0 and pane.is_loading()
        assert pane.count.text() == LOADING and pane.title.text() == "Facilitators"
    assert not pane.is_loading()
    assert pane.count.text() == "3 passages in 2 sources"


def test_requests_in_quick_succession_are_read_once(pane, workspace, coded, qtbot, monkeypatch):
    reads = []
    real = extracts_pane.list_extracts
    monkeypatch.setattr(extracts_pane, "list_extracts",
                        lambda session, theme_ids, **options: reads.append(list(theme_ids)) or real(
                            session, theme_ids, **options))
    barriers = theme_id(workspace, "Barriers")
    with qtbot.waitSignal(pane.loaded):
        # walking the framework with the arrow keys
        for path in ("Facilitators", "Facilitators/Strong leadership and commitment", "Barriers"):
            pane.show_themes([theme_id(workspace, path)], path)
    assert reads == [[barriers]]
    assert [e.coding_id for e in rows(pane)] == [coded["cuts"][0], coded["derek"][0]]
    reads.clear()
    with qtbot.waitSignal(pane.loaded):
        code(workspace, "partner-interview", "Information sharing was slow too", "Barriers")
        code(workspace, "resident-group", "the council fixed the lights", "Barriers")  # a redo of two, say
    assert reads == [[barriers]] and len(rows(pane)) == 4


def test_an_overtaken_read_is_never_shown(pane, workspace, coded, qtbot, monkeypatch):
    """The read of one theme is held back until the next theme's list is shown; even
    if it could not be cancelled, its result then arrives and is dropped."""
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(2, threads))  # the held-back read must not block the newer one
    monkeypatch.setattr(Job, "cancel", lambda job: None)  # only the generation check is left
    release, started = threading.Event(), threading.Event()
    real = extracts_pane.list_extracts

    def held_back(session, theme_ids, **options):
        found = real(session, theme_ids, **options)
        if not started.is_set():
            started.set()
            release.wait(10)
        return found

    monkeypatch.setattr(extracts_pane, "list_extracts", held_back)
    shown, loads = [], []
    pane.model.modelReset.connect(lambda: shown.append({e.theme_id for e in pane.model.all_extracts()}))
    pane.loaded.connect(lambda: loads.append(pane.title.text()))
    facilitators, barriers = theme_id(workspace, "Facilitators"), theme_id(workspace, "Barriers")
    try:
        pane.show_themes([facilitators], "Facilitators")
        qtbot.waitUntil(started.is_set)
        with qtbot.waitSignal(pane.loaded):
            pane.show_themes([barriers], "Barriers")
    finally:
        release.set()
        qtbot.waitUntil(lambda: not running_jobs())
        pool.setMaxThreadCount(threads)
    qtbot.wait(20)  # the stale result is delivered, and dropped
    assert loads == ["Barriers"]
    assert [e.coding_id for e in rows(pane)] == [coded["cuts"][0], coded["derek"][0]]
    assert all(themes <= {barriers} for themes in shown)  # Facilitators' passages never shown


def test_a_read_that_fails_says_so_and_stops_waiting(pane, workspace, coded, qtbot, monkeypatch):
    def broken(session, theme_ids, **options):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(extracts_pane, "list_extracts", broken)
    with qtbot.waitSignal(workspace.failed) as failed, qtbot.waitSignal(pane.loaded):
        pane.show_themes([theme_id(workspace, "Barriers")], "Barriers")
    assert failed.args == ["Read the coded passages", "the disk went away"]
    assert not pane.is_loading() and pane.count.text() == "The passages could not be read."
