"""Finding the cases of the analysis (participants) by the names users type."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from framework.errors import CharterError
from models import Participant, Site


def find_participant(session: Session, reference: str) -> Participant:
    """A participant by id, by "Site/Name", or by a name only one participant has."""
    if reference.isdigit():
        found = session.get(Participant, int(reference))
        if found is not None:
            return found
    query = select(Participant).outerjoin(Site, Site.id == Participant.site_id)
    if "/" in reference:
        site, name = (part.strip() for part in reference.split("/", 1))
        query = query.where(func.lower(Site.name) == site.lower(), func.lower(Participant.name) == name.lower())
    else:
        query = query.where(func.lower(Participant.name) == reference.strip().lower())
    matches = session.scalars(query).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise CharterError(f"{len(matches)} participants are called {reference!r}; write Site/Name or the id.")
    raise CharterError(f"There is no participant {reference!r} in this project.")
