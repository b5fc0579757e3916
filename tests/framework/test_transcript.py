"""Loading a transcript for the reader: exact turns, labels, times and codings on both
back ends, in a fixed number of queries; coverage intervals and UTF-16 offsets."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from framework.segments import CodingSpan, source_turns, write_segments
from framework.sources import SourceNotFound
from framework.transcript import (
    CodingMark,
    Interval,
    TranscriptTurn,
    Utf16Offsets,
    coverage_intervals,
    label_span,
    load_marks,
    load_transcript,
)
from models import Coder, Coding, Participant, Site, Source, Theme, Turn

TEXT = (
    "Date: 12 March 2013\n"
    "[00:00:05] Interviewer: How did it start?\n"
    "[00:00:09] Sam Jones: With the ward panel. 😀 We met monthly.\n"
    "00:01:10 Ann\n"
    "The council came too."
)


def _at(fragment: str) -> tuple[int, int]:
    start = TEXT.index(fragment)
    return start, start + len(fragment)


def _build(session) -> dict[str, int]:
    site = Site(name="Site A")
    interviewer = Participant(name="Interviewer", is_interviewer=True)
    sam = Participant(name="Sam Jones", site=site, participant_type="partner agency")
    ann = Participant(name="Ann", site=site, participant_type="resident")
    coder = Coder(name="Alex Coder", initials="AC")
    other = Coder(name="Bea Other")
    parent = Theme(name="Facilitators", colour="#E69F00")
    child = Theme(name="Meetings", colour="#56b4e9", parent=parent)
    source = Source(name="Site A partner interview", site=site, text=TEXT)
    session.add_all([site, interviewer, sam, ann, coder, other, parent, child, source])
    session.flush()
    turns = [
        Turn(source_id=source.id, start=0, end=_at("Date: 12 March 2013")[1]),
        Turn(source_id=source.id, participant_id=interviewer.id, speaker_label="Interviewer",
             timestamp_seconds=5.0, start=_at("How did")[0], end=_at("start?")[1]),
        Turn(source_id=source.id, participant_id=sam.id, speaker_label="Sam Jones", timestamp_seconds=9.0,
             start=_at("With the")[0], end=_at("monthly.")[1]),
        Turn(source_id=source.id, participant_id=ann.id, speaker_label="Ann", timestamp_seconds=70.0,
             start=_at("The council")[0], end=len(TEXT)),
    ]
    session.add_all(turns)
    codings = [
        Coding(source_id=source.id, theme_id=parent.id, coder_id=coder.id, start=_at("We met")[0],
               end=len(TEXT), memo="Regular contact"),
        Coding(source_id=source.id, theme_id=child.id, coder_id=other.id, start=_at("ward panel")[0],
               end=_at("monthly.")[1]),
        Coding(source_id=source.id, theme_id=child.id, coder_id=coder.id, start=_at("ward panel")[0],
               end=_at("ward panel")[1]),
    ]
    session.add_all(codings)
    session.flush()
    write_segments(session, source.id, [CodingSpan(c.id, c.theme_id, c.start, c.end) for c in codings],
                   TEXT, source_turns(session, source.id))
    return {"source": source.id, "parent": parent.id, "child": child.id, "coder": coder.id, "other": other.id,
            "whole": codings[0].id, "long": codings[1].id, "panel": codings[2].id}


def test_a_transcript_loads_with_exact_turns_labels_and_codings(project):
    with project.transaction("build") as session:
        ids = _build(session)
    with project.session() as session:
        transcript = load_transcript(session, ids["source"])
    assert transcript.name == "Site A partner interview"
    assert transcript.text == TEXT
    interviewer_label = _at("[00:00:05] Interviewer:")
    sam_label = _at("[00:00:09] Sam Jones:")
    ann_label = _at("00:01:10 Ann")
    assert transcript.turns == [
        TranscriptTurn(None, "", None, False, 0, 19, None, 0, 0, ()),
        TranscriptTurn("Interviewer", "Interviewer", None, True, _at("How did")[0], _at("start?")[1], 5.0,
                       *interviewer_label, (_at("[00:00:05]"),)),
        TranscriptTurn("Sam Jones", "Sam Jones", "partner agency", False, _at("With the")[0], _at("monthly.")[1],
                       9.0, *sam_label, (_at("[00:00:09]"),)),
        TranscriptTurn("Ann", "Ann", "resident", False, _at("The council")[0], len(TEXT), 70.0,
                       *ann_label, (_at("00:01:10"),)),
    ]
    assert TEXT[slice(*sam_label)] == "[00:00:09] Sam Jones:"
    panel, monthly = _at("ward panel"), _at("monthly.")
    we_met = _at("We met")[0]
    assert transcript.codings == [
        CodingMark(ids["panel"], ids["child"], "Facilitators/Meetings", "Meetings", "#56B4E9", "Alex Coder", "AC",
                   panel[0], panel[1], "", ids["coder"]),
        CodingMark(ids["long"], ids["child"], "Facilitators/Meetings", "Meetings", "#56B4E9", "Bea Other", "",
                   panel[0], monthly[1], "", ids["other"]),
        CodingMark(ids["whole"], ids["parent"], "Facilitators", "Facilitators", "#E69F00", "Alex Coder", "AC",
                   we_met, len(TEXT), "Regular contact", ids["coder"]),
    ]
    assert TEXT[we_met:we_met + 6] == "We met"  # Python offsets, after the emoji
    assert [m.id for m in transcript.codings_at(panel[0])] == [ids["panel"], ids["long"]]
    assert transcript.codings_at(panel[1]) == [transcript.codings[1]]
    assert transcript.turn_at(sam_label[0]).speaker == "Sam Jones"  # on the label
    assert transcript.turn_at(len(TEXT) - 1).speaker == "Ann"
    assert transcript.turn_at(_at("12 March")[0]).speaker is None


def test_loading_takes_the_same_few_queries_whatever_the_number_of_codings(project):
    with project.transaction("build") as session:
        ids = _build(session)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(project.engine, "before_cursor_execute", count)
    try:
        with project.session() as session:
            load_transcript(session, ids["source"])
        few = len(statements)
        with project.transaction("more") as session:
            session.add_all([Coding(source_id=ids["source"], theme_id=ids["parent"], coder_id=ids["other"],
                                    start=i, end=i + 1) for i in range(0, 40, 2)])
        statements.clear()
        with project.session() as session:
            assert len(load_transcript(session, ids["source"]).codings) == 23
    finally:
        event.remove(project.engine, "before_cursor_execute", count)
    assert len(statements) == few <= 5


def test_marks_reload_alone_and_a_missing_source_is_one_sentence(project):
    with project.transaction("build") as session:
        ids = _build(session)
    with project.session() as session:
        assert [m.id for m in load_marks(session, ids["source"])] == [ids["panel"], ids["long"], ids["whole"]]
        assert load_marks(session, ids["source"] + 99) == []
        with pytest.raises(SourceNotFound, match="no longer in this project"):
            load_transcript(session, ids["source"] + 99)


def test_labels_on_their_own_line_or_missing():
    text = "Sam: one\n\n00:01:10 Ann\nwords\nmore"
    assert label_span(text, 0, 5) == (0, 4)
    ann = text.index("00:01:10")
    assert label_span(text, 8, text.index("words")) == (ann, ann + len("00:01:10 Ann"))
    assert label_span(text, 8, 8) == (8, 8)  # a turn right after the previous one: no label
    assert label_span("x\n\nwords", 1, 3) == (3, 3)  # only a blank line before it


def test_overlapping_codings_split_into_elementary_intervals():
    def mark(i, start, end):
        return CodingMark(i, i, "T", "T", "#000000", "C", "", start, end, "")

    marks = [mark(1, 0, 10), mark(2, 5, 15), mark(3, 5, 8), mark(4, 20, 25), mark(5, 25, 30)]
    assert coverage_intervals(marks) == [
        Interval(0, 5, (0,)), Interval(5, 8, (0, 1, 2)), Interval(8, 10, (0, 1)), Interval(10, 15, (1,)),
        Interval(20, 25, (3,)), Interval(25, 30, (4,)),
    ]
    assert coverage_intervals([]) == []


def test_utf16_offsets_round_trip_around_astral_characters():
    text = "a😀b🇬🇧c"
    offsets = Utf16Offsets(text)
    qt_text_length = len(text.encode("utf-16-le")) // 2
    assert [offsets.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, qt_text_length]
    assert [offsets.to_python(offsets.to_utf16(i)) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert offsets.to_python(2) == 1  # between the halves of 😀: the emoji's own offset
    plain = Utf16Offsets("plain text")
    assert plain.identity and plain.to_utf16(7) == 7 and plain.to_python(7) == 7
