"""A small, hand-checkable study used by the framework tests.

Two sites; at Site A a partner interview (Sam) and a resident focus group (Ann, Bob);
at Site B a partner interview (Kit). Every turn's words are known, so every matrix
number in the tests can be worked out by hand from the text below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from framework.codebook import add_theme
from framework.coders import ensure_coder
from importers.service import ImportOptions, import_files
from models import Participant, Source

PARTNER_A = (
    "Interviewer: How do partners work together here?\n"
    "Sam: We meet every month at the tasking meeting. Leadership from the manager helps.\n"
    "Interviewer: What gets in the way?\n"
    "Sam: Funding cuts hurt us badly.\n"
)
RESIDENTS_A = (
    "Moderator: How safe does the area feel?\n"
    "Ann: Safer than before. The patrols are visible.\n"
    "Bob: I feel safer too.\n"
    "Moderator: Anything else?\n"
    "Ann: Funding cuts closed the youth club.\n"
)
PARTNER_B = (
    "Interviewer: Tell me about information sharing.\n"
    "Kit: We share data weekly with the council.\n"
)


@dataclass
class Study:
    coder: int
    other_coder: int
    themes: dict[str, int]
    sources: dict[str, int]
    people: dict[str, int]

    def text(self, session, source: str) -> str:
        return session.get(Source, self.sources[source]).text

    def span(self, session, source: str, phrase: str) -> tuple[int, int]:
        text = self.text(session, source)
        start = text.index(phrase)
        return start, start + len(phrase)


def build_study(project, folder: Path) -> Study:
    files = {"partner-a": PARTNER_A, "residents-a": RESIDENTS_A, "partner-b": PARTNER_B}
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    import_files(project, [folder / "partner-a.txt"], ImportOptions(site="Site A", participant_type="partner"))
    import_files(project, [folder / "residents-a.txt"], ImportOptions(site="Site A", participant_type="resident",
                                                                       method="focus-group"))
    import_files(project, [folder / "partner-b.txt"], ImportOptions(site="Site B", participant_type="partner"))
    with project.transaction("setup") as session:
        coder = ensure_coder(session, "Alex Coder")
        other = ensure_coder(session, "Blake Coder")
        facilitators = add_theme(session, "Facilitators")
        themes = {
            "Facilitators": facilitators,
            "Facilitators/Meetings": add_theme(session, "Meetings", parent_id=facilitators),
            "Facilitators/Leadership": add_theme(session, "Leadership", parent_id=facilitators),
            "Barriers": add_theme(session, "Barriers"),
            "Benefits": add_theme(session, "Benefits"),
        }
        sources = {name: id_ for id_, name in session.execute(select(Source.id, Source.name))}
        people = {name: id_ for id_, name in session.execute(select(Participant.id, Participant.name))}
    return Study(coder, other, themes, sources, people)
