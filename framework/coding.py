"""Coding: applying themes to passages, removing them, memos, and reading codings back.

Rules that keep the numbers honest:
* One coder's codings of one theme in one source never overlap or touch: applying a
  theme over (or next to) an existing coding of the same theme by the same coder merges
  them into one, so a passage is never counted twice.
* Uncoding part of a coding shortens it, or splits it in two.
Every change returns an ``Edit`` naming what was created and a snapshot of what was
removed, which is all an undo needs (``undo_edit``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from framework.errors import CharterError
from framework.segments import CodingSpan, source_turns, write_segments
from models import Coder, Coding, CodingSegment, Comment, Participant, Source, SummaryCitation, Theme, Turn
from models.canonical import strip_span


@dataclass(frozen=True)
class CodingSnapshot:
    """Everything needed to put a removed coding back exactly as it was."""

    id: int
    source_id: int
    theme_id: int
    coder_id: int
    start: int
    end: int
    memo: str
    created_at: datetime


@dataclass
class Edit:
    created: list[int] = field(default_factory=list)
    removed: list[CodingSnapshot] = field(default_factory=list)
    covered_by: int | None = None  # nothing changed: this coding already covers the passage

    @property
    def result_id(self) -> int | None:
        """The coding that now holds the passage."""
        return self.created[-1] if self.created else self.covered_by


def _span(coding: Coding) -> CodingSpan:
    return CodingSpan(coding.id, coding.theme_id, coding.start, coding.end)


def _snapshot(coding: Coding) -> CodingSnapshot:
    return CodingSnapshot(coding.id, coding.source_id, coding.theme_id, coding.coder_id,
                          coding.start, coding.end, coding.memo, coding.created_at)


def _source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise CharterError(f"Source {source_id} does not exist.")
    return source


def _check_span(source: Source, start: int, end: int) -> None:
    if not (0 <= start < end <= source.text_length):
        raise CharterError(
            f"The span {start}–{end} is not inside {source.name!r}, which has {source.text_length} characters."
        )


def _check_refs(session: Session, theme_id: int, coder_id: int) -> None:
    if session.get(Theme, theme_id) is None:
        raise CharterError(f"Theme {theme_id} does not exist.")
    if session.get(Coder, coder_id) is None:
        raise CharterError(f"Coder {coder_id} does not exist.")


def _same_key(session: Session, source_id: int, theme_id: int, coder_id: int):
    return session.scalars(
        select(Coding).where(Coding.source_id == source_id, Coding.theme_id == theme_id,
                             Coding.coder_id == coder_id).order_by(Coding.start, Coding.id)
    ).all()


def _repoint(session: Session, old_ids: list[int], new_id: int) -> None:
    """Comments and summary citations follow a coding when it is merged into another."""
    if not old_ids:
        return
    session.execute(Comment.__table__.update().where(Comment.coding_id.in_(old_ids)).values(coding_id=new_id))
    cited = set(session.scalars(select(SummaryCitation.summary_id).where(SummaryCitation.coding_id == new_id)))
    for citation in session.scalars(select(SummaryCitation).where(SummaryCitation.coding_id.in_(old_ids))).all():
        if citation.summary_id in cited:
            session.delete(citation)
        else:
            citation.coding_id = new_id
            cited.add(citation.summary_id)
    session.flush()


def apply_coding(session: Session, source_id: int, theme_id: int, start: int, end: int,
                 coder_id: int, memo: str = "") -> Edit:
    """Code ``text[start:end]`` with a theme; merges with this coder's touching codings."""
    source = _source(session, source_id)
    _check_span(source, start, end)
    _check_refs(session, theme_id, coder_id)
    touching = [c for c in _same_key(session, source_id, theme_id, coder_id) if c.start <= end and start <= c.end]
    if len(touching) == 1 and touching[0].start <= start and end <= touching[0].end and not memo:
        return Edit(covered_by=touching[0].id)  # already coded: nothing changes
    edit = Edit(removed=[_snapshot(c) for c in touching])
    memos = [c.memo for c in touching if c.memo] + ([memo] if memo else [])
    merged = Coding(
        source_id=source_id, theme_id=theme_id, coder_id=coder_id,
        start=min([start, *(c.start for c in touching)]), end=max([end, *(c.end for c in touching)]),
        memo="\n\n".join(dict.fromkeys(memos)),
    )
    if touching:
        merged.created_at = min(c.created_at for c in touching)
    session.add(merged)
    session.flush()
    _repoint(session, [c.id for c in touching], merged.id)
    for coding in touching:
        session.delete(coding)
    session.flush()
    write_segments(session, source_id, [_span(merged)], source.text, source_turns(session, source_id))
    edit.created.append(merged.id)
    return edit


