"""The Framework pane against a real project: every edit (inline, by menu action, by
drag and drop) lands in the database, undoes and redoes, and the tree follows, keeping
its expansion and selection; the item model passes Qt's model tester. Counts are read
in the background: a test waits for ``loaded`` before it checks them, a burst of
changes is counted once, and an overtaken count is never shown."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QModelIndex, Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from app.mime import Passage, passage_mime
from app.qtmodels import theme_tree
from app.qtmodels.theme_tree import CODINGS, COLOUR_ROLE, PIN_ROLE, SOURCES, ThemeTreeModel, theme_mime
from app.settings import Settings
from app.widgets.framework_pane import FrameworkPane
from app.widgets.theme_dialogs import DeleteThemeDialog
from app.workers import running_jobs
from app.workspace import Change
from framework.theme_stats import theme_counts
from models import Theme
from tests.app.helpers import code, codings, span, theme_id

MOVE = Qt.DropAction.MoveAction

pytestmark = pytest.mark.usefixtures("no_job_left_running")


@pytest.fixture
def pane(open_pane):
    return open_pane(FrameworkPane(), 420, 700, wait_loaded=True)


def theme_row(workspace, id_) -> tuple | None:
    with workspace.read() as session:
        theme = session.get(Theme, id_)
        return None if theme is None else (theme.name, theme.parent_id, theme.position, theme.colour)


def index_of(pane, theme, column=0) -> QModelIndex:
    """The tree view's (proxy) index of a theme."""
    return pane.proxy.mapFromSource(pane.model.theme_index(theme, column))


def top_level_names(pane) -> list[str]:
    return [pane.proxy.index(row, 0).data() for row in range(pane.proxy.rowCount())]


def test_model_passes_the_model_tester_through_changes(qtmodeltester, workspace):
    model = ThemeTreeModel()
    model.set_workspace(workspace)
    qtmodeltester.check(model)
    assert model.rowCount() == 8
    code(workspace, "partner-interview", "Strong leadership, honestly.", "Facilitators/Strong leadership and commitment")
    qtmodeltester.check(model)
    model.set_workspace(None)
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_the_proxy_passes_the_model_tester_with_a_filter(qtmodeltester, pane):
    pane.filter.setText("cuts")
    qtmodeltester.check(pane.proxy)


