"""Who said a coded passage: a coding's overlap with each speaker turn, with its words.

A coding that crosses from the interviewer's question into the answer becomes two
segments; the matrix then credits only the answer to the participant. Segments are
rewritten whenever a coding's span changes, so they are always exact.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from models import CodingSegment, Turn
from models.canonical import count_words


@dataclass(frozen=True)
class TurnSpan:
    id: int
    participant_id: int | None
    start: int
    end: int


def source_turns(session: Session, source_id: int) -> list[TurnSpan]:
    rows = session.execute(
        select(Turn.id, Turn.participant_id, Turn.start, Turn.end)
        .where(Turn.source_id == source_id)
        .order_by(Turn.start)
    )
    return [TurnSpan(*row) for row in rows]


@dataclass(frozen=True)
class CodingSpan:
    id: int
    theme_id: int
    start: int
    end: int


def segment_rows(coding: CodingSpan, source_id: int, text: str, turns: Sequence[TurnSpan]) -> list[dict]:
    """Rows for ``coding_segments``: one per overlapped turn, or one with no turn when the
    passage lies outside every turn (a source without speakers, or between turns).

    Each row also carries the participant's whole part of the coding (first start, last
    end, total words of that participant's segments), which is the passage as the
    matrix counts it for that participant.
    """
    start, end = coding.start, coding.end
    starts = [turn.start for turn in turns]
    index = max(bisect_right(starts, start) - 1, 0)
    rows = []
    while index < len(turns) and turns[index].start < end:
        turn = turns[index]
        low, high = max(start, turn.start), min(end, turn.end)
        if low < high:
            rows.append(_row(coding, source_id, turn.id, turn.participant_id, low, high, text))
        index += 1
    if not rows:
        rows.append(_row(coding, source_id, None, None, start, end, text))
    parts: dict[int | None, list[dict]] = {}
    for row in rows:
        parts.setdefault(row["participant_id"], []).append(row)
    for same in parts.values():
        first, last, words = same[0]["start"], same[-1]["end"], sum(r["words"] for r in same)
        for row in same:
            row.update(part_start=first, part_end=last, part_words=words)
    return rows


def _row(coding: CodingSpan, source_id: int, turn_id, participant_id, start: int, end: int, text: str) -> dict:
    return {
        "coding_id": coding.id, "theme_id": coding.theme_id, "source_id": source_id,
        "turn_id": turn_id, "participant_id": participant_id,
        "start": start, "end": end, "words": count_words(text[start:end]),
    }


def write_segments(
    session: Session, source_id: int, codings: Iterable[CodingSpan], text: str, turns: Sequence[TurnSpan]
) -> None:
    """(Re)write the segments of some codings of one source."""
    codings = list(codings)
    if not codings:
        return
    session.execute(delete(CodingSegment).where(CodingSegment.coding_id.in_([c.id for c in codings])))
    rows = [row for coding in codings for row in segment_rows(coding, source_id, text, turns)]
    session.execute(insert(CodingSegment), rows)
