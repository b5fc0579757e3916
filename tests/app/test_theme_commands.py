"""Undoable framework edits: each command's do, undo and redo store exactly what they
should, keep ids stable for the commands after it, and a refused edit never reaches
the undo stack."""

from __future__ import annotations

from sqlalchemy import select

from app.commands.themes import (
    AddThemeCommand,
    DefineThemeCommand,
    DeleteThemeCommand,
    MergeThemesCommand,
    MoveThemeCommand,
    RecolourThemeCommand,
    RenameThemeCommand,
)
from framework.palette import TOL_MUTED
from framework.summaries import save_summary
from models import Coding, CodingSegment, Participant, Summary, SummaryRevision, Theme
from tests.app.helpers import code, theme_id


def themes(workspace) -> list[tuple]:
    with workspace.read() as session:
        return sorted(tuple(row) for row in session.execute(select(Theme.__table__)).all())


def rows(workspace) -> dict[str, list[tuple]]:
    with workspace.read() as session:
        return {model.__tablename__: sorted((tuple(r) for r in session.execute(select(model.__table__)).all()), key=repr)
                for model in (Theme, Coding, CodingSegment, Summary, SummaryRevision)}


def theme(workspace, id_) -> Theme | None:
    with workspace.read() as session:
        found = session.get(Theme, id_)
        if found is not None:
            session.expunge(found)
        return found


def check_undo_redo(workspace, before, after):
    workspace.undo_stack.undo()
    assert rows(workspace) == before
    workspace.undo_stack.redo()
    assert rows(workspace) == after


def test_add_top_level_and_sub_theme_undo_redo_keep_id_and_guid(workspace):
    changes = []
    workspace.changed.connect(changes.append)
    before = rows(workspace)
    add = AddThemeCommand(workspace, "  Trust   in police ")
    assert workspace.run(add)
    added = theme(workspace, add.theme_id)
    assert (added.name, added.parent_id) == ("Trust in police", None)
    assert added.colour == TOL_MUTED[0]  # the template uses the eight Okabe–Ito colours
    assert changes[-1].kinds == {"themes"}
    after = rows(workspace)
    check_undo_redo(workspace, before, after)
    assert theme(workspace, add.theme_id).guid == added.guid

    barriers = theme_id(workspace, "Barriers")
    sub = AddThemeCommand(workspace, "Lack of trust", parent_id=barriers, position=0)
    assert workspace.run(sub)
    created = theme(workspace, sub.theme_id)
    assert (created.parent_id, created.position, created.colour) == (barriers, 0, theme(workspace, barriers).colour)
    with workspace.read() as session:
        positions = session.scalars(select(Theme.position).where(Theme.parent_id == barriers)
                                    .order_by(Theme.position)).all()
    assert positions == list(range(len(positions)))


def test_undo_of_add_then_redo_keeps_later_codings_valid(workspace):
    add = AddThemeCommand(workspace, "Trust")
    assert workspace.run(add)
    coding_id = code(workspace, "resident-group", "they actually listen", "Trust").coding_id
    after = rows(workspace)
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert theme(workspace, add.theme_id) is None
    workspace.undo_stack.redo()
    workspace.undo_stack.redo()
    assert rows(workspace)["themes"] == after["themes"]
    with workspace.read() as session:
        coding = session.get(Coding, coding_id)
        assert (coding.theme_id, coding.coder_id) == (add.theme_id, workspace.coder_id)


def test_rename_recolour_define_undo_redo(workspace, qtbot):
    barriers = theme_id(workspace, "Barriers")
    before = rows(workspace)
    assert workspace.run(RenameThemeCommand(workspace, barriers, "Obstacles"))
    assert workspace.run(RecolourThemeCommand(workspace, barriers, "#332288"))
    assert workspace.run(DefineThemeCommand(workspace, barriers, description=" What got in the way. ",
                                            example="The cuts."))
    changed = theme(workspace, barriers)
    assert (changed.name, changed.colour, changed.description, changed.example) == (
        "Obstacles", "#332288", "What got in the way.", "The cuts.")
    after = rows(workspace)
    for _ in range(3):
        workspace.undo_stack.undo()
    assert rows(workspace) == before
    for _ in range(3):
        workspace.undo_stack.redo()
    assert rows(workspace) == after


