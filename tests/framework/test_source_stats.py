"""Coded words per source (overlaps counted once, words cut by an edge counted once) and
deleting a source with everything hanging off it, on both back ends, with exact numbers."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select, text

from framework.coding import apply_coding
from framework.errors import CharterError
from framework.source_stats import (
    SourceStats,
    coded_word_count,
    delete_source,
    source_rows,
    source_stats,
    sources_spoken_in,
    word_bounds,
)
from framework.sources import list_sources
from framework.summaries import add_comment, save_summary
from models import (
    AttributeDefinition,
    Coding,
    CodingSegment,
    Comment,
    Participant,
    ParticipantAttributeValue,
    Source,
    SourceAttributeValue,
    Summary,
    SummaryCitation,
    Turn,
)
from models.canonical import WORD


@pytest.mark.parametrize("sample", [
    "", "a", "'", "don't", "rock’n’roll", "a''b", "'quoted' words'", "it's_ok x_y",
    "café naïve Zoë", "emoji 😀 ok 👍🏽!", "x² and ½", "١٢٣ عربى كلمات", "e\u0301 combining",
    "Interviewer: How do partners work?\nSam: We meet.\n", "tab\tseparated\u00a0nbsp", "end'",
])
def test_word_bounds_are_the_words_count_words_counts(sample):
    starts, ends = word_bounds(sample)
    assert list(zip(starts.tolist(), ends.tolist())) == [m.span() for m in WORD.finditer(sample)]


def brute_force(text: str, spans: list[tuple[int, int]]) -> int:
    """Words that overlap at least one span, one word at a time."""
    return sum(1 for m in WORD.finditer(text) if any(s < m.end() and m.start() < e for s, e in spans))


def test_coded_word_count_agrees_with_counting_word_by_word():
    import numpy as np

    from tests.framework.study import PARTNER_A, RESIDENTS_A
    generator = random.Random(7)
    for text in (PARTNER_A, RESIDENTS_A, PARTNER_A + "l’été est là, n'est-ce pas?"):
        for _ in range(300):
            spans = []
            for _ in range(generator.randint(1, 6)):
                start = generator.randrange(len(text) - 1)
                spans.append((start, generator.randint(start + 1, min(len(text), start + 40))))
            spans.sort()
            starts, ends = (np.array(column) for column in zip(*spans))
            assert coded_word_count(text, starts, ends) == brute_force(text, spans)


def test_stats_before_and_after_coding(project, study):
    with project.session() as session:
        stats = source_stats(session)
    assert stats == {
        study.sources["partner-a"]: SourceStats(33, 0, 0.0, 0),
        study.sources["residents-a"]: SourceStats(30, 0, 0.0, 0),
        study.sources["partner-b"]: SourceStats(14, 0, 0.0, 0),
    }
    partner = study.sources["partner-a"]
    with project.transaction("code") as session:
        meet = study.span(session, "partner-a", "We meet every month")  # 4 words
        month = study.span(session, "partner-a", "every month at the tasking meeting")  # 6, 2 shared
        leadership = study.span(session, "partner-a", "Leadership")
        cuts = study.span(session, "partner-a", "Funding cuts")  # 2 words, coded at two themes
        apply_coding(session, partner, study.themes["Facilitators/Meetings"], *meet, study.coder)
        apply_coding(session, partner, study.themes["Facilitators/Meetings"], *month, study.other_coder)
        # "Lead" and "ship from" cut one word between them: it counts once; "from" once more.
        apply_coding(session, partner, study.themes["Facilitators/Leadership"],
                     leadership[0], leadership[0] + 4, study.coder)
        apply_coding(session, partner, study.themes["Barriers"],
                     leadership[0] + 6, leadership[1] + len(" from"), study.coder)
        apply_coding(session, partner, study.themes["Barriers"], *cuts, study.coder)
        apply_coding(session, partner, study.themes["Benefits"], *cuts, study.other_coder)
    with project.session() as session:
        stats = source_stats(session)
        only = source_stats(session, [partner])
    # We meet every month at the tasking meeting (8) + Leadership from (2) + Funding cuts (2)
    assert stats[partner] == SourceStats(33, 12, 12 / 33, 6)
    assert stats[study.sources["residents-a"]] == SourceStats(30, 0, 0.0, 0)
    assert only == {partner: stats[partner]}


def test_a_fully_coded_source_is_all_coded(project, study):
    source = study.sources["partner-b"]
    with project.transaction("code") as session:
        length = session.get(Source, source).text_length
        apply_coding(session, source, study.themes["Benefits"], 0, length, study.coder)
        apply_coding(session, source, study.themes["Barriers"], 3, 20, study.other_coder)
    with project.session() as session:
        assert source_stats(session, {source}) == {source: SourceStats(14, 14, 1.0, 2)}


def _count(session, model, *conditions) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions))


def _index_rows(session) -> int:
    return session.scalar(text("SELECT count(*) FROM turn_search"))


def test_delete_source_takes_its_codings_turns_index_rows_and_lone_speakers(project, study):
    residents = study.sources["residents-a"]
    with project.transaction("code and chart") as session:
        kept_coding = apply_coding(session, study.sources["partner-a"], study.themes["Barriers"],
                                   *study.span(session, "partner-a", "Funding cuts"), study.coder).result_id
        first = apply_coding(session, residents, study.themes["Benefits"],
                             *study.span(session, "residents-a", "The patrols are visible"), study.coder).result_id
        apply_coding(session, residents, study.themes["Barriers"],
                     *study.span(session, "residents-a", "Moderator: Anything else?\nAnn: Funding"),
                     study.other_coder)
        # Ann's analysis is charted: she stays, with her summary, when her only source goes.
        summary = save_summary(session, study.people["Ann"], study.themes["Benefits"], f"Visible [[C{first}]]",
                               author_id=study.coder, expected_version=None)
        add_comment(session, author_id=study.coder, text="Check this", coding_id=first)
        definition = AttributeDefinition(entity_kind="source", name="Length", value_type="number")
        session.add(definition)
        session.flush()
        session.add(SourceAttributeValue(owner_id=residents, definition_id=definition.id, number_value=40))
        session.add(ParticipantAttributeValue(owner_id=study.people["Bob"], definition_id=definition.id,
                                              text_value="x"))
    with project.session() as session:
        assert _count(session, Turn) == 11 and _index_rows(session) == 11
        assert _count(session, CodingSegment, CodingSegment.source_id == residents) == 3
    with project.transaction("delete source") as session:
        result = delete_source(session, residents)
    assert (result.name, result.turns, result.codings, result.segments) == ("residents-a", 5, 2, 3)
    assert result.participants_removed == ("Bob", "Moderator")
    with project.session() as session:
        assert session.get(Source, residents) is None
        assert _count(session, Turn) == 6 and _index_rows(session) == 6
        assert _count(session, Turn, Turn.source_id == residents) == 0
        assert [c.id for c in session.scalars(select(Coding))] == [kept_coding]
        assert _count(session, CodingSegment, CodingSegment.source_id == residents) == 0
        assert _count(session, Comment) == 0
        assert _count(session, SummaryCitation) == 0
        assert session.get(Summary, summary.id).text == f"Visible [[C{first}]]"
        names = set(session.scalars(select(Participant.name)))
        assert names == {"Interviewer", "Sam", "Ann", "Kit"}
        assert _count(session, SourceAttributeValue) == 0 and _count(session, ParticipantAttributeValue) == 0
        assert set(source_stats(session)) == {study.sources["partner-a"], study.sources["partner-b"]}


def test_delete_a_missing_source_is_refused(project, study):
    with project.transaction("delete") as session:
        delete_source(session, study.sources["partner-b"])
    with pytest.raises(CharterError, match="does not exist"):
        with project.transaction("delete again") as session:
            delete_source(session, study.sources["partner-b"])
    with project.session() as session:
        # Kit spoke only there; the interviewer still speaks in partner-a.
        assert set(session.scalars(select(Participant.name))) == {"Interviewer", "Moderator", "Sam", "Ann", "Bob"}


def test_rows_of_a_few_sources_are_the_rows_of_the_full_list(project, study):
    with project.session() as session:
        everything = sorted(list_sources(session), key=lambda row: row.id)
        assert source_rows(session, [row.id for row in everything]) == everything
        residents = study.sources["residents-a"]
        assert source_rows(session, {residents, 999}) == [row for row in everything if row.id == residents]
        assert source_rows(session, [residents])[0].speakers == ["Moderator", "Ann", "Bob"]
        assert sources_spoken_in(session, {study.people["Ann"]}) == {residents}
        assert sources_spoken_in(session, {study.people["Interviewer"], study.people["Kit"]}) == {
            study.sources["partner-a"], study.sources["partner-b"]}
