"""Theme snapshots: merge, delete and add, then restore, give back identical rows (ids,
GUIDs, timestamps, versions) and identical matrix numbers, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from framework.codebook import add_theme, delete_theme, merge_themes, move_theme
from framework.coding import apply_coding
from framework.errors import CharterError
from framework.matrix import build_matrix
from framework.summaries import add_comment, save_summary, set_status
from framework.theme_state import capture, narrow, restore
from models import (
    Coding,
    CodingSegment,
    Comment,
    ReviewEvent,
    Summary,
    SummaryCitation,
    SummaryRevision,
    Theme,
)
from tests.framework.study import build_study

TABLES = (Theme, Coding, CodingSegment, Summary, SummaryRevision, SummaryCitation, Comment, ReviewEvent)


def dump(session) -> dict[str, list[tuple]]:
    """Every row of every table a theme operation can touch, in a comparable form."""
    result = {}
    for model in TABLES:
        table = model.__table__
        rows = session.execute(select(table)).all()
        result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def matrix(session) -> dict:
    return build_matrix(session, depth=3).as_json()


def restored(project, doing: str, state, **options) -> tuple[dict, dict]:
    """Every row (``dump``) and the matrix after ``restore(state)``, an undo or redo in a
    transaction of its own."""
    with project.transaction(doing) as session:
        restore(session, state, **options)
    with project.session() as session:
        return dump(session), matrix(session)


@dataclass
class Charted:
    study: object
    monthly: int
    meetings_codings: list[int]


@pytest.fixture
def charted(project, tmp_path) -> Charted:
    """The small study, coded at every level, with summaries that have revisions,
    citations across themes, comments and a review event."""
    study = build_study(project, tmp_path)
    t, s = study.themes, study.sources
    with project.transaction("chart") as session:
        monthly = add_theme(session, "Monthly", parent_id=t["Facilitators/Meetings"])
        a, b = study.span(session, "partner-a", "We meet every month")
        meet = apply_coding(session, s["partner-a"], t["Facilitators/Meetings"], a, b, study.coder).result_id
        apply_coding(session, s["partner-a"], t["Facilitators/Leadership"], a + 3, b + 10, study.coder)
        c, d = study.span(session, "partner-b", "We share data weekly")
        share = apply_coding(session, s["partner-b"], t["Facilitators/Meetings"], c, d, study.other_coder,
                             memo="Weekly rhythm").result_id
        apply_coding(session, s["partner-a"], monthly, a, b, study.coder)
        e, f = study.span(session, "partner-a", "Funding cuts hurt us badly.")
        cuts = apply_coding(session, s["partner-a"], t["Barriers"], e, f, study.coder).result_id
        g, h = study.span(session, "residents-a", "Funding cuts closed the youth club.")
        apply_coding(session, s["residents-a"], t["Facilitators"], g, h, study.coder)
        sam, kit = study.people["Sam"], study.people["Kit"]
        first = save_summary(session, sam, t["Facilitators/Meetings"], "Meets monthly.", author_id=study.coder,
                             expected_version=None)
        second = save_summary(session, sam, t["Facilitators/Meetings"], f"Meets monthly [[C{meet}]].",
                              author_id=study.other_coder, expected_version=first.version)
        save_summary(session, sam, t["Facilitators/Leadership"], "Manager leads.", author_id=study.coder,
                     expected_version=None)
        save_summary(session, kit, t["Facilitators/Meetings"], f"Shares weekly [[C{share}]].",
                     author_id=study.coder, expected_version=None)
        # a summary of another theme citing a Meetings coding: deleting Meetings must not lose it for good
        save_summary(session, sam, t["Barriers"], f"Cuts [[C{cuts}]], despite meetings [[C{meet}]].",
                     author_id=study.coder, expected_version=None)
        set_status(session, second.id, "submitted", reviewer_id=study.coder)
        add_comment(session, author_id=study.other_coder, text="Which meeting?", summary_id=second.id)
        add_comment(session, author_id=study.other_coder, text="Good extract.", coding_id=share)
    return Charted(study, monthly, [meet, share])


def test_merge_then_restore_gives_identical_rows_and_redo_repeats_it(project, charted):
    t = charted.study.themes
    meetings, leadership = t["Facilitators/Meetings"], t["Facilitators/Leadership"]
    with project.session() as session:
        before, before_matrix = dump(session), matrix(session)
    with project.transaction("merge") as session:
        state = capture(session, [meetings], targets=[leadership])
        assert state.source_ids == {charted.study.sources["partner-a"], charted.study.sources["partner-b"]}
        result = merge_themes(session, meetings, leadership, coder_id=charted.study.coder)
        assert (result.codings_combined, result.summaries_appended, result.children_moved) == (1, 1, 1)
        after_state = capture(session, [], targets=[leadership])
    with project.session() as session:
        after, after_matrix = dump(session), matrix(session)
        assert session.get(Theme, charted.monthly).parent_id == leadership
    assert after != before

    assert restored(project, "undo merge", state) == (before, before_matrix)
    assert restored(project, "redo merge", after_state, remove_theme_ids=[meetings]) == (after, after_matrix)


@pytest.mark.parametrize("choice", ["delete", "move-to-parent"])
def test_delete_then_restore_gives_identical_rows(project, charted, choice):
    t = charted.study.themes
    meetings = t["Facilitators/Meetings"]
    with project.session() as session:
        before, before_matrix = dump(session), matrix(session)
    targets = [t["Facilitators"]] if choice == "move-to-parent" else []
    with project.transaction("delete") as session:
        state = capture(session, [meetings], targets=targets)
        assert set(state.theme_ids) >= {meetings, charted.monthly}
        delete_theme(session, meetings, codings=choice)
        after_state = capture(session, [], targets=targets)
    with project.session() as session:
        after, after_matrix = dump(session), matrix(session)
        assert session.get(Theme, meetings) is None and session.get(Theme, charted.monthly) is None
        # deleting codings also dropped the Barriers summary's citation of a Meetings coding;
        # moving them kept it (pointing at whichever coding absorbed the cited one)
        barriers_summary = session.scalar(select(Summary.id).where(Summary.theme_id == t["Barriers"]))
        cited = session.scalars(select(SummaryCitation.coding_id)
                                .where(SummaryCitation.summary_id == barriers_summary)).all()
        assert len(cited) == (2 if choice == "move-to-parent" else 1)

    assert restored(project, "undo delete", state) == (before, before_matrix)
    assert restored(project, "redo delete", after_state, remove_theme_ids=[meetings]) == (after, after_matrix)


def test_deleting_a_whole_branch_restores_parents_before_children(project, charted):
    facilitators = charted.study.themes["Facilitators"]
    with project.session() as session:
        before = dump(session)
    with project.transaction("delete") as session:
        state = capture(session, [facilitators])
        assert state.theme_ids[0] == facilitators and state.theme_ids[-1] == charted.monthly
        delete_theme(session, facilitators, codings="delete")
        assert session.scalars(select(Theme.position).order_by(Theme.position)).all() == [0, 1]
    with project.transaction("undo") as session:
        restore(session, state)
    with project.session() as session:
        assert dump(session) == before


def test_add_undone_and_redone_keeps_id_guid_and_sibling_order(project, charted):
    barriers = charted.study.themes["Barriers"]
    with project.session() as session:
        before = dump(session)
    with project.transaction("add") as session:
        state = capture(session, [])
        new = add_theme(session, "Trust", position=0, colour="#332288")
        after_state = capture(session, [new])
    with project.session() as session:
        after = dump(session)
        assert session.get(Theme, barriers).position == 2  # pushed down by the new first theme
    with project.transaction("undo") as session:
        restore(session, state, remove_theme_ids=[new])
    with project.session() as session:
        assert dump(session) == before
    with project.transaction("redo") as session:
        restore(session, after_state)
    with project.session() as session:
        assert dump(session) == after


def test_capture_names_a_missing_theme(project, charted):
    with project.session() as session, pytest.raises(CharterError, match="Theme 9999 no longer exists"):
        capture(session, [9999])


def test_narrowed_snapshots_leave_a_teammates_reordering_alone(project, charted):
    t = charted.study.themes
    with project.transaction("move") as session:
        before = capture(session, [])
        move_theme(session, t["Facilitators/Leadership"], t["Barriers"])
        before, after = narrow(before, capture(session, []))
    assert set(before.places) == {t["Facilitators/Leadership"]}
    assert set(after.places) == {t["Facilitators/Leadership"]}
    with project.transaction("someone else") as session:
        move_theme(session, t["Benefits"], None, 0)
    with project.transaction("undo") as session:
        restore(session, before)
    with project.session() as session:
        top = session.scalars(select(Theme.name).where(Theme.parent_id.is_(None)).order_by(Theme.position)).all()
        assert top == ["Benefits", "Facilitators", "Barriers"]
        assert session.get(Theme, t["Facilitators/Leadership"]).parent_id == t["Facilitators"]
