"""Charting: the summary written into each participant × theme cell, its history,
its citations of coded extracts, and its review status.

Saving uses optimistic concurrency: the caller says which version it loaded; if
someone saved since, ``SummaryConflict`` carries both texts and nothing is overwritten.
A summary cites an extract with ``[[C123]]`` (coding 123) in its text; the citations
are kept as links so that the GUI and the Word export can render them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from framework.errors import CharterError
from models import SUMMARY_STATUSES, Coding, Comment, Participant, ReviewEvent, Summary, SummaryCitation, SummaryRevision, Theme
from models.base import utcnow

CITATION = re.compile(r"\[\[C(\d+)\]\]")

# Which review status may follow which: a lead approves or returns what was submitted.
TRANSITIONS = {
    "draft": {"submitted"},
    "submitted": {"approved", "returned", "draft"},
    "returned": {"submitted", "draft"},
    "approved": {"returned", "draft"},
}


class SummaryConflict(CharterError):
    def __init__(self, yours: str, theirs: str, version: int, author_id: int) -> None:
        super().__init__(
            "Someone else saved this summary after you opened it; "
            "your text was not saved, so that you can combine the two."
        )
        self.yours, self.theirs, self.version, self.author_id = yours, theirs, version, author_id


@dataclass(frozen=True)
class SummaryState:
    id: int
    participant_id: int
    theme_id: int
    text: str
    status: str
    version: int
    citations: list[int]


def citation_ids(text: str) -> list[int]:
    return list(dict.fromkeys(int(number) for number in CITATION.findall(text)))


def get_summary(session: Session, participant_id: int, theme_id: int) -> SummaryState | None:
    summary = session.scalar(select(Summary).where(Summary.participant_id == participant_id,
                                                   Summary.theme_id == theme_id))
    return _state(summary) if summary else None


def _state(summary: Summary) -> SummaryState:
    return SummaryState(summary.id, summary.participant_id, summary.theme_id, summary.text,
                        summary.status, summary.version, [c.coding_id for c in summary.citations])


def save_summary(session: Session, participant_id: int, theme_id: int, text: str, *, author_id: int,
                 expected_version: int | None, cite: list[int] | None = None) -> SummaryState:
    """Write a cell's summary. ``expected_version`` is the version the author loaded
    (None for a cell that had no summary). The previous text becomes a revision."""
    if session.get(Participant, participant_id) is None:
        raise CharterError(f"Participant {participant_id} does not exist.")
    if session.get(Theme, theme_id) is None:
        raise CharterError(f"Theme {theme_id} does not exist.")
    summary = session.scalar(select(Summary).where(Summary.participant_id == participant_id,
                                                   Summary.theme_id == theme_id).with_for_update())
    current = summary.version if summary else None
    if current != expected_version:
        raise SummaryConflict(text, summary.text if summary else "", current or 0,
                              summary.author_id if summary else author_id)
    cited = list(dict.fromkeys([*citation_ids(text), *(cite or [])]))
    missing = set(cited) - set(session.scalars(select(Coding.id).where(Coding.id.in_(cited))))
    if missing:
        raise CharterError(f"The summary cites coding {min(missing)}, which does not exist.")
    if summary is None:
        summary = _insert_first(session, participant_id, theme_id, text, author_id)
    else:
        if summary.text == text and [c.coding_id for c in summary.citations] == cited:
            return _state(summary)
        session.add(SummaryRevision(summary_id=summary.id, version=summary.version, text=summary.text,
                                    author_id=summary.author_id, saved_at=summary.updated_at))
        summary.text, summary.author_id = text, author_id
        summary.citations.clear()
        session.flush()
    summary.citations.extend(SummaryCitation(coding_id=c, position=i) for i, c in enumerate(cited))
    session.flush()
    return _state(summary)


def _insert_first(session: Session, participant_id: int, theme_id: int, text: str, author_id: int) -> Summary:
    """The cell's first summary, or ``SummaryConflict`` if someone else's first save won.

    An empty cell has no row to lock, so two first saves both get this far; on
    PostgreSQL the second insert waits on the unique index until the first commits and
    then fails. The insert runs in a savepoint so that failure leaves this transaction
    usable: the winner's row is read back and handed over as "theirs"."""
    summary = Summary(participant_id=participant_id, theme_id=theme_id, text=text, author_id=author_id)
    try:
        with session.begin_nested():
            session.add(summary)
    except IntegrityError:
        winner = session.scalar(select(Summary).where(Summary.participant_id == participant_id,
                                                      Summary.theme_id == theme_id))
        if winner is None:  # not the unique cell: some other rule refused the row
            raise
        raise SummaryConflict(text, winner.text, winner.version, winner.author_id) from None
    return summary


def append_to_summary(session: Session, summary: Summary, text: str, *, author_id: int) -> None:
    """Add a paragraph to an existing summary (used when themes are merged), keeping a revision."""
    session.add(SummaryRevision(summary_id=summary.id, version=summary.version, text=summary.text,
                                author_id=summary.author_id, saved_at=summary.updated_at))
    summary.text = f"{summary.text}\n\n{text}" if summary.text else text
    summary.author_id = author_id
    session.flush()


@dataclass(frozen=True)
class Revision:
    version: int
    text: str
    author_id: int
    saved_at: datetime


def summary_history(session: Session, summary_id: int) -> list[Revision]:
    rows = session.execute(
        select(SummaryRevision.version, SummaryRevision.text, SummaryRevision.author_id, SummaryRevision.saved_at)
        .where(SummaryRevision.summary_id == summary_id).order_by(SummaryRevision.version)
    )
    return [Revision(*row) for row in rows]


def set_status(session: Session, summary_id: int, status: str, *, reviewer_id: int, note: str = "") -> str:
    """Change a summary's review status, recording who did it and why; returns the old one."""
    summary = session.get(Summary, summary_id)
    if summary is None:
        raise CharterError(f"Summary {summary_id} does not exist.")
    if status not in SUMMARY_STATUSES:
        raise CharterError(f"{status!r} is not a review status; use one of {', '.join(SUMMARY_STATUSES)}.")
    if status not in TRANSITIONS[summary.status]:
        raise CharterError(f"A {summary.status} summary cannot be marked {status}.")
    previous = summary.status
    session.add(ReviewEvent(summary_id=summary_id, reviewer_id=reviewer_id, from_status=previous,
                            to_status=status, note=note))
    summary.status = status
    session.flush()
    return previous


def add_comment(session: Session, *, author_id: int, text: str, summary_id: int | None = None,
                coding_id: int | None = None) -> int:
    if (summary_id is None) == (coding_id is None):
        raise CharterError("A comment belongs to exactly one summary or one coding.")
    if not text.strip():
        raise CharterError("A comment needs some text.")
    comment = Comment(author_id=author_id, text=text.strip(), summary_id=summary_id, coding_id=coding_id,
                      created_at=utcnow())
    session.add(comment)
    session.flush()
    return comment.id