def test_tree_shows_the_framework_with_counts_swatches_and_definitions(pane, workspace, qtbot):
    assert top_level_names(pane)[:2] == ["Partnership arrangements", "Information sharing"]
    leadership = theme_id(workspace, "Facilitators/Strong leadership and commitment")
    facilitators = theme_id(workspace, "Facilitators")
    index = index_of(pane, leadership)
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "Facilitators/Strong leadership and commitment" in tip and "Use when:" in tip
    assert index_of(pane, leadership, CODINGS).data() == "0"
    assert pane.tree.header().isVisible()
    assert [pane.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == ["Name", "Codings", "Sources"]

    pane.select_theme(leadership)
    pane.tree.collapse(index_of(pane, theme_id(workspace, "Barriers")))
    with qtbot.waitSignal(pane.loaded):
        code(workspace, "partner-interview", "Strong leadership, honestly.",
             "Facilitators/Strong leadership and commitment")
        code(workspace, "resident-group", "they actually listen", "Facilitators")
    assert index_of(pane, leadership, CODINGS).data() == "1"
    assert index_of(pane, facilitators, CODINGS).data() == "2"  # its own and its sub-theme's
    assert index_of(pane, facilitators, SOURCES).data() == "2"
    assert "1 at this theme" in index_of(pane, facilitators, CODINGS).data(Qt.ItemDataRole.ToolTipRole)
    # counts refreshed in place: the selection and the expansion are untouched
    assert pane.current_theme_id() == leadership
    assert not pane.tree.isExpanded(index_of(pane, theme_id(workspace, "Barriers")))
    with qtbot.waitSignal(pane.loaded):
        workspace.undo_stack.undo()
    assert index_of(pane, facilitators, CODINGS).data() == "1"


def test_add_and_rename_inline_with_undo_and_redo(pane, workspace, qtbot):
    added = pane.add_theme(None)
    assert theme_row(workspace, added) == ("New theme", None, 8, "#CC6677")
    editor = pane.tree.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "New theme"
    editor.setText("Trust in police")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: theme_row(workspace, added)[0] == "Trust in police")
    assert pane.current_theme_id() == added
    assert index_of(pane, added).data() == "Trust in police"

    workspace.undo_stack.undo()
    assert theme_row(workspace, added)[0] == "New theme"
    workspace.undo_stack.undo()
    assert theme_row(workspace, added) is None and len(top_level_names(pane)) == 8
    workspace.undo_stack.redo()
    workspace.undo_stack.redo()
    assert theme_row(workspace, added) == ("Trust in police", None, 8, "#CC6677")
    assert top_level_names(pane)[-1] == "Trust in police"

    barriers = theme_id(workspace, "Barriers")
    pane.select_theme(barriers)
    pane.add_sub_action.trigger()
    sub = pane.current_theme_id()
    assert theme_row(workspace, sub) == ("New theme", barriers, 6, theme_row(workspace, barriers)[3])
    assert pane.proxy.setData(index_of(pane, sub), "Lack of trust")  # the model's own path
    assert theme_row(workspace, sub)[0] == "Lack of trust"
    # a name already taken among the siblings is refused with one sentence, nothing stored
    with qtbot.waitSignal(workspace.failed) as failed:
        assert not pane.proxy.setData(index_of(pane, sub), "Public spending cuts")
    assert failed.args[1] == "There is already a theme called 'Public spending cuts' under the same parent."


def test_recolour_and_define_through_the_dialog_hooks(pane, workspace, monkeypatch):
    barriers = theme_id(workspace, "Barriers")
    before = theme_row(workspace, barriers)
    pane.select_theme(barriers)
    monkeypatch.setattr(pane, "ask_colour", lambda theme: "#332288")
    pane.colour_action.trigger()
    assert theme_row(workspace, barriers)[3] == "#332288"
    assert index_of(pane, barriers).data(COLOUR_ROLE) == "#332288"
    workspace.undo_stack.undo()
    assert theme_row(workspace, barriers) == before

    monkeypatch.setattr(pane, "ask_definition",
                        lambda theme: {"description": "What got in the way.", "example": "We lost two PCSOs"})
    pane.define_action.trigger()
    with workspace.read() as session:
        theme = session.get(Theme, barriers)
        assert (theme.description, theme.example) == ("What got in the way.", "We lost two PCSOs")
    assert "What got in the way." in index_of(pane, barriers).data(Qt.ItemDataRole.ToolTipRole)
    workspace.undo_stack.undo()
    with workspace.read() as session:
        assert session.get(Theme, barriers).example == ""
    monkeypatch.setattr(pane, "ask_definition", lambda theme: None)  # cancelled: nothing happens
    count = workspace.undo_stack.count()
    pane.define_action.trigger()
    assert workspace.undo_stack.count() == count


