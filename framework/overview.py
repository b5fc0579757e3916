"""What is in a project, in numbers: the figures behind ``charter info``."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Coding, Participant, ProjectInfo, Site, Source, Summary, Theme


@dataclass(frozen=True)
class ProjectOverview:
    name: str
    guid: str
    created: str
    created_with: str
    schema_version: str
    sites: int
    participants: int
    sources: int
    words: int
    themes: int
    codings: int
    summaries: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def project_overview(session: Session, schema_version: str) -> ProjectOverview:
    """Counts for the whole project. Participants exclude interviewers, as every count does."""
    info = session.get(ProjectInfo, 1)
    if info is None:
        raise LookupError("the project has no project row")

    def count(statement) -> int:
        return int(session.scalar(statement) or 0)

    return ProjectOverview(
        name=info.name,
        guid=info.guid,
        created=info.created_at.isoformat(timespec="seconds"),
        created_with=info.created_with,
        schema_version=schema_version,
        sites=count(select(func.count()).select_from(Site)),
        participants=count(
            select(func.count()).select_from(Participant).where(Participant.is_interviewer.is_(False))
        ),
        sources=count(select(func.count()).select_from(Source)),
        words=count(select(func.sum(Source.word_count))),
        themes=count(select(func.count()).select_from(Theme)),
        codings=count(select(func.count()).select_from(Coding)),
        summaries=count(select(func.count()).select_from(Summary)),
    )
