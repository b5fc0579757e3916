"""One transcript as a reader shows it: text, speaker turns and the codings over it.

The transcript view opens a source far more often than anything else in Charter, so
everything it needs comes back in four queries whatever the number of turns or codings:
the source, its turns with their speakers, its codings with their coders and themes, and
the theme paths. Codings can be re-read on their own (``load_marks``) when only they
changed, which is what happens after every coding action.

Also here, because they are plain text and interval arithmetic that tests can pin down
without a window: where each turn's speaker label and timestamp sit in the text, the
elementary intervals of overlapping codings (what a highlighter paints), and the mapping
between Python offsets and the UTF-16 positions that Qt and Word count in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.codebook import theme_paths
from framework.sources import SourceNotFound, source_turns
from models import Coder, Coding, Source, Theme
from models.canonical import strip_span

#: A clock time inside a speaker label: "[00:12:34]", "(12:34)", "00:12:34.5".
TIMESTAMP = re.compile(r"[\[(]?\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?\b[\])]?")
#: Characters outside the Basic Multilingual Plane: one Python index, two UTF-16 units.
ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@dataclass(frozen=True)
class TranscriptTurn:
    """A speaker turn. ``[start, end)`` is what was said; the label that introduced it
    ("Janet Morris:", "[00:12:34] Speaker 2:") is ``[label_start, label_end)``, before
    ``start`` in the text, and ``time_spans`` are the clock times inside that label."""

    speaker: str | None
    label: str
    participant_type: str | None
    interviewer: bool
    start: int
    end: int
    timestamp: float | None
    label_start: int
    label_end: int
    time_spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class CodingMark:
    """One coding as the reader draws it."""

    id: int
    theme_id: int
    theme_path: str
    theme_name: str
    colour: str
    coder_name: str
    coder_initials: str
    start: int
    end: int
    memo: str
    coder_id: int = 0


@dataclass(frozen=True)
class Transcript:
    source_id: int
    name: str
    text: str
    turns: list[TranscriptTurn]
    codings: list[CodingMark]

    def codings_at(self, offset: int) -> list[CodingMark]:
        """Codings whose passage contains ``offset`` (in order of start)."""
        return [m for m in self.codings if m.start <= offset < m.end]

    def turn_at(self, offset: int) -> TranscriptTurn | None:
        """The turn whose words or label contain ``offset``."""
        starts = [t.label_start for t in self.turns]
        index = bisect_right(starts, offset) - 1
        if index >= 0 and offset < self.turns[index].end:
            return self.turns[index]
        return None


@dataclass(frozen=True)
class Interval:
    """A stretch of text covered by exactly the same codings (``marks`` are indices into
    the list the intervals were computed from)."""

    start: int
    end: int
    marks: tuple[int, ...]


def load_transcript(session: Session, source_id: int) -> Transcript:
    """Everything the reader shows for one source."""
    row = session.execute(select(Source.name, Source.text).where(Source.id == source_id)).first()
    if row is None:
        raise SourceNotFound(f"Source {source_id} is no longer in this project.")
    name, text = row
    turns = []
    previous_end = 0
    for turn in source_turns(session, source_id):
        if turn.speaker is None and not turn.label:  # a preamble or heading: nobody's label
            label_start = label_end = turn.start
        else:
            label_start, label_end = label_span(text, previous_end, turn.start)
        turns.append(TranscriptTurn(
            turn.speaker, turn.label, turn.participant_type, turn.interviewer, turn.start, turn.end,
            turn.timestamp, label_start, label_end, timestamp_spans(text, label_start, label_end)))
        previous_end = turn.end
    return Transcript(source_id, name, text, turns, load_marks(session, source_id))


def load_marks(session: Session, source_id: int) -> list[CodingMark]:
    """The source's codings with their theme and coder, sorted by start (then end, id)."""
    rows = session.execute(
        select(Coding.id, Coding.theme_id, Theme.name, Theme.colour, Coder.name, Coder.initials,
               Coding.start, Coding.end, Coding.memo, Coding.coder_id)
        .join(Theme, Theme.id == Coding.theme_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.source_id == source_id)
        .order_by(Coding.start, Coding.end, Coding.id)
    ).all()
    if not rows:
        return []
    paths = theme_paths(session)
    return [
        CodingMark(id_, theme_id, paths.get(theme_id, theme), theme, colour, coder, initials or "",
                   start, end, memo or "", coder_id)
        for id_, theme_id, theme, colour, coder, initials, start, end, memo, coder_id in rows
    ]


def label_span(text: str, previous_end: int, start: int) -> tuple[int, int]:
    """Where the speaker label before a turn starting at ``start`` lies.

    The label is on the turn's own line ("Sam: words") or, for labels that stand alone
    ("00:12:34 Speaker 2"), on the last non-blank line before it; never before the end of
    the previous turn. A turn with no label (a preamble) gets an empty span at ``start``.
    """
    line_start = text.rfind("\n", previous_end, start) + 1 if start > previous_end else start
    line_start = max(line_start, previous_end)
    low, high = strip_span(text, line_start, start)
    if low == high and line_start > previous_end:
        before = text.rfind("\n", previous_end, line_start - 1)
        low, high = strip_span(text, max(before + 1, previous_end), line_start)
    return (low, high) if low < high else (start, start)


def timestamp_spans(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    if start >= end:
        return ()
    return tuple((found.start(), found.end()) for found in TIMESTAMP.finditer(text, start, end))


def coverage_intervals(marks: list[CodingMark]) -> list[Interval]:
    """Split overlapping codings into the stretches each covered by one fixed set of
    codings: a highlighter paints each stretch once, in the blend of its themes."""
    events = sorted([(m.end, 0, i) for i, m in enumerate(marks)] + [(m.start, 1, i) for i, m in enumerate(marks)])
    intervals: list[Interval] = []
    active: set[int] = set()
    previous = 0
    for position, opening, index in events:
        if active and position > previous:
            intervals.append(Interval(previous, position, tuple(sorted(active))))
        if opening:
            active.add(index)
        else:
            active.discard(index)
        previous = position
    return intervals


class Utf16Offsets:
    """Python offsets (code points) to and from UTF-16 positions.

    Qt's text classes, Word and JavaScript count a character outside the Basic
    Multilingual Plane (most emoji) as two units; Charter's offsets count it as one.
    Transcripts rarely contain such characters, so the usual case costs one regular
    expression scan and every conversion is then the identity.
    """

    def __init__(self, text: str) -> None:
        astral = [found.start() for found in ASTRAL.finditer(text)]
        self._python = astral  # Python offsets of astral characters
        self._utf16 = [offset + index for index, offset in enumerate(astral)]  # their UTF-16 positions

    @property
    def identity(self) -> bool:
        return not self._python

    def to_utf16(self, offset: int) -> int:
        if not self._python:
            return offset
        return offset + bisect_left(self._python, offset)

    def to_python(self, position: int) -> int:
        """A UTF-16 position back to a Python offset; a position between the two halves
        of a surrogate pair falls back to the start of its character."""
        if not self._utf16:
            return position
        before = bisect_left(self._utf16, position)  # astral characters starting before it
        if before and position == self._utf16[before - 1] + 1:
            return self._python[before - 1]
        return position - before
