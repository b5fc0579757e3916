"""Coding, uncoding, merging and undo, with exact spans."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from framework.coding import (
    apply_coding,
    coding_speakers,
    list_codings,
    paragraph_at,
    sentence_at,
    set_memo,
    turn_at,
    uncode,
    undo_edit,
)
from framework.errors import CharterError
from models import Coding, CodingSegment


def spans(session, theme_id):
    return [(c.start, c.end, c.coder_id) for c in session.scalars(
        select(Coding).where(Coding.theme_id == theme_id).order_by(Coding.start))]


def test_overlapping_and_touching_codings_of_one_coder_merge(project, study):
    meetings = study.themes["Facilitators/Meetings"]
    with project.transaction("code") as session:
        a, b = study.span(session, "partner-a", "We meet every month")
        first = apply_coding(session, study.sources["partner-a"], meetings, a, a + 7, study.coder, "first")
        second = apply_coding(session, study.sources["partner-a"], meetings, a + 3, b, study.coder, "second")
        touching = apply_coding(session, study.sources["partner-a"], meetings, b, b + 3, study.coder)
        other = apply_coding(session, study.sources["partner-a"], meetings, a, b, study.other_coder)
        assert spans(session, meetings) == [(a, b + 3, study.coder), (a, b, study.other_coder)]
        merged = session.get(Coding, touching.result_id)
        assert merged.memo == "first\n\nsecond"
        assert [s.id for s in second.removed] == first.created
        assert other.removed == []


def test_coding_inside_an_existing_one_changes_nothing(project, study):
    meetings = study.themes["Facilitators/Meetings"]
    with project.transaction("code") as session:
        a, b = study.span(session, "partner-a", "We meet every month")
        first = apply_coding(session, study.sources["partner-a"], meetings, a, b, study.coder)
        again = apply_coding(session, study.sources["partner-a"], meetings, a + 1, b - 1, study.coder)
        assert again.created == [] and again.removed == [] and again.result_id == first.result_id


def test_uncoding_shortens_splits_and_undo_restores(project, study):
    barriers = study.themes["Barriers"]
    source = study.sources["partner-a"]
    with project.transaction("code") as session:
        a, b = study.span(session, "partner-a", "Funding cuts hurt us badly.")
        coded = apply_coding(session, source, barriers, a, b, study.coder, "memo kept")
        middle = uncode(session, source, barriers, a + 8, a + 12)  # " cut" out of the middle
        assert spans(session, barriers) == [(a, a + 8, study.coder), (a + 12, b, study.coder)]
        assert [session.get(Coding, i).memo for i in middle.created] == ["memo kept", "memo kept"]
        edge = uncode(session, source, barriers, a, a + 4)
        assert spans(session, barriers) == [(a + 4, a + 8, study.coder), (a + 12, b, study.coder)]
        undo_edit(session, edge)
        undo_edit(session, middle)
        assert spans(session, barriers) == [(a, b, study.coder)]
        assert session.get(Coding, coded.result_id).memo == "memo kept"


def test_uncode_can_be_limited_to_one_coder(project, study):
    barriers = study.themes["Barriers"]
    source = study.sources["partner-a"]
    with project.transaction("code") as session:
        a, b = study.span(session, "partner-a", "Funding cuts")
        apply_coding(session, source, barriers, a, b, study.coder)
        apply_coding(session, source, barriers, a, b, study.other_coder)
        uncode(session, source, barriers, a, b, coder_id=study.other_coder)
        assert spans(session, barriers) == [(a, b, study.coder)]


def test_who_said_it_comes_from_turns_and_leaves_out_the_interviewer(project, study):
    meetings = study.themes["Facilitators/Meetings"]
    with project.transaction("code") as session:
        text = study.text(session, "partner-a")
        question = text.index("How do partners")
        answer_end = text.index(" Leadership")
        edit = apply_coding(session, study.sources["partner-a"], meetings, question, answer_end, study.coder)
        assert coding_speakers(session, edit.created) == {edit.result_id: ["Sam"]}
        segments = session.execute(
            select(CodingSegment.participant_id, CodingSegment.words).where(CodingSegment.coding_id == edit.result_id)
            .order_by(CodingSegment.start)).all()
        # the question's 6 words go to the interviewer, the answer's 8 words to Sam
        assert segments == [(study.people["Interviewer"], 6), (study.people["Sam"], 8)]
        [row] = list_codings(session, participant_id=study.people["Sam"])
        assert (row.id, row.speakers, row.coder) == (edit.result_id, ["Sam"], "Alex Coder")


def test_spans_outside_the_text_are_refused_with_a_sentence(project, study):
    with project.transaction("code") as session, pytest.raises(CharterError, match="is not inside 'partner-a'"):
        apply_coding(session, study.sources["partner-a"], study.themes["Barriers"], 10, 10_000, study.coder)


def test_memo_and_listing_by_theme_and_coder(project, study):
    barriers = study.themes["Barriers"]
    with project.transaction("code") as session:
        a, b = study.span(session, "residents-a", "Funding cuts closed the youth club.")
        edit = apply_coding(session, study.sources["residents-a"], barriers, a, b, study.other_coder)
        assert set_memo(session, edit.result_id, "  club closure ") == ""
        rows = list_codings(session, theme_ids=[barriers], coder_id=study.other_coder)
        assert [(r.source, r.memo, r.speakers) for r in rows] == [("residents-a", "club closure", ["Ann"])]
        assert list_codings(session, theme_ids=[barriers], coder_id=study.coder) == []


def test_units_around_an_offset(project, study):
    with project.session() as session:
        text = study.text(session, "partner-a")
        offset = text.index("Leadership")
        assert text[slice(*sentence_at(text, offset))] == "Leadership from the manager helps."
        assert text[slice(*paragraph_at(text, offset))] == (
            "Sam: We meet every month at the tasking meeting. Leadership from the manager helps.")
        start, end = turn_at(session, study.sources["partner-a"], offset)
        assert text[start:end] == "We meet every month at the tasking meeting. Leadership from the manager helps."
        assert session.scalar(select(func.count()).select_from(Coding)) == 0