def uncode(session: Session, source_id: int, theme_id: int, start: int, end: int,
           coder_id: int | None = None) -> Edit:
    """Remove a theme from ``[start, end)``: codings inside go, codings across the edge
    are shortened, a coding around the span is split in two. Only ``coder_id``'s
    codings when given, everyone's otherwise."""
    source = _source(session, source_id)
    _check_span(source, start, end)
    query = select(Coding).where(Coding.source_id == source_id, Coding.theme_id == theme_id,
                                 Coding.start < end, start < Coding.end)
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    edit = Edit()
    pieces = []
    for coding in session.scalars(query).all():
        edit.removed.append(_snapshot(coding))
        for low, high in ((coding.start, start), (end, coding.end)):
            if low < high:
                pieces.append(Coding(source_id=source_id, theme_id=theme_id, coder_id=coding.coder_id,
                                     start=low, end=high, memo=coding.memo, created_at=coding.created_at))
        session.delete(coding)
    session.flush()
    session.add_all(pieces)
    session.flush()
    write_segments(session, source_id, [_span(p) for p in pieces], source.text, source_turns(session, source_id))
    edit.created.extend(p.id for p in pieces)
    return edit


def delete_coding(session: Session, coding_id: int) -> Edit:
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise CharterError(f"Coding {coding_id} does not exist.")
    edit = Edit(removed=[_snapshot(coding)])
    session.delete(coding)
    session.flush()
    return edit


def coding_snapshots(session: Session, coding_ids: list[int]) -> list[CodingSnapshot]:
    """Snapshots of codings as they are now (to re-create them, same ids, on redo)."""
    if not coding_ids:
        return []
    found = {c.id: c for c in session.scalars(select(Coding).where(Coding.id.in_(coding_ids)))}
    return [_snapshot(found[i]) for i in coding_ids if i in found]


def undo_edit(session: Session, edit: Edit) -> Edit:
    """Reverse an edit: delete what it created, restore what it removed (same ids)."""
    if edit.created:
        session.execute(delete(Coding).where(Coding.id.in_(edit.created)))
    restored = []
    for snap in edit.removed:
        session.add(Coding(**asdict(snap)))
        restored.append(snap)
    session.flush()
    by_source: dict[int, list[CodingSpan]] = {}
    for snap in restored:
        by_source.setdefault(snap.source_id, []).append(CodingSpan(snap.id, snap.theme_id, snap.start, snap.end))
    for source_id, codings in by_source.items():
        write_segments(session, source_id, codings, _source(session, source_id).text, source_turns(session, source_id))
    return Edit(created=[s.id for s in restored], removed=[])


