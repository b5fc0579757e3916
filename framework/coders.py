"""Coders: the people whose names every write carries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Coder


def find_coder(session: Session, name: str) -> int | None:
    """The id of the coder with this name, or None if they have not written yet."""
    return session.scalar(select(Coder.id).where(Coder.name == " ".join(name.split())))


def ensure_coder(session: Session, name: str, initials: str | None = None) -> int:
    """The id of the coder with this name, adding them on first use."""
    name = " ".join(name.split())
    coder = session.scalar(select(Coder).where(Coder.name == name))
    if coder is None:
        coder = Coder(name=name, initials=initials or "".join(w[0] for w in name.split())[:4].upper())
        session.add(coder)
        session.flush()
    return coder.id