def test_move_by_drop_between_rows_keeps_expansion_and_undoes(pane, workspace):
    leadership = theme_id(workspace, "Facilitators/Strong leadership and commitment")
    facilitators, barriers = theme_id(workspace, "Facilitators"), theme_id(workspace, "Barriers")
    pane.select_theme(leadership)
    pane.tree.collapse(index_of(pane, theme_id(workspace, "Problem solving")))
    data = pane.proxy.mimeData([index_of(pane, leadership)])
    barriers_index = index_of(pane, barriers)
    assert pane.proxy.canDropMimeData(data, MOVE, 0, 0, barriers_index)
    assert pane.proxy.dropMimeData(data, MOVE, 0, 0, barriers_index)
    assert theme_row(workspace, leadership)[1:3] == (barriers, 0)
    assert pane.model.children_of(barriers)[0] == leadership
    assert pane.current_theme_id() == leadership  # selection and expansion survive the rebuild
    assert pane.tree.isExpanded(index_of(pane, barriers))
    assert not pane.tree.isExpanded(index_of(pane, theme_id(workspace, "Problem solving")))

    workspace.undo_stack.undo()
    assert theme_row(workspace, leadership)[1:3] == (facilitators, 0)
    workspace.undo_stack.redo()
    assert theme_row(workspace, leadership)[1:3] == (barriers, 0)

    # reordering the top level: Barriers dropped above the first theme
    data = pane.proxy.mimeData([index_of(pane, barriers)])
    assert pane.proxy.dropMimeData(data, MOVE, 0, 0, QModelIndex())
    assert top_level_names(pane)[0] == "Barriers"
    assert theme_row(workspace, barriers)[2] == 0
    # a theme cannot go under itself, nor be dropped where it already is
    assert not pane.proxy.canDropMimeData(data, MOVE, 0, 0, index_of(pane, leadership))
    assert not pane.proxy.canDropMimeData(data, MOVE, 0, 0, QModelIndex())
    assert not pane.proxy.canDropMimeData(theme_mime([9999]), MOVE, 0, 0, QModelIndex())  # not in this project


def test_keyboard_moves(pane, workspace):
    cuts = theme_id(workspace, "Barriers/Public spending cuts")
    barriers = theme_id(workspace, "Barriers")
    pane.select_theme(cuts)
    pane.move_up_action.trigger()
    assert theme_row(workspace, cuts)[1:3] == (barriers, 0)
    assert not pane.move_up_action.isEnabled() and not pane.indent_action.isEnabled()
    pane.outdent_action.trigger()
    assert theme_row(workspace, cuts)[1:3] == (None, 6)  # just after Barriers
    pane.indent_action.trigger()
    assert theme_row(workspace, cuts)[1:3] == (barriers, 5)  # last under Barriers, the theme above
    assert pane.current_theme_id() == cuts


def test_merge_by_drop_asks_first_then_undoes_and_redoes(pane, workspace, qtbot, monkeypatch):
    with qtbot.waitSignal(pane.loaded):
        code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts")
        code(workspace, "resident-group", "the council fixed the lights", "Barriers/Public spending cuts")
        code(workspace, "partner-interview", "The cuts.", "Barriers/Sustaining dedicated posts")
    cuts, posts = theme_id(workspace, "Barriers/Public spending cuts"), theme_id(workspace, "Barriers/Sustaining dedicated posts")
    before = codings(workspace)
    asked = []
    monkeypatch.setattr(pane, "confirm_merge", lambda s, t: asked.append(pane.merge_question(s, t)) or False)
    data = pane.proxy.mimeData([index_of(pane, cuts)])
    assert pane.proxy.dropMimeData(data, MOVE, -1, -1, index_of(pane, posts))
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert asked == ["Merge “Public spending cuts” into “Sustaining dedicated posts”? 2 codings and 0 summaries move."]
    assert codings(workspace) == before  # declined: nothing changed

    monkeypatch.setattr(pane, "confirm_merge", lambda s, t: True)
    with qtbot.waitSignal(pane.loaded), qtbot.waitSignal(pane.merge_done) as done:
        assert pane.proxy.dropMimeData(data, MOVE, -1, -1, index_of(pane, posts))
    assert done.args == [cuts, posts]
    assert theme_row(workspace, cuts) is None
    assert {theme for _id, theme, _s, _e, _m in codings(workspace)} == {posts}
    assert pane.current_theme_id() == posts
    assert index_of(pane, posts, CODINGS).data() == "3"
    after = codings(workspace)

    with qtbot.waitSignal(pane.loaded):
        workspace.undo_stack.undo()
    assert codings(workspace) == before and theme_row(workspace, cuts)[0] == "Public spending cuts"
    assert index_of(pane, cuts, CODINGS).data() == "2"
    workspace.undo_stack.redo()
    assert codings(workspace) == after


