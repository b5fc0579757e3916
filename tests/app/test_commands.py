"""Undoable coding commands: do, undo and redo store exactly what they should, with
stable coding ids, and a refused operation never reaches the undo stack."""

from __future__ import annotations

from app.commands.coding import code_passage, delete_codings, recode, uncode_passage, MemoCommand
from tests.app.helpers import codings, source, theme_id


def test_code_undo_redo_keeps_the_same_coding(workspace):
    source_id, text = source(workspace, "partner-interview")
    theme = theme_id(workspace, "Facilitators")
    start = text.index("Strong leadership")
    end = start + len("Strong leadership")
    changes = []
    workspace.changed.connect(changes.append)
    command = code_passage(workspace, source_id, theme, start, end, "Facilitators")
    assert workspace.run(command)
    coded = codings(workspace)
    assert [(t, s, e) for _i, t, s, e, _m in coded] == [(theme, start, end)]
    assert changes[-1].source_ids == {source_id} and changes[-1].touches("codings")
    workspace.undo_stack.undo()
    assert codings(workspace) == []
    workspace.undo_stack.redo()
    assert codings(workspace) == coded  # same id, same span


def test_uncode_splits_and_undo_restores(workspace):
    source_id, text = source(workspace, "partner-interview")
    theme = theme_id(workspace, "Barriers")
    start = text.index("The cuts.")
    end = text.index("systems.") + len("systems.")
    assert workspace.run(code_passage(workspace, source_id, theme, start, end, "Barriers"))
    before = codings(workspace)
    middle = text.index("the youth service")
    assert workspace.run(uncode_passage(workspace, source_id, theme, middle, middle + 17, "Barriers"))
    spans = [(s, e) for _i, _t, s, e, _m in codings(workspace)]
    assert spans == [(start, middle), (middle + 17, end)]
    workspace.undo_stack.undo()
    assert codings(workspace) == before
    workspace.undo_stack.redo()
    assert [(s, e) for _i, _t, s, e, _m in codings(workspace)] == spans


def test_recode_memo_and_delete_undo_in_order(workspace):
    source_id, text = source(workspace, "resident-group")
    benefits, barriers = theme_id(workspace, "Benefits for residents"), theme_id(workspace, "Barriers")
    start = text.index("The antisocial")
    end = start + len("The antisocial behaviour is down")
    assert workspace.run(code_passage(workspace, source_id, barriers, start, end, "Barriers"))
    coding_id = codings(workspace)[0][0]
    assert workspace.run(MemoCommand(workspace, coding_id, "Resident sees ASB falling", source_id))
    recoded = recode(workspace, coding_id, benefits, "Benefits for residents")
    assert workspace.run(recoded)
    after_recode = codings(workspace)
    assert [(t, s, e, m) for _i, t, s, e, m in after_recode] == [(benefits, start, end, "Resident sees ASB falling")]
    assert workspace.run(delete_codings(workspace, [recoded.result_id], {source_id}))
    assert codings(workspace) == []
    for _ in range(4):
        workspace.undo_stack.undo()
    assert codings(workspace) == []
    for _ in range(3):
        workspace.undo_stack.redo()
    assert codings(workspace) == after_recode


def test_a_refused_operation_is_reported_and_not_stacked(workspace):
    source_id, text = source(workspace, "partner-interview")
    theme = theme_id(workspace, "Facilitators")
    failures = []
    workspace.failed.connect(lambda doing, message: failures.append(message))
    assert not workspace.run(code_passage(workspace, source_id, theme, 10, len(text) + 50, "Facilitators"))
    assert workspace.undo_stack.count() == 0
    assert len(failures) == 1 and "\n" not in failures[0]
    assert codings(workspace) == []
