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


def segment_rows(
    coding_id: int, start: int, end: int, text: str, turns: Sequence[TurnSpan]
) -> list[dict]:
    """Rows for ``coding_segments``: one per overlapped turn, or one with no turn when the
    passage lies outside every turn (a source without speakers, or between turns)."""
    starts = [turn.start for turn in turns]
    index = max(bisect_right(starts, start) - 1, 0)
    rows = []
    while index < len(turns) and turns[index].start < end:
        turn = turns[index]
        low, high = max(start, turn.start), min(end, turn.end)
        if low < high:
            rows.append({
                "coding_id": coding_id, "turn_id": turn.id, "participant_id": turn.participant_id,
                "start": low, "end": high, "words": count_words(text[low:high]),
            })
        index += 1
    if not rows:
        rows.append({
            "coding_id": coding_id, "turn_id": None, "participant_id": None,
            "start": start, "end": end, "words": count_words(text[start:end]),
        })
    return rows


def write_segments(
    session: Session, codings: Iterable[tuple[int, int, int]], text: str, turns: Sequence[TurnSpan]
) -> None:
    """(Re)write the segments of ``(coding_id, start, end)`` codings of one source."""
    codings = list(codings)
    if not codings:
        return
    session.execute(delete(CodingSegment).where(CodingSegment.coding_id.in_([c[0] for c in codings])))
    rows = [row for coding in codings for row in segment_rows(*coding, text, turns)]
    session.execute(insert(CodingSegment), rows)