def test_merge_question_mentions_sub_themes(pane, workspace):
    facilitators, barriers = theme_id(workspace, "Facilitators"), theme_id(workspace, "Barriers")
    assert pane.merge_question(facilitators, barriers) == (
        "Merge “Facilitators” into “Barriers”? 0 codings and 0 summaries move; sub-themes move under “Barriers”.")


def test_delete_offers_the_cores_choices_and_undoes(pane, workspace, monkeypatch):
    code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts")
    cuts, barriers = theme_id(workspace, "Barriers/Public spending cuts"), theme_id(workspace, "Barriers")
    before = codings(workspace)
    pane.select_theme(cuts)
    questions = []
    monkeypatch.setattr(pane, "ask_delete", lambda theme: questions.append(theme))  # cancelled
    pane.delete_action.trigger()
    assert questions == [cuts] and theme_row(workspace, cuts) is not None

    monkeypatch.setattr(pane, "ask_delete", lambda theme: "move-to-parent")
    pane.delete_action.trigger()
    assert theme_row(workspace, cuts) is None
    assert [theme for _i, theme, _s, _e, _m in codings(workspace)] == [barriers]
    assert pane.current_theme_id() == theme_id(workspace, "Barriers/Narrow community engagement")  # the next one
    workspace.undo_stack.undo()
    assert codings(workspace) == before

    pane.select_theme(barriers)
    monkeypatch.setattr(pane, "ask_delete", lambda theme: "delete")
    pane.delete_action.trigger()
    assert theme_row(workspace, barriers) is None and codings(workspace) == []
    assert len(top_level_names(pane)) == 7
    workspace.undo_stack.undo()
    assert codings(workspace) == before and theme_row(workspace, cuts) is not None
    assert pane.tree.isExpanded(index_of(pane, barriers))


def test_delete_dialog_states_counts_and_defaults_to_cancel(qtbot):
    dialog = DeleteThemeDialog("Barriers", None, 12, 1, 6)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Delete the theme “Barriers” and its 6 sub-themes?" in labels
    assert "They have 12 coded passages and 1 charted summary." in labels
    assert not dialog.move_choice.isEnabled() and dialog.delete_choice.isChecked()
    assert dialog.choice() == "delete"
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isDefault() and not dialog.delete_button.isDefault()

    moving = DeleteThemeDialog("Public spending cuts", "Barriers", 2, 0, 0)
    qtbot.addWidget(moving)
    assert moving.move_choice.isChecked() and moving.choice() == "move-to-parent"
    unused = DeleteThemeDialog("Public spending cuts", "Barriers", 0, 0, 0)
    qtbot.addWidget(unused)
    assert unused.move_choice is None and unused.choice() == "refuse"


def test_a_passage_dropped_on_a_theme_codes_it(pane, workspace, qtbot):
    barriers = theme_id(workspace, "Barriers")
    source_id, start, end = span(workspace, "partner-interview", "The cuts.")
    data = passage_mime(Passage(source_id, start, end), "The cuts.")
    assert not pane.proxy.canDropMimeData(data, Qt.DropAction.CopyAction, 0, 0, index_of(pane, barriers))
    assert not pane.proxy.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, QModelIndex())
    assert pane.proxy.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index_of(pane, barriers))
    with qtbot.waitSignal(pane.loaded):
        assert pane.proxy.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, index_of(pane, barriers))
    assert [(t, s, e) for _i, t, s, e, _m in codings(workspace)] == [(barriers, start, end)]
    assert index_of(pane, barriers, CODINGS).data() == "1"
    workspace.undo_stack.undo()
    assert codings(workspace) == []


