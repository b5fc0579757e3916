"""The Sources pane on the fixture project: the tree, word counts and coded share (live
after coding), filtering, activation, refreshes that keep the view, and deleting; the
background read that fills in coded shares, and that an overtaken read is dropped."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from sqlalchemy import func, select

from app.commands.attributes import EditFieldCommand
from app.commands.coding import code_passage
from app.qtmodels.sources_model import CODED, ID_ROLE, NAME, PENDING, WORDS, SourcesModel
from app.widgets import sources_pane
from app.widgets.sources_pane import SourcesPane
from app.workers import running_jobs
from app.workspace import Change
from framework.source_stats import SourceStats, source_outline
from framework.sources import SourceRow, list_sources
from models import Coding, Participant, Source, Turn
from tests.app.helpers import theme_id

# Words per line of the fixture transcripts (labels included), counted by hand:
# partner-interview: 10 + 31 + 6 + 22 + 4 + 26; resident-group: 11 + 18 + 21 + 17 + 11 + 23.
PARTNER_WORDS = 99
RESIDENT_WORDS = 101

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def pane(open_pane):
    return open_pane(SourcesPane(), 420, 320, wait_loaded=True)


def _sources(workspace) -> dict[str, tuple[int, str]]:
    with workspace.read() as session:
        return {s.name: (s.id, s.text) for s in session.scalars(select(Source))}


def _tree(pane: SourcesPane, parent: QModelIndex = QModelIndex()) -> list:
    """What the view shows: (name, words, coded, children) for every visible row."""
    model = pane.proxy
    rows = []
    for row in range(model.rowCount(parent)):
        cells = [model.index(row, column, parent).data() for column in (NAME, WORDS, CODED)]
        children = _tree(pane, model.index(row, NAME, parent))
        rows.append((*cells, children) if children else tuple(cells))
    return rows


def _proxy_index(pane: SourcesPane, source_id: int) -> QModelIndex:
    return pane.proxy.mapFromSource(pane.model.source_index(source_id))


def test_the_tree_shows_sites_methods_and_sources_with_exact_counts(pane, workspace, qtmodeltester):
    qtmodeltester.check(pane.model)
    qtmodeltester.check(pane.proxy)
    assert _tree(pane) == [
        ("Northfield", "200", "0.0 %", [
            ("Interview", "99", "0.0 %", [("partner-interview", "99", "0.0 %")]),
            ("Focus group", "101", "0.0 %", [("resident-group", "101", "0.0 %")]),
        ]),
    ]
    partner_id, _text = _sources(workspace)["partner-interview"]
    tip = _proxy_index(pane, partner_id).data(Qt.ItemDataRole.ToolTipRole)
    assert "6 turns" in tip and "speakers: Interviewer, Janet Morris" in tip
    assert "Interview · Northfield" in tip
    assert pane.tree.isExpanded(pane.proxy.index(0, 0))
    assert not pane.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole).isNull()


def test_coded_share_follows_coding_live(pane, workspace, qtmodeltester):
    sources = _sources(workspace)
    partner_id, text = sources["partner-interview"]
    facilitators, barriers = theme_id(workspace, "Facilitators"), theme_id(workspace, "Barriers")
    start = text.index("Strong leadership, honestly.")  # 3 words
    assert workspace.run(code_passage(workspace, partner_id, facilitators, start, start + 28, "Facilitators"))
    index = _proxy_index(pane, partner_id)
    assert index.siblingAtColumn(CODED).data() == "3.0 %"  # 3 / 99
    assert pane.proxy.index(0, CODED).data() == "1.5 %"  # 3 / 200 at Northfield
    # "The cuts. We lost two PCSOs last year" (8) overlaps "two PCSOs last year and the
    # youth service" (8) in 4 words: 12 words, once each, by another theme.
    first = text.index("The cuts.")
    second = text.index("two PCSOs")
    assert workspace.run(code_passage(workspace, partner_id, barriers, first, text.index(" and the youth"), "Barriers"))
    assert workspace.run(code_passage(workspace, partner_id, facilitators, second,
                                      text.index(" went completely"), "Facilitators"))
    assert index.siblingAtColumn(CODED).data() == "15.2 %"  # 15 / 99
    assert pane.proxy.index(0, CODED).data() == "7.5 %"  # 15 / 200
    assert pane.model.stats[partner_id] == SourceStats(PARTNER_WORDS, 15, 15 / PARTNER_WORDS, 3)
    qtmodeltester.check(pane.proxy)
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert index.siblingAtColumn(CODED).data() == "3.0 %"
    pane.grab()  # the bar delegate paints


def test_filter_keeps_matching_sources_with_their_site_and_method(pane, qtbot):
    pane.filter_box.setText("DEREK")  # a speaker of the focus group
    assert _tree(pane) == [("Northfield", "200", "0.0 %", [
        ("Focus group", "101", "0.0 %", [("resident-group", "101", "0.0 %")])])]
    pane.filter_box.setText("partner-")
    assert _tree(pane) == [("Northfield", "200", "0.0 %", [
        ("Interview", "99", "0.0 %", [("partner-interview", "99", "0.0 %")])])]
    pane.filter_box.setText("northfield")  # a site name alone matches no source
    assert _tree(pane) == []
    pane.filter_box.clear()
    assert len(_tree(pane)[0][3]) == 2
    assert pane.tree.isExpanded(pane.proxy.index(0, 0))


def test_enter_and_double_click_open_a_source(pane, workspace, qtbot):
    partner_id, _text = _sources(workspace)["partner-interview"]
    assert pane.select_source(partner_id) and pane.selected_source_id() == partner_id
    pane.tree.setFocus()
    with qtbot.waitSignal(pane.source_activated) as opened:
        qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    assert opened.args == [partner_id]
    resident_id, _text = _sources(workspace)["resident-group"]
    rect = pane.tree.visualRect(_proxy_index(pane, resident_id))
    with qtbot.waitSignal(pane.source_activated) as opened:
        qtbot.mouseClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(pane.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [resident_id]
    with qtbot.waitSignal(pane.attributes_requested) as asked:
        pane.attributes_action.trigger()
    assert asked.args == [resident_id]


def test_a_change_of_method_or_site_regroups_and_keeps_the_view(pane, workspace):
    sources = _sources(workspace)
    partner_id, resident_id = sources["partner-interview"][0], sources["resident-group"][0]
    pane.select_source(partner_id)
    pane.tree.collapse(_proxy_index(pane, partner_id).parent())
    assert workspace.run(EditFieldCommand(workspace, "source", resident_id, "method", "interview", "resident-group"))
    assert _tree(pane) == [("Northfield", "200", "0.0 %", [
        ("Interview", "200", "0.0 %", [("partner-interview", "99", "0.0 %"), ("resident-group", "101", "0.0 %")])])]
    assert pane.selected_source_id() == partner_id
    assert not pane.tree.isExpanded(_proxy_index(pane, partner_id).parent())  # still as the user left it
    assert workspace.run(EditFieldCommand(workspace, "source", resident_id, "site", None, "resident-group"))
    assert [row[0] for row in _tree(pane)] == ["Northfield", "(no site)"]
    assert pane.tree.isExpanded(_proxy_index(pane, resident_id).parent())  # a moved source is shown
    assert pane.selected_source_id() == partner_id
    assert workspace.run(EditFieldCommand(workspace, "source", partner_id, "name", "Janet (partner)", "p"))
    assert _proxy_index(pane, partner_id).data() == "Janet (partner)"
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert [row[0] for row in _tree(pane)] == ["Northfield"]
    assert pane.selected_source_id() == partner_id


def test_delete_source_after_confirmation_removes_its_codings(pane, workspace, monkeypatch):
    sources = _sources(workspace)
    partner_id, text = sources["partner-interview"]
    resident_id, resident_text = sources["resident-group"]
    facilitators, barriers = theme_id(workspace, "Facilitators"), theme_id(workspace, "Barriers")
    start = text.index("Strong leadership")
    assert workspace.run(code_passage(workspace, partner_id, facilitators, start, start + 17, "Facilitators"))
    assert workspace.run(code_passage(workspace, partner_id, barriers, start, start + 17, "Barriers"))
    other = resident_text.index("no question")
    assert workspace.run(code_passage(workspace, resident_id, barriers, other, other + 11, "Barriers"))
    asked: list[str] = []
    answers = iter([False, True])
    monkeypatch.setattr(sources_pane, "confirm", lambda parent, title, message, action: asked.append(message)
                        or next(answers))
    pane.select_source(partner_id)
    assert not pane.delete_current()  # cancelled: nothing changes
    with workspace.read() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 3
    assert pane.delete_current()
    assert asked == ["Delete 'partner-interview'? Its 2 codings go too. This cannot be undone, "
                     "and the undo history is cleared."] * 2
    with workspace.read() as session:
        assert session.get(Source, partner_id) is None
        assert [c.source_id for c in session.scalars(select(Coding))] == [resident_id]
        assert session.scalar(select(func.count()).where(Turn.source_id == partner_id)) == 0
        assert set(session.scalars(select(Participant.name))) == {"Moderator", "Ann Clarke", "Derek Hill"}
    assert workspace.undo_stack.count() == 0
    assert _tree(pane) == [("Northfield", "101", "2.0 %", [
        ("Focus group", "101", "2.0 %", [("resident-group", "101", "2.0 %")])])]  # "no question": 2 words


def test_the_model_alone_passes_the_model_tester(qtmodeltester, qapp):
    model = SourcesModel()
    rows = [SourceRow(1, "a", "Site A", "interview", 10, 2, ["Sam"]),
            SourceRow(2, "b", None, "observation", 5, 0, []),
            SourceRow(3, "c", "Site A", "focus-group", 20, 4, ["Ann", "Bob"])]
    assert model.load(rows, {1: SourceStats(10, 5, 0.5, 1)})
    qtmodeltester.check(model)
    assert not model.load(rows, {})  # the same tree: values only
    model.update_stats({3: SourceStats(20, 20, 1.0, 2)})
    assert model.index(0, CODED).data() == "66.7 %"  # 20 of 30 words at Site A
    assert model.index(1, NAME).data() == "(no site)"
    assert model.source_index(2).data(ID_ROLE) == 2
    qtmodeltester.check(model)


def test_renaming_a_speaker_updates_the_tooltip_only_where_they_speak(pane, workspace):
    sources = _sources(workspace)
    partner_id, resident_id = sources["partner-interview"][0], sources["resident-group"][0]
    janet = _participant_id(workspace, "Janet Morris")
    resident_row = next(row for row in pane.model.rows() if row.id == resident_id)
    assert workspace.run(EditFieldCommand(workspace, "participant", janet, "name", "Janet Morrison", "Janet Morris"))
    tip = _proxy_index(pane, partner_id).data(Qt.ItemDataRole.ToolTipRole)
    assert "speakers: Interviewer, Janet Morrison" in tip
    assert next(row for row in pane.model.rows() if row.id == resident_id) is resident_row  # not fetched again
    workspace.undo_stack.undo()
    assert "speakers: Interviewer, Janet Morris<" in _proxy_index(pane, partner_id).data(Qt.ItemDataRole.ToolTipRole)


def _participant_id(workspace, name: str) -> int:
    with workspace.read() as session:
        return session.scalar(select(Participant.id).where(Participant.name == name))


def test_sources_show_at_once_and_their_counts_when_read(qtbot, workspace):
    widget = SourcesPane()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded):
        widget.set_workspace(workspace)
        assert widget.is_loading()
        assert _tree(widget) == [("Northfield", PENDING, PENDING, [
            ("Interview", PENDING, PENDING, [("partner-interview", PENDING, PENDING)]),
            ("Focus group", PENDING, PENDING, [("resident-group", PENDING, PENDING)])])]
        assert widget.tree.isExpanded(widget.proxy.index(0, 0))
    assert not widget.is_loading()
    assert _tree(widget)[0][:3] == ("Northfield", "200", "0.0 %")
    partner_id, _text = _sources(workspace)["partner-interview"]
    assert "speakers: Interviewer, Janet Morris" in _proxy_index(widget, partner_id).data(Qt.ItemDataRole.ToolTipRole)
    with workspace.read() as session:
        assert [replace(row, words=0, turns=0, speakers=[]) for row in list_sources(session)] == \
            source_outline(session)


def test_an_overtaken_read_is_not_applied(qtbot, workspace, monkeypatch):
    """The read started on opening is held back until a newer one (asked for by a change
    naming no source) has been shown; its stale result then arrives and is dropped."""
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(2, threads))  # the held-back read must not block the newer one
    release, started = threading.Event(), threading.Event()
    real_stats = sources_pane.source_stats
    calls = []

    def held_back(session, source_ids=None):
        calls.append(source_ids)
        if len(calls) == 1:  # the first read: stale numbers, once released
            started.set()
            release.wait(10)
            return {source_id: SourceStats(1, 1, 1.0, 9) for source_id in real_stats(session)}
        return real_stats(session, source_ids)

    monkeypatch.setattr(sources_pane, "source_stats", held_back)
    widget = SourcesPane()
    qtbot.addWidget(widget)
    loads = []
    widget.loaded.connect(lambda: loads.append(dict(widget.model.stats)))
    try:
        widget.set_workspace(workspace)
        qtbot.waitUntil(started.is_set)
        with qtbot.waitSignal(widget.loaded):
            workspace.announce(Change(frozenset({"codings"})))  # recount everything
    finally:
        release.set()
        qtbot.waitUntil(lambda: not running_jobs())
        pool.setMaxThreadCount(threads)
    qtbot.wait(20)  # the stale result is delivered, and dropped
    assert len(loads) == 1
    assert all(stats.codings == 0 for stats in widget.model.stats.values())
    assert _tree(widget)[0][:3] == ("Northfield", "200", "0.0 %")


def test_a_burst_of_changes_is_read_once(qtbot, pane, workspace, monkeypatch):
    calls = []
    real_stats = sources_pane.source_stats
    monkeypatch.setattr(sources_pane, "source_stats",
                        lambda session, source_ids=None: calls.append(source_ids) or real_stats(session, source_ids))
    with qtbot.waitSignal(pane.loaded):
        for _ in range(5):
            workspace.announce(Change(frozenset({"codings"})))
    assert calls == [None]


def test_a_read_that_fails_says_so_and_stops_waiting(qtbot, workspace, monkeypatch):
    def broken(session):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(sources_pane, "list_sources", broken)
    widget = SourcesPane()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(workspace.failed) as failed, qtbot.waitSignal(widget.loaded):
        widget.set_workspace(workspace)
    assert failed.args == ["Read the sources", "the disk went away"]
    assert not widget.is_loading()
    assert [row[0] for row in _tree(widget)] == ["Northfield"]  # what was read at once stays


def test_many_new_sources_are_listed_in_the_background(qtbot, pane, workspace, tmp_path):
    """After an import of many files the pane relists off the GUI thread, then shows them."""
    from importers.service import ImportOptions, import_files

    files = []
    for number in range(5):
        path = tmp_path / f"extra-{number}.txt"
        path.write_text(f"Interviewer: Hello {number}?\nAnn Clarke: Hello there, number {number}.\n", encoding="utf-8")
        files.append(path)
    report = import_files(workspace.project, files, ImportOptions(site="Northfield", method="interview"))
    new_ids = frozenset(r.source_id for r in report.results)
    assert len(new_ids) == 5
    with qtbot.waitSignal(pane.loaded, timeout=10_000):
        workspace.announce(Change(frozenset({"sources", "attributes"}), new_ids))
        assert pane.is_loading()  # nothing was read on the GUI thread
    shown = {pane.model.data(pane.model.source_index(i), ID_ROLE) for i in new_ids}
    assert shown == set(new_ids)