def test_refused_edit_reports_one_sentence_and_is_not_stacked(workspace, qtbot):
    barriers = theme_id(workspace, "Barriers")
    with qtbot.waitSignal(workspace.failed) as failed:
        assert not workspace.run(RenameThemeCommand(workspace, barriers, "facilitators"))
    assert failed.args[1] == "There is already a theme called 'facilitators' at the top level."
    assert workspace.undo_stack.count() == 0
    assert not workspace.run(RecolourThemeCommand(workspace, barriers, "red"))
    assert theme(workspace, barriers).name == "Barriers"


def test_move_reorders_and_undo_restores_every_position(workspace):
    leadership = theme_id(workspace, "Facilitators/Strong leadership and commitment")
    barriers = theme_id(workspace, "Barriers")
    before = rows(workspace)
    assert workspace.run(MoveThemeCommand(workspace, leadership, barriers, 1))
    moved = theme(workspace, leadership)
    assert (moved.parent_id, moved.position) == (barriers, 1)
    assert workspace.run(MoveThemeCommand(workspace, barriers, None, 0))
    assert theme(workspace, barriers).position == 0
    after = rows(workspace)
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert rows(workspace) == before
    workspace.undo_stack.redo()
    workspace.undo_stack.redo()
    assert rows(workspace) == after


def test_merge_moves_codings_and_summaries_undo_redo_identical(workspace):
    cuts = code(workspace, "partner-interview", "We lost two PCSOs", "Barriers/Public spending cuts").coding_id
    code(workspace, "partner-interview", "The cuts.", "Barriers/Sustaining dedicated posts")
    code(workspace, "resident-group", "the council fixed the lights", "Barriers/Public spending cuts")
    source = theme_id(workspace, "Barriers/Public spending cuts")
    target = theme_id(workspace, "Barriers/Sustaining dedicated posts")
    with workspace.write("chart") as session:
        janet = session.scalar(select(Participant.id).where(Participant.name == "Janet Morris"))
        save_summary(session, janet, source, f"Lost PCSOs [[C{cuts}]].", author_id=workspace.coder_id,
                     expected_version=None)
        save_summary(session, janet, target, "Posts at risk.", author_id=workspace.coder_id, expected_version=None)
    changes = []
    workspace.changed.connect(changes.append)
    before = rows(workspace)
    merge = MergeThemesCommand(workspace, source, target)
    assert workspace.run(merge)
    assert theme(workspace, source) is None
    assert (merge.result.codings_moved, merge.result.summaries_appended) == (2, 1)
    with workspace.read() as session:
        assert session.scalar(select(Summary.text).where(Summary.theme_id == target)).endswith(
            "[Merged from Public spending cuts] Lost PCSOs [[C%d]]." % cuts)
        assert set(session.scalars(select(Coding.theme_id))) == {target}
    assert changes[-1].kinds >= {"themes", "codings", "summaries"}
    assert len(changes[-1].source_ids) == 2
    after = rows(workspace)
    check_undo_redo(workspace, before, after)
    workspace.undo_stack.undo()
    assert rows(workspace) == before


def test_delete_refuses_moves_or_deletes_with_undo_redo(workspace, qtbot):
    code(workspace, "partner-interview", "Strong leadership, honestly.", "Facilitators/Strong leadership and commitment")
    leadership = theme_id(workspace, "Facilitators/Strong leadership and commitment")
    facilitators = theme_id(workspace, "Facilitators")
    with qtbot.waitSignal(workspace.failed) as failed:
        assert not workspace.run(DeleteThemeCommand(workspace, leadership))
    assert "has 1 coding(s)" in failed.args[1]

    before = rows(workspace)
    assert workspace.run(DeleteThemeCommand(workspace, leadership, "move-to-parent"))
    with workspace.read() as session:
        assert session.scalars(select(Coding.theme_id)).all() == [facilitators]
    check_undo_redo(workspace, before, rows(workspace))
    workspace.undo_stack.undo()

    assert workspace.run(DeleteThemeCommand(workspace, facilitators, "delete"))
    with workspace.read() as session:
        assert session.scalars(select(Coding)).all() == []
        assert session.scalar(select(Theme).where(Theme.name == "Effective communication")) is None
    check_undo_redo(workspace, before, rows(workspace))
