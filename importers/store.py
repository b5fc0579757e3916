"""Writing a parsed transcript into the project: its site, source, participants, turns
and attributes. Runs inside the caller's transaction (one per file)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from importers.document import ParsedDocument
from importers.speakers import is_generic_label, is_interviewer_label
from models.canonical import count_words
from models.cases import participant_name_key
from models.search_index import index_turns
from models import (
    AttributeDefinition,
    Participant,
    ParticipantAttributeValue,
    Site,
    SiteAttributeValue,
    Source,
    SourceAttributeValue,
    Turn,
)

#: The table holding the attribute values of each kind of owner (``ENTITY_KINDS``); the
#: attributes editor and the matrix use it too.
VALUE_TABLES = {
    "site": SiteAttributeValue,
    "participant": ParticipantAttributeValue,
    "source": SourceAttributeValue,
}


@dataclass(frozen=True)
class Speaker:
    """Who a speaker label in one file turned out to be."""

    participant: str
    participant_type: str | None
    is_interviewer: bool


@dataclass
class SourcePlan:
    """Everything decided about one file before it is written."""

    name: str
    original_filename: str
    site: str | None
    method: str
    date: dt.date | None
    provenance: dict[str, Any]
    resolve_speaker: Callable[[str, str], Speaker]  # (label, final source name) -> who
    attributes: dict[str, Any] = field(default_factory=dict)  # name -> TypedValue
    participant: str | None = None  # whose text a file without speaker labels is (the sheet's)
    participant_type: str | None = None  # the type of speakers nothing else describes


def sole_speaker(plan: SourcePlan, source_name: str) -> Speaker:
    """Who speaks in a source without speaker labels (written answers, prose notes, an
    observation): one participant whose words are all of its text. The attributes sheet
    names them; otherwise they are named after the source (its final, unique name), so
    two unlabelled files are never taken for one person by accident. They belong to the
    source's site and have the batch's participant type, like any other speaker."""
    return Speaker(plan.participant or source_name, plan.participant_type, False)


def sole_speaker_note(words: int, speaker: Speaker) -> str:
    """What the import and its preview say about a source without speaker labels."""
    return (f"No speaker labels found: all {words:,} words are treated as one participant, "
            f"“{speaker.participant}”.")


def default_speaker(
    label: str, *, source_name: str, participant_type: str | None, interviewer: str | None
) -> Speaker:
    """Without a speaker map: interviewer labels are the interviewer (named by the sheet
    when it names one); role labels such as "R" or "Speaker 2" are a person of this
    source only; a name is a person of the site, who may speak in other sources too."""
    if is_interviewer_label(label) or (
            interviewer and participant_name_key(label) == participant_name_key(interviewer)):
        return Speaker(interviewer or label, None, True)
    if is_generic_label(label):
        return Speaker(f"{label} ({source_name})", participant_type, False)
    return Speaker(label, participant_type, False)


def unique_source_name(session: Session, wanted: str) -> str:
    taken = set(session.scalars(select(Source.name).where(Source.name.startswith(wanted))))
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted} ({number})" in taken:
        number += 1
    return f"{wanted} ({number})"


def get_or_create_site(session: Session, name: str) -> Site:
    site = session.scalar(select(Site).where(Site.name == name))
    if site is None:
        site = Site(name=name, position=len(session.scalars(select(Site.id)).all()))
        session.add(site)
        session.flush()
    return site


def get_or_create_participant(session: Session, site: Site | None, speaker: Speaker) -> Participant:
    site_id = None if speaker.is_interviewer or site is None else site.id
    condition = Participant.site_id.is_(None) if site_id is None else Participant.site_id == site_id
    # The same person may be spelt "JOSÉ" in one transcript and "José" in another.
    participant = session.scalar(
        select(Participant).where(condition, Participant.name_key == participant_name_key(speaker.participant))
    )
    if participant is None:
        participant = Participant(
            site_id=site_id,
            name=speaker.participant,
            participant_type=speaker.participant_type,
            is_interviewer=speaker.is_interviewer,
        )
        session.add(participant)
        session.flush()
    elif participant.participant_type is None and speaker.participant_type:
        participant.participant_type = speaker.participant_type
    return participant


def store_document(session: Session, parsed: ParsedDocument, plan: SourcePlan) -> Source:
    """The source, its participants and turns. A file without speaker labels is all one
    participant's (``sole_speaker``): its turns are theirs, and its provenance notes say so."""
    site = get_or_create_site(session, plan.site) if plan.site else None
    source_name = unique_source_name(session, plan.name)
    provenance = plan.provenance
    sole = None if parsed.speakers else sole_speaker(plan, source_name)
    if sole is not None:
        note = sole_speaker_note(count_words(parsed.text), sole)
        provenance = {**provenance, "notes": [*provenance.get("notes", []), note]}
    source = Source(
        name=source_name,
        site=site,
        method=plan.method,
        date=plan.date,
        text=parsed.text,
        original_filename=plan.original_filename,
        provenance=provenance,
        imported_by_id=plan.provenance.get("coder_id"),
    )
    session.add(source)
    session.flush()
    participants: dict[str | None, int] = {}
    for label in parsed.speakers:
        speaker = plan.resolve_speaker(label, source.name)
        participants[label] = get_or_create_participant(session, site, speaker).id
    if sole is not None:
        participants[None] = get_or_create_participant(session, site, sole).id
    store_turns(session, source.id, parsed, participants)
    for name, value in plan.attributes.items():
        set_attribute(session, "source", source.id, name, value)
    return source