def test_filter_keeps_ancestors_and_enter_goes_to_the_match(pane, workspace, qtbot):
    pane.filter.setText("CUTS")
    assert top_level_names(pane) == ["Barriers"]
    barriers = index_of(pane, theme_id(workspace, "Barriers"))
    assert [pane.proxy.index(r, 0, barriers).data() for r in range(pane.proxy.rowCount(barriers))] == [
        "Public spending cuts"]
    qtbot.keyClick(pane.filter, Qt.Key.Key_Return)
    assert pane.current_theme_id() == theme_id(workspace, "Barriers/Public spending cuts")
    pane.filter.clear()
    assert len(top_level_names(pane)) == 8
    assert pane.current_theme_id() == theme_id(workspace, "Barriers/Public spending cuts")
    # selecting a theme the filter hides clears the filter
    pane.filter.setText("cuts")
    assert pane.select_theme(theme_id(workspace, "Facilitators"))
    assert pane.filter.text() == ""


def test_pins_are_stored_by_guid_and_shown(pane, workspace, qtbot):
    barriers, facilitators = theme_id(workspace, "Barriers"), theme_id(workspace, "Facilitators")
    assert pane.pinned_theme_ids() == [None] * 9
    pane.select_theme(barriers)
    with qtbot.waitSignal(pane.pins_changed):
        pane.pin_actions[2].trigger()
    assert pane.pinned_theme_ids()[2] == barriers
    with workspace.read() as session:
        guid = session.get(Theme, barriers).guid
    assert Settings().pinned_themes(workspace.project_guid)[2] == guid
    assert index_of(pane, barriers).data(PIN_ROLE) == 3
    assert "quick-code key 3" in index_of(pane, barriers).data(Qt.ItemDataRole.ToolTipRole)
    assert not pane.tree.viewport().grab().isNull()  # the badge is painted without error
    pane.pin_menu.aboutToShow.emit()
    assert pane.pin_actions[2].text() == "Key &3   (Barriers)" and pane.pin_actions[2].isChecked()

    pane.select_theme(facilitators)
    pane.pin_current(3)  # the key moves to Facilitators; Barriers loses it
    assert pane.pinned_theme_ids()[2] == facilitators and index_of(pane, barriers).data(PIN_ROLE) is None
    pane.pin_current(None)
    assert pane.pinned_theme_ids() == [None] * 9


def test_selection_and_activation_signals(pane, workspace, qtbot):
    barriers = theme_id(workspace, "Barriers")
    with qtbot.waitSignal(pane.theme_selected) as selected:
        pane.select_theme(barriers)
    assert selected.args == [barriers] and pane.current_theme_id() == barriers
    with qtbot.waitSignal(pane.theme_activated) as activated:
        pane.tree.doubleClicked.emit(index_of(pane, barriers))
    assert activated.args == [barriers]
    pane.tree.setFocus()
    pane.activateWindow()
    qtbot.waitUntil(pane.tree.hasFocus)
    with qtbot.waitSignal(pane.theme_activated) as activated:
        qtbot.keyClick(pane.tree, Qt.Key.Key_Return)
    assert activated.args == [barriers]


def test_without_a_project_nothing_is_offered(qtbot):
    pane = FrameworkPane()
    qtbot.addWidget(pane)
    assert not pane.add_action.isEnabled() and not pane.delete_action.isEnabled()
    assert pane.current_theme_id() is None and pane.pinned_theme_ids() == [None] * 9
    assert pane.tree.model().rowCount() == 0


def _counts_shown(pane) -> dict[int, tuple[str, str]]:
    return {theme: (index_of(pane, theme, CODINGS).data(), index_of(pane, theme, SOURCES).data())
            for theme in pane.model.theme_ids()}


def _counts_in_database(workspace) -> dict[int, tuple[str, str]]:
    with workspace.read() as session:
        return {theme: (str(c.total_codings), str(c.total_sources)) for theme, c in theme_counts(session).items()}


