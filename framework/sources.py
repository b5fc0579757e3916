"""Reading sources back: the list of transcripts, one transcript's text and its turns."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Participant, Site, Source, Turn
from models.errors import CharterError


class SourceNotFound(CharterError):
    """No source, or more than one, answers to the name or id given."""


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    site: str | None
    method: str
    words: int
    turns: int
    speakers: list[str]

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TurnRow:
    speaker: str | None
    label: str
    participant_type: str | None
    interviewer: bool
    start: int
    end: int
    timestamp: float | None

    def as_json(self) -> dict:
        return asdict(self)


def list_sources(session: Session) -> list[SourceRow]:
    """All sources with their counts, in three queries whatever the number of sources."""
    turn_counts = dict(
        session.execute(select(Turn.source_id, func.count()).group_by(Turn.source_id)).all()
    )
    speakers: dict[int, list[str]] = {}
    rows = session.execute(
        select(Turn.source_id, Participant.name)
        .join(Participant, Participant.id == Turn.participant_id)
        .group_by(Turn.source_id, Participant.name)
        .order_by(Turn.source_id, func.min(Turn.start))
    )
    for source_id, name in rows:
        speakers.setdefault(source_id, []).append(name)
    sources = session.execute(
        select(Source.id, Source.name, Site.name, Source.method, Source.word_count)
        .outerjoin(Site, Site.id == Source.site_id)
        .order_by(Site.position, Site.name, Source.name)
    )
    return [
        SourceRow(id_, name, site, method, words, turn_counts.get(id_, 0), speakers.get(id_, []))
        for id_, name, site, method, words in sources
    ]


def find_source(session: Session, reference: str) -> Source:
    """A source by id (digits) or by exact, then case-insensitive, name."""
    if reference.isdigit():
        source = session.get(Source, int(reference))
        if source is not None:
            return source
    for condition in (Source.name == reference, func.lower(Source.name) == reference.lower()):
        matches = session.scalars(select(Source).where(condition)).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise SourceNotFound(f"{len(matches)} sources are called {reference!r}; use the id instead.")
    raise SourceNotFound(f"There is no source {reference!r} in this project.")


def source_turns(session: Session, source_id: int) -> list[TurnRow]:
    rows = session.execute(
        select(Participant.name, Participant.participant_type, Participant.is_interviewer,
               Turn.start, Turn.end, Turn.timestamp_seconds, Turn.speaker_label)
        .select_from(Turn)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Turn.source_id == source_id)
        .order_by(Turn.start)
    )
    return [
        TurnRow(name, label, ptype, bool(interviewer), start, end, timestamp)
        for name, ptype, interviewer, start, end, timestamp, label in rows
    ]
