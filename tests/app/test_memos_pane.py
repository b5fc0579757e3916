"""The Memos pane against a real project: the memos listed, edited in place and in the
dialog as undoable commands, narrowed to one transcript, and jumping to the passage."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit
from sqlalchemy import select

from app.qtmodels.extracts_model import EXTRACT_ROLE, MemosModel
from app.widgets.memos_pane import MemosPane
from models import Coding
from tests.app.helpers import code


def memo_of(workspace, coding_id):
    with workspace.read() as session:
        return session.scalar(select(Coding.memo).where(Coding.id == coding_id))


@pytest.fixture
def pane(open_pane):
    return open_pane(MemosPane(), 800, 400)


@pytest.fixture
def memos(workspace):
    return {
        "panel": code(workspace, "partner-interview", "it started with the ward panel really", "Facilitators",
                      memo="Origin story: the ward panel"),
        "plain": code(workspace, "partner-interview", "The cuts.", "Barriers"),
        "pact": code(workspace, "resident-group", "at the PACT meetings, and they actually listen",
                     "Community engagement/PACT meetings", memo="Feels heard at PACT"),
    }


def shown(pane):
    return [pane.model.index(row, 0).data(EXTRACT_ROLE) for row in range(pane.model.rowCount())]


def cell(pane, row, column):
    return pane.model.index(row, column).data()


def test_lists_the_codings_that_carry_memos(pane, memos):
    assert [e.coding_id for e in shown(pane)] == [memos["panel"][0], memos["pact"][0]]
    assert [cell(pane, 0, c) for c in range(4)] == [
        "Facilitators", "partner-interview · Janet Morris", "it started with the ward panel really",
        "Origin story: the ward panel"]
    assert cell(pane, 1, MemosModel.THEME) == "Community engagement/PACT meetings"
    assert cell(pane, 1, MemosModel.SOURCE) == "resident-group · Ann Clarke"
    assert pane.count.text() == "2 memos"


def test_this_transcript_only(pane, memos):
    pane.this_source.setChecked(True)
    assert shown(pane) == [] and pane.count.text() == "No transcript is open."
    pane.set_current_source(memos["pact"][1])
    assert [e.coding_id for e in shown(pane)] == [memos["pact"][0]]
    pane.set_current_source(memos["panel"][1])
    assert [e.coding_id for e in shown(pane)] == [memos["panel"][0]]
    pane.this_source.setChecked(False)
    assert len(shown(pane)) == 2


def test_edit_in_the_dialog_is_undoable(pane, workspace, memos, monkeypatch):
    pane.view.setCurrentIndex(pane.model.index(1, 0))
    monkeypatch.setattr(pane, "ask_memo", lambda extract: "Feels heard at PACT; compare Derek")
    pane.edit_action.trigger()
    pact = memos["pact"][0]
    assert memo_of(workspace, pact) == "Feels heard at PACT; compare Derek"
    assert cell(pane, 1, MemosModel.MEMO) == "Feels heard at PACT; compare Derek"
    assert pane.current_extract().coding_id == pact  # still the current row
    workspace.undo_stack.undo()
    assert memo_of(workspace, pact) == "Feels heard at PACT"
    assert cell(pane, 1, MemosModel.MEMO) == "Feels heard at PACT"


def test_edit_in_place_keeps_paragraphs_and_saves_once(pane, workspace, memos, qtbot):
    index = pane.model.index(0, MemosModel.MEMO)
    pane.view.setCurrentIndex(index)
    pane.view.setFocus()
    pane.view.edit(index)
    editor = pane.view.findChild(QPlainTextEdit, "memo_editor")
    assert editor is not None and editor.toPlainText() == "Origin story: the ward panel"
    editor.setPlainText("Origin story: the ward panel\n\nCheck the council minutes")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    panel = memos["panel"][0]
    qtbot.waitUntil(lambda: memo_of(workspace, panel) == "Origin story: the ward panel\n\nCheck the council minutes")
    assert workspace.undo_stack.count() == 4  # three codings, one memo edit
    # The pane re-reads once the editor has closed (not under its feet).
    qtbot.waitUntil(lambda: cell(pane, 0, MemosModel.MEMO) == "Origin story: the ward panel Check the council minutes")
    assert pane.view.state() != pane.view.State.EditingState
    workspace.undo_stack.undo()
    assert memo_of(workspace, panel) == "Origin story: the ward panel"


def test_clearing_a_memo_removes_the_row_and_undo_restores_it(pane, workspace, memos):
    assert pane.model.setData(pane.model.index(0, MemosModel.MEMO), "  ")
    assert memo_of(workspace, memos["panel"][0]) == ""
    assert [e.coding_id for e in shown(pane)] == [memos["pact"][0]]
    workspace.undo_stack.undo()
    assert [e.coding_id for e in shown(pane)] == [memos["panel"][0], memos["pact"][0]]


def test_only_the_memo_column_is_editable(pane, memos):
    assert not pane.model.setData(pane.model.index(0, MemosModel.SOURCE), "renamed")
    assert not pane.model.flags(pane.model.index(0, MemosModel.PASSAGE)) & Qt.ItemFlag.ItemIsEditable
    assert pane.model.flags(pane.model.index(0, MemosModel.MEMO)) & Qt.ItemFlag.ItemIsEditable


def test_double_click_jumps_to_the_passage(pane, memos, qtbot):
    index = pane.model.index(1, MemosModel.SOURCE)
    rect = pane.view.visualRect(index)
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(pane.passage_activated) as signal:
        qtbot.mouseDClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == list(memos["pact"][1:])


def test_new_memos_from_elsewhere_appear(pane, workspace, memos):
    code(workspace, "resident-group", "the council fixed the lights", "Benefits for residents",
         memo="Quick win")
    assert [e.memo for e in shown(pane)] == ["Origin story: the ward panel", "Feels heard at PACT", "Quick win"]


def test_the_model_passes_the_model_tester(pane, memos, qtmodeltester):
    qtmodeltester.check(pane.model)