def test_the_tree_shows_at_once_and_its_counts_when_counted(qtbot, workspace):
    code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts")
    pane = FrameworkPane()
    qtbot.addWidget(pane)
    with qtbot.waitSignal(pane.loaded):
        pane.set_workspace(workspace)
        assert pane.is_loading() and len(top_level_names(pane)) == 8
        barriers = theme_id(workspace, "Barriers")
        assert index_of(pane, barriers, CODINGS).data() == ""  # not counted yet
        assert index_of(pane, barriers, CODINGS).data(Qt.ItemDataRole.ToolTipRole) == "Counting…"
    assert not pane.is_loading()
    assert index_of(pane, barriers, CODINGS).data() == "1"
    assert _counts_shown(pane) == _counts_in_database(workspace)


def test_a_burst_of_changes_is_counted_once_and_a_source_at_a_time(pane, workspace, qtbot, monkeypatch):
    reads = []
    real = theme_tree.codings_by_source
    monkeypatch.setattr(theme_tree, "codings_by_source",
                        lambda session, source_ids=None: reads.append(source_ids) or real(session, source_ids))
    partner, _start, _end = span(workspace, "partner-interview", "The cuts.")
    resident, _start, _end = span(workspace, "resident-group", "the council fixed the lights")
    with qtbot.waitSignal(pane.loaded):
        code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts")
        code(workspace, "resident-group", "the council fixed the lights", "Barriers/Public spending cuts")
        code(workspace, "partner-interview", "The cuts.", "Facilitators")
    assert reads == [frozenset({partner, resident})]  # one read, of the sources changed only
    assert _counts_shown(pane) == _counts_in_database(workspace)
    reads.clear()
    cuts = theme_id(workspace, "Barriers/Public spending cuts")
    pane.select_theme(cuts)
    with qtbot.waitSignal(pane.loaded):
        pane.outdent_action.trigger()  # a move changes totals only: added up again, nothing read
    assert reads == [frozenset()]
    assert _counts_shown(pane) == _counts_in_database(workspace)
    with qtbot.waitSignal(pane.loaded):
        workspace.announce(Change(frozenset({"codings"})))  # names no source: everything again
    assert reads[-1] is None
    assert _counts_shown(pane) == _counts_in_database(workspace)


def test_an_overtaken_count_is_not_shown(pane, workspace, qtbot, monkeypatch):
    """A count is held back until the count of a later change has been shown; its stale
    result then arrives and is dropped."""
    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(max(2, threads))  # the held-back count must not block the newer one
    release, started = threading.Event(), threading.Event()
    real = theme_tree.counts_from

    def held_back(parents, by_source, summaries):
        counts = real(parents, by_source, summaries)
        if not started.is_set():
            started.set()
            release.wait(10)
        return counts

    monkeypatch.setattr(theme_tree, "counts_from", held_back)
    shown = []
    pane.loaded.connect(lambda: shown.append(_counts_shown(pane)))
    barriers = theme_id(workspace, "Barriers")
    try:
        code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts")
        qtbot.waitUntil(started.is_set)  # counting one coding, held back
        with qtbot.waitSignal(pane.loaded):
            code(workspace, "resident-group", "the council fixed the lights", "Barriers")
    finally:
        release.set()
        qtbot.waitUntil(lambda: not running_jobs())
        pool.setMaxThreadCount(threads)
    qtbot.wait(20)  # the stale count is delivered, and dropped
    assert len(shown) == 1 and shown[0][barriers] == ("2", "2")
    assert _counts_shown(pane) == _counts_in_database(workspace)


def test_a_count_that_fails_says_so_and_stops_waiting(pane, workspace, qtbot, monkeypatch):
    def broken(session, source_ids=None):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(theme_tree, "codings_by_source", broken)
    with qtbot.waitSignal(workspace.failed) as failed, qtbot.waitSignal(pane.loaded):
        code(workspace, "partner-interview", "The cuts.", "Barriers")
    assert failed.args == ["Count the codings", "the disk went away"]
    assert not pane.is_loading()
