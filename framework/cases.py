"""Finding the cases of the analysis (participants) by the names users type."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.errors import CharterError
from models import Participant, Site
from models.cases import participant_name_key


def find_participant(session: Session, reference: str) -> Participant:
    """A participant by id, by "Site/Name", or by a name only one participant has."""
    if reference.isdigit():
        found = session.get(Participant, int(reference))
        if found is not None:
            return found
    site_name, _, name = reference.partition("/") if "/" in reference else ("", "", reference)
    query = select(Participant).where(Participant.name_key == participant_name_key(name))
    if "/" in reference:
        # Site names are compared the same Unicode-aware way (SQL lower() folds only A–Z on SQLite).
        wanted = participant_name_key(site_name)
        sites = [i for i, n in session.execute(select(Site.id, Site.name)) if participant_name_key(n) == wanted]
        query = query.where(Participant.site_id.in_(sites))
    matches = session.scalars(query).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise CharterError(f"{len(matches)} participants are called {reference!r}; write Site/Name or the id.")
    raise CharterError(f"There is no participant {reference!r} in this project.")
