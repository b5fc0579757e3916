"""Coded extracts, memos and filter values, on SQLite and PostgreSQL, with exact values.

The study (tests/framework/study.py) is small enough to check every speaker, offset and
context by reading it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from framework.coding import apply_coding, set_memo, undo_edit
from framework.extracts import (
    code_passages,
    context_after,
    context_before,
    filter_values,
    list_extracts,
    memo_list,
    with_passages,
)
from models import Coding


def code(session, study, source, phrase, theme, *, coder=None, memo=""):
    start, end = study.span(session, source, phrase)
    edit = apply_coding(session, study.sources[source], study.themes[theme], start, end,
                        coder or study.coder, memo)
    return edit.result_id


@pytest.fixture
def coded(project, study):
    """Five codings across both sites, two coders and the Facilitators branch."""
    with project.transaction("code") as session:
        ids = {
            "question+cuts": code(session, study, "partner-a", "What gets in the way?\nSam: Funding cuts", "Barriers"),
            "meet": code(session, study, "partner-a", "We meet every month", "Facilitators/Meetings",
                         memo="Monthly rhythm"),
            "leadership": code(session, study, "partner-a", "Leadership from the manager helps.",
                               "Facilitators/Leadership", coder=study.other_coder),
            "ann+bob": code(session, study, "residents-a", "The patrols are visible.\nBob: I feel safer",
                            "Benefits"),
            "kit": code(session, study, "partner-b", "We share data weekly", "Facilitators",
                        memo="Data sharing as routine"),
        }
    return ids


def test_extract_of_a_passage_across_the_question_credits_only_the_answer(project, study, coded):
    with project.session() as session:
        [extract] = list_extracts(session, [study.themes["Barriers"]])
        text = study.text(session, "partner-a")
    start = text.index("What gets in the way?")
    assert extract.coding_id == coded["question+cuts"]
    assert (extract.source, extract.source_id) == ("partner-a", study.sources["partner-a"])
    assert (extract.start, extract.end) == (start, start + len("What gets in the way?\nSam: Funding cuts"))
    assert extract.text == "What gets in the way?\nSam: Funding cuts"
    assert extract.speakers == ("Sam",)  # the interviewer asked, Sam said it
    assert extract.participant_types == ("partner",)
    assert extract.participant_ids == (study.people["Sam"],)
    assert extract.site == "Site A"
    assert extract.coder == "Alex Coder"
    assert extract.theme_path == "Barriers"
    assert extract.colour.startswith("#") and len(extract.colour) == 7
    assert extract.before == "…month at the tasking meeting. Leadership from the manager helps. Interviewer: "
    assert extract.after == " hurt us badly."
    assert extract.reference == "partner-a, Sam"


def test_speakers_in_the_order_they_speak_and_context_either_side(project, study, coded):
    with project.session() as session:
        [extract] = list_extracts(session, [study.themes["Benefits"]])
    assert extract.speakers == ("Ann", "Bob")
    assert extract.participant_types == ("resident",)
    assert extract.before == "Moderator: How safe does the area feel? Ann: Safer than before. "
    assert extract.after == " too. Moderator: Anything else? Ann: Funding cuts closed the youth club."
    assert extract.reference == "residents-a, Ann, Bob"


def test_a_theme_includes_its_sub_themes_unless_asked_not_to(project, study, coded):
    facilitators = study.themes["Facilitators"]
    with project.session() as session:
        branch = list_extracts(session, [facilitators])
        alone = list_extracts(session, [facilitators], include_subthemes=False)
        two = list_extracts(session, [study.themes["Facilitators/Meetings"], study.themes["Barriers"]])
    # Source-name order (partner-a, partner-b), then text order within a source.
    assert [e.coding_id for e in branch] == [coded["meet"], coded["leadership"], coded["kit"]]
    assert [e.theme_path for e in branch] == ["Facilitators/Meetings", "Facilitators/Leadership", "Facilitators"]
    assert [e.text for e in branch] == ["We meet every month", "Leadership from the manager helps.",
                                        "We share data weekly"]
    assert [e.coding_id for e in alone] == [coded["kit"]]
    assert [e.coding_id for e in two] == [coded["meet"], coded["question+cuts"]]
    assert branch[0].memo == "Monthly rhythm" and branch[1].memo == ""


def test_filters_by_site_participant_type_coder_people_and_source(project, study, coded):
    everything = [study.themes[name] for name in ("Facilitators", "Barriers", "Benefits")]
    with project.session() as session:
        def ids(**filters):
            return [e.coding_id for e in list_extracts(session, everything, **filters)]

        assert ids() == [coded["meet"], coded["leadership"], coded["question+cuts"], coded["kit"], coded["ann+bob"]]
        assert ids(site="Site B") == [coded["kit"]]
        assert ids(site="Site A", participant_type="resident") == [coded["ann+bob"]]
        assert ids(participant_type="partner") == [coded["meet"], coded["leadership"], coded["question+cuts"],
                                                   coded["kit"]]
        assert ids(coder_id=study.other_coder) == [coded["leadership"]]
        assert ids(participant_ids=[study.people["Bob"]]) == [coded["ann+bob"]]
        assert ids(source_ids=[study.sources["residents-a"], study.sources["partner-b"]]) == [
            coded["kit"], coded["ann+bob"]]
        assert ids(source_ids=[]) == []
        assert ids(site="Nowhere") == []
        assert list_extracts(session, []) == []


def test_texts_can_be_read_later_a_page_at_a_time(project, study, coded):
    with project.session() as session:
        bare = list_extracts(session, [study.themes["Facilitators"]], with_text=False)
        assert [(e.text, e.has_text) for e in bare] == [("", False)] * 3
        page = with_passages(session, bare[1:])
        full = list_extracts(session, [study.themes["Facilitators"]])
    assert page == full[1:]
    assert all(e.has_text for e in page)


def test_a_handful_of_queries_whatever_the_number_of_codings(project, study, coded):
    """More codings in more sources must not mean more queries (no query per row)."""
    statements = []

    def count(*_args):
        statements.append(1)

    with project.session() as session:
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            list_extracts(session, [study.themes["Facilitators"], study.themes["Barriers"], study.themes["Benefits"]])
            few = len(statements)
            statements.clear()
        finally:
            event.remove(engine, "before_cursor_execute", count)
    with project.transaction("more") as session:
        for phrase in ("Safer than before.", "I feel safer too.", "Funding cuts closed the youth club."):
            code(session, study, "residents-a", phrase, "Barriers")
        code(session, study, "partner-b", "with the council", "Barriers")
    with project.session() as session:
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            found = list_extracts(session, [study.themes["Facilitators"], study.themes["Barriers"],
                                            study.themes["Benefits"]])
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(found) == 9
    assert len(statements) == few <= 8


def test_memo_list_of_the_project_or_one_source(project, study, coded):
    with project.session() as session:
        memos = memo_list(session)
        one = memo_list(session, source_id=study.sources["partner-b"])
        none = memo_list(session, source_id=study.sources["residents-a"])
    assert [(m.coding_id, m.memo, m.text, m.speakers) for m in memos] == [
        (coded["meet"], "Monthly rhythm", "We meet every month", ("Sam",)),
        (coded["kit"], "Data sharing as routine", "We share data weekly", ("Kit",)),
    ]
    assert [m.coding_id for m in one] == [coded["kit"]]
    assert none == []
    with project.transaction("clear memo") as session:
        set_memo(session, coded["meet"], "")
    with project.session() as session:
        assert [m.coding_id for m in memo_list(session)] == [coded["kit"]]


def test_filter_values_offer_what_the_project_holds(project, study):
    with project.session() as session:
        values = filter_values(session)
    assert values.sites == ["Site A", "Site B"]
    assert values.participant_types == ["partner", "resident"]  # interviewers have none
    assert values.coders == [(study.coder, "Alex Coder"), (study.other_coder, "Blake Coder")]


@pytest.mark.parametrize("start, expected", [
    (0, ""),
    (6, "Alpha "),
    (25, "…charlie delta"),  # cut inside "bravo": the partial word goes
])
def test_context_before_starts_at_a_word(start, expected):
    text = "Alpha bravo charlie delta echo foxtrot"
    assert context_before(text, start, width=15) == expected


@pytest.mark.parametrize("end, expected", [
    (len("Alpha bravo charlie delta echo foxtrot"), ""),
    (30, " foxtrot"),
    (5, " bravo charlie…"),  # cut inside "delta": the partial word goes
])
def test_context_after_ends_at_a_word(end, expected):
    text = "Alpha bravo charlie delta echo foxtrot"
    assert context_after(text, end, width=17) == expected


def test_context_squeezes_line_breaks_into_spaces():
    text = "First line.\n\nSecond   line. Passage"
    assert context_before(text, text.index("Passage")) == "First line. Second line. "


def test_code_passages_is_one_edit_that_undo_reverses(project, study):
    barriers = study.themes["Barriers"]
    with project.transaction("code many") as session:
        a, b = study.span(session, "residents-a", "Funding cuts")
        c, d = study.span(session, "residents-a", "closed the youth club")
        e, f = study.span(session, "partner-b", "with the council")
        earlier = apply_coding(session, study.sources["partner-b"], barriers, e, f, study.coder)
        edit = code_passages(session, [
            (study.sources["residents-a"], a, b),
            (study.sources["residents-a"], b, c),  # touches both neighbours: all three merge
            (study.sources["residents-a"], c, d),
            (study.sources["partner-b"], e, f - 3),  # already coded: nothing changes
        ], barriers, study.coder)
        stored = session.execute(select(Coding.id, Coding.source_id, Coding.start, Coding.end)
                                 .where(Coding.theme_id == barriers).order_by(Coding.id)).all()
        assert [tuple(row) for row in stored] == [
            (earlier.result_id, study.sources["partner-b"], e, f),
            (edit.created[0], study.sources["residents-a"], a, d),
        ]
        assert len(edit.created) == 1 and edit.removed == []
        undo_edit(session, edit)
        assert session.scalars(select(Coding.id).where(Coding.theme_id == barriers)).all() == [earlier.result_id]