def store_turns(
    session: Session, source_id: int, parsed: ParsedDocument, participants: dict[str | None, int]
) -> None:
    """Turns and their search-index rows. Core, not ORM, inserts: turns are the bulk of
    an import and need no objects. ``participants`` maps each speaker label to its
    participant; under ``None``, the participant of turns without a label (only a file
    without speaker labels has one: a preamble is nobody's)."""
    if not parsed.turns:
        return
    texts = [parsed.text[turn.start:turn.end] for turn in parsed.turns]
    rows = [
        {
            "source_id": source_id,
            "participant_id": participants.get(turn.speaker),
            "start": turn.start,
            "end": turn.end,
            "timestamp_seconds": turn.timestamp,
            "speaker_label": turn.speaker or "",
            "word_count": count_words(words),
        }
        for turn, words in zip(parsed.turns, texts)
    ]
    connection = session.connection()
    ids = connection.execute(insert(Turn.__table__).returning(Turn.id, sort_by_parameter_order=True), rows).scalars().all()
    index_turns(connection, zip(ids, texts))


def set_attribute(session: Session, kind: str, owner_id: int, name: str, value) -> None:
    """Store a typed value (``value_type`` + ``text``/``number``/``date``), creating the
    attribute's definition on first use. A value whose type differs from the existing
    definition is kept as text rather than lost."""
    definition = session.scalar(
        select(AttributeDefinition).where(
            AttributeDefinition.entity_kind == kind, AttributeDefinition.name == name
        )
    )
    if definition is None:
        position = len(session.scalars(
            select(AttributeDefinition.id).where(AttributeDefinition.entity_kind == kind)
        ).all())
        definition = AttributeDefinition(
            entity_kind=kind, name=name, value_type=value.value_type, position=position
        )
        session.add(definition)
        session.flush()
    table = VALUE_TABLES[kind]
    row = session.scalar(
        select(table).where(table.owner_id == owner_id, table.definition_id == definition.id)
    )
    if row is None:
        row = table(owner_id=owner_id, definition_id=definition.id)
        session.add(row)
    row.text_value = row.number_value = row.date_value = None
    if definition.value_type == value.value_type == "number":
        row.number_value = value.number
    elif definition.value_type == value.value_type == "date":
        row.date_value = value.date
    else:
        row.text_value = _as_text(value)


def _as_text(value) -> str:
    if value.value_type == "number":
        return f"{value.number:g}"
    if value.value_type == "date":
        return value.date.isoformat()
    return value.text or ""
