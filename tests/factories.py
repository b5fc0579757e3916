"""Small, explicit builders for test data, written through the real models."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models import Coder, Coding, Participant, Site, Source, Theme, Turn

INTERVIEW = (
    "Interviewer: How do the partners work together?\n"
    "Sam: We meet every month at the tasking meeting. It helps a lot.\n"
)


@dataclass(frozen=True)
class Study:
    coder_id: int
    site_id: int
    source_id: int
    theme_id: int
    participant_id: int
    turn_ids: tuple[int, ...]
    coding_id: int


def add_study(session: Session, text: str = INTERVIEW) -> Study:
    """One site, one interview with two turns, one theme and one coding of Sam's turn."""
    coder = Coder(name="Alex Coder", initials="AC")
    site = Site(name="Site A")
    interviewer = Participant(name="Interviewer", site=site, is_interviewer=True)
    sam = Participant(name="Sam", site=site, participant_type="partner agency")
    source = Source(name="Site A partner interview", site=site, text=text)
    theme = Theme(name="Information sharing", colour="#56B4E9")
    session.add_all([coder, site, interviewer, sam, source, theme])
    session.flush()
    split = text.index("Sam:")
    turns = [
        Turn(source_id=source.id, participant_id=interviewer.id, start=0, end=split),
        Turn(source_id=source.id, participant_id=sam.id, start=split, end=len(text)),
    ]
    session.add_all(turns)
    coded_start = text.index("We meet")
    coding = Coding(
        source_id=source.id,
        theme_id=theme.id,
        coder_id=coder.id,
        start=coded_start,
        end=text.index(" It helps"),
    )
    session.add(coding)
    session.flush()
    return Study(
        coder.id, site.id, source.id, theme.id, sam.id, tuple(t.id for t in turns), coding.id
    )
