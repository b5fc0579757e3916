"""Auto-coding: apply a theme to every turn of a participant, a participant type or a
site, or to every sentence, paragraph or turn that matches a search.

Always in two steps: ``autocode_passages`` lists what would be coded (the preview: how
many passages, in how many sources), ``apply_autocode`` codes it in the caller's single
transaction and returns one ``Edit`` for the whole run, so it can be undone as a unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.coding import Edit, apply_coding, paragraph_at
from framework.errors import CharterError
from models import Participant, Site, Source, Turn

UNITS = ("sentence", "paragraph", "turn")


@dataclass(frozen=True)
class Selection:
    """What to code: exactly one of participant, participant type, site, or query."""

    participant_id: int | None = None
    participant_type: str | None = None
    site: str | None = None
    query: str | None = None
    lemma: bool = False
    unit: str = "turn"


@dataclass(frozen=True)
class Preview:
    passages: list[tuple[int, int, int]]  # (source_id, start, end)

    @property
    def sources(self) -> int:
        return len({source for source, _, _ in self.passages})


def autocode_passages(session: Session, selection: Selection) -> Preview:
    chosen = [x for x in (selection.participant_id, selection.participant_type, selection.site,
                          selection.query) if x is not None]
    if len(chosen) != 1:
        raise CharterError("Choose exactly one of a participant, a participant type, a site or a search.")
    if selection.unit not in UNITS:
        raise CharterError(f"The unit of auto-coding is one of {', '.join(UNITS)}, not {selection.unit!r}.")
    if selection.query is not None:
        spans = _search_spans(session, selection)
    else:
        spans = _turn_spans(session, selection)
    return Preview(sorted(set(spans)))


def apply_autocode(session: Session, theme_id: int, coder_id: int, selection: Selection) -> Edit:
    """Code every passage of the selection; one ``Edit`` for the run, for a single undo."""
    created: list[int] = []
    removed = []
    for source_id, start, end in autocode_passages(session, selection).passages:
        edit = apply_coding(session, source_id, theme_id, start, end, coder_id)
        merged_away = {snapshot.id for snapshot in edit.removed}
        # Codings this run made and then merged were not there before it: not "removed".
        removed.extend(snapshot for snapshot in edit.removed if snapshot.id not in created)
        created = [c for c in created if c not in merged_away] + edit.created
    return Edit(created, removed)


def _turn_spans(session: Session, selection: Selection) -> list[tuple[int, int, int]]:
    query = (select(Turn.source_id, Turn.start, Turn.end)
             .join(Participant, Participant.id == Turn.participant_id))
    if selection.participant_id is not None:
        query = query.where(Turn.participant_id == selection.participant_id)
    elif selection.participant_type is not None:
        query = query.where(Participant.participant_type == selection.participant_type,
                            Participant.is_interviewer.is_(False))
    else:
        site = session.scalar(select(Site.id).where(Site.name == selection.site))
        if site is None:
            raise CharterError(f"There is no site {selection.site!r} in this project.")
        query = query.where(Participant.site_id == site, Participant.is_interviewer.is_(False))
    turns = session.execute(query.order_by(Turn.source_id, Turn.start)).all()
    if selection.unit == "turn":
        return [tuple(turn) for turn in turns]
    return _split_units(session, turns, selection.unit)


def _split_units(session: Session, turns, unit: str) -> list[tuple[int, int, int]]:
    """Each turn cut into its sentences or paragraphs (lines)."""
    from framework.nlp import sentence_spans

    spans = []
    texts: dict[int, str] = {}
    for source_id, start, end in turns:
        text = texts.setdefault(source_id, session.get(Source, source_id).text)
        piece = text[start:end]
        if unit == "paragraph":
            offset = 0
            for line in piece.split("\n"):
                stripped = line.strip()
                if stripped:
                    low = start + offset + line.index(stripped)
                    spans.append((source_id, low, low + len(stripped)))
                offset += len(line) + 1
        else:
            spans.extend((source_id, start + a, start + b) for a, b in sentence_spans(piece))
    return spans


def _search_spans(session: Session, selection: Selection) -> list[tuple[int, int, int]]:
    """The sentence, paragraph or turn around every search hit."""
    from framework.coding import sentence_at
    from framework.search import search

    spans = []
    texts: dict[int, str] = {}
    unit_at = paragraph_at if selection.unit == "paragraph" else sentence_at
    for hit in search(session, selection.query, lemma=selection.lemma):
        text = texts.setdefault(hit.source_id, session.get(Source, hit.source_id).text)
        turn = session.execute(select(Turn.start, Turn.end).where(Turn.id == hit.turn_id)).first()
        if selection.unit == "turn" and turn is not None:
            spans.append((hit.source_id, turn.start, turn.end))
            continue
        for match_start, _match_end in hit.matches or ((hit.start, hit.end),):
            low, high = unit_at(text, match_start)
            if turn is not None:  # never code the speaker label in front of a turn
                low, high = max(low, turn.start), min(high, turn.end)
            if low < high:
                spans.append((hit.source_id, low, high))
    return spans