def set_memo(session: Session, coding_id: int, memo: str) -> str:
    """Returns the previous memo (for undo)."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise CharterError(f"Coding {coding_id} does not exist.")
    previous, coding.memo = coding.memo, memo.strip()
    session.flush()
    return previous


def normalise_codings(session: Session, source_id: int, theme_id: int, coder_id: int) -> int:
    """Combine one coder's overlapping or touching codings of one theme in one source
    (after a merge of themes brought two sets together). Returns how many were absorbed."""
    codings = _same_key(session, source_id, theme_id, coder_id)
    absorbed, changed = 0, []
    current = None
    for coding in codings:
        if current is not None and coding.start <= current.end:
            _repoint(session, [coding.id], current.id)
            current.end = max(current.end, coding.end)
            if coding.memo and coding.memo not in current.memo:
                current.memo = "\n\n".join(m for m in (current.memo, coding.memo) if m)
            session.delete(coding)
            absorbed += 1
            changed.append(current)
        else:
            current = coding
    if changed:
        session.flush()
        source = _source(session, source_id)
        write_segments(session, source_id, [_span(c) for c in dict.fromkeys(changed)],
                       source.text, source_turns(session, source_id))
    return absorbed


@dataclass(frozen=True)
class CodingRow:
    id: int
    source_id: int
    source: str
    theme_id: int
    coder: str
    start: int
    end: int
    memo: str
    speakers: list[str]


def list_codings(session: Session, *, source_id: int | None = None, theme_ids: list[int] | None = None,
                 participant_id: int | None = None, coder_id: int | None = None) -> list[CodingRow]:
    """Codings filtered by any of source, themes, participant (who said it) and coder,
    in source and text order, each with the (non-interviewer) speakers it covers."""
    query = (select(Coding.id, Coding.source_id, Source.name, Coding.theme_id, Coder.name,
                    Coding.start, Coding.end, Coding.memo)
             .join(Source, Source.id == Coding.source_id).join(Coder, Coder.id == Coding.coder_id))
    if source_id is not None:
        query = query.where(Coding.source_id == source_id)
    if theme_ids is not None:
        query = query.where(Coding.theme_id.in_(theme_ids))
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    if participant_id is not None:
        query = query.where(Coding.id.in_(
            select(CodingSegment.coding_id).where(CodingSegment.participant_id == participant_id)))
    rows = session.execute(query.order_by(Source.name, Coding.start, Coding.id)).all()
    speakers = coding_speakers(session, [row[0] for row in rows])
    return [CodingRow(*row, speakers.get(row[0], [])) for row in rows]


def coding_speakers(session: Session, coding_ids: list[int]) -> dict[int, list[str]]:
    """Who said each coded passage: the participants of the turns it overlaps,
    interviewers left out."""
    result: dict[int, list[str]] = {}
    for start in range(0, len(coding_ids), 900):
        chunk = coding_ids[start:start + 900]
        rows = session.execute(
            select(CodingSegment.coding_id, Participant.name)
            .join(Participant, Participant.id == CodingSegment.participant_id)
            .where(CodingSegment.coding_id.in_(chunk), Participant.is_interviewer.is_(False))
            .order_by(CodingSegment.coding_id, CodingSegment.start)
        )
        for coding_id, name in rows:
            names = result.setdefault(coding_id, [])
            if name not in names:
                names.append(name)
    return result


# --- units: the sentence, paragraph or turn around an offset ---------------------------

def sentence_at(text: str, offset: int) -> tuple[int, int]:
    from framework.nlp import sentence_spans

    low, high = paragraph_at(text, offset)
    for start, end in sentence_spans(text[low:high]):
        if low + start <= offset < low + end or offset == low + end:
            return low + start, low + end
    return low, high


def paragraph_at(text: str, offset: int) -> tuple[int, int]:
    """The line around ``offset`` (paragraphs are lines in canonical text), trimmed."""
    offset = max(0, min(offset, len(text)))
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    return strip_span(text, start, end)


def turn_at(session: Session, source_id: int, offset: int) -> tuple[int, int] | None:
    row = session.execute(
        select(Turn.start, Turn.end).where(Turn.source_id == source_id, Turn.start <= offset, offset < Turn.end)
        .order_by(Turn.start.desc()).limit(1)
    ).first()
    return (row.start, row.end) if row else None
