"""The cases and sources as tables to edit: sites, participants and sources with their
fixed fields and typed attributes.

Each edit is one small operation that returns the value it replaced, so that an undo
can put it back exactly. Values typed by hand are read the way the import sheets read
them (``importers.sheet_values``): "1,200" is a number, "12/03/2013" is 12 March, and a
value that cannot be read is refused with one sentence rather than stored as something
else. Names stay unique where a person would otherwise be unable to tell two apart, and
that is checked ignoring case, as people (and the importer) compare names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from framework.errors import CharterError
from importers.sheet_values import method_choices, parse_date, parse_method, parse_number
from importers.store import VALUE_TABLES
from models import (
    ENTITY_KINDS,
    METHODS,
    VALUE_TYPES,
    AttributeDefinition,
    Participant,
    Site,
    Source,
)
from models.cases import participant_name_key

OWNER_TABLES = {"site": Site, "participant": Participant, "source": Source}
#: Names the matrix's filters and groupings already give a meaning to.
RESERVED_NAMES = frozenset({"site", "type", "participant", "participant type", "method", "name",
                            "date", "interviewer", "source"})
DATE_FORMATS = "2013-03-12, 12/03/2013 or 12 March 2013"


# --- what the editor shows --------------------------------------------------------------

@dataclass(frozen=True)
class StoredValue:
    """An attribute value as stored: exactly one of the three fields is set."""

    text: str | None = None
    number: float | None = None
    date: date | None = None

    @property
    def value(self) -> str | float | date:
        if self.number is not None:
            return self.number
        if self.date is not None:
            return self.date
        return self.text or ""

    def display(self) -> str:
        if self.number is not None:
            return f"{self.number:g}"
        if self.date is not None:
            return self.date.isoformat()
        return self.text or ""


@dataclass(frozen=True)
class AttributeColumn:
    id: int
    kind: str
    name: str
    value_type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteRecord:
    id: int
    name: str
    values: dict[int, StoredValue] = field(default_factory=dict)


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    name: str
    site_id: int | None
    site: str | None
    participant_type: str | None
    is_interviewer: bool
    values: dict[int, StoredValue] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceRecord:
    id: int
    name: str
    site_id: int | None
    site: str | None
    method: str
    date: date | None
    values: dict[int, StoredValue] = field(default_factory=dict)


Record = SiteRecord | ParticipantRecord | SourceRecord


@dataclass(frozen=True)
class AttributeTable:
    kind: str
    columns: list[AttributeColumn]
    records: list[Record]


def attribute_columns(session: Session, kind: str) -> list[AttributeColumn]:
    _check_kind(kind)
    definitions = session.scalars(
        select(AttributeDefinition).where(AttributeDefinition.entity_kind == kind)
        .order_by(AttributeDefinition.position, AttributeDefinition.id))
    return [_column(d) for d in definitions]


def attribute_table(session: Session, kind: str) -> AttributeTable:
    """Every site, participant or source with its fields and attribute values, in a few
    queries (definitions, values, owners), site by site in the project's order."""
    columns = attribute_columns(session, kind)
    table = VALUE_TABLES[kind]
    values: dict[int, dict[int, StoredValue]] = {}
    for owner, definition, text, number, when in session.execute(
        select(table.owner_id, table.definition_id, table.text_value, table.number_value, table.date_value)
    ):
        values.setdefault(owner, {})[definition] = StoredValue(text, number, when)
    if kind == "site":
        rows = session.execute(select(Site.id, Site.name, Site.position))
        records: list[Record] = [SiteRecord(i, n, values.get(i, {}))
                                 for i, n, _p in sorted(rows, key=lambda r: (r[2], r[1].casefold()))]
        return AttributeTable(kind, columns, records)
    places = {i: (p, n.casefold()) for i, n, p in session.execute(select(Site.id, Site.name, Site.position))}
    if kind == "participant":
        rows = session.execute(
            select(Participant.id, Participant.name, Participant.site_id, Site.name,
                   Participant.participant_type, Participant.is_interviewer)
            .outerjoin(Site, Site.id == Participant.site_id))
        records = [ParticipantRecord(i, n, s, sn, t, bool(iv), values.get(i, {})) for i, n, s, sn, t, iv in rows]
    else:
        rows = session.execute(
            select(Source.id, Source.name, Source.site_id, Site.name, Source.method, Source.date)
            .outerjoin(Site, Site.id == Source.site_id))
        records = [SourceRecord(i, n, s, sn, m, d, values.get(i, {})) for i, n, s, sn, m, d in rows]
    # Sorted here, not in SQL: the two back ends order NULLs and letter case differently.
    records.sort(key=lambda r: (r.site_id is None, places.get(r.site_id, (0, "")), r.name.casefold(), r.id))
    return AttributeTable(kind, columns, records)


def site_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every site, in the project's order, for a site picker."""
    return [tuple(row) for row in session.execute(select(Site.id, Site.name).order_by(Site.position, Site.name))]


def participant_names(session: Session) -> dict[int, str]:
    """Every participant's name by id: one cheap query that tells a view whether any
    name it shows (a source's speakers) has changed."""
    return dict(session.execute(select(Participant.id, Participant.name)).all())


def participant_types(session: Session) -> list[str]:
    """The participant types in use, for a type picker (new types may be typed too)."""
    types = session.scalars(select(Participant.participant_type).where(
        Participant.participant_type.is_not(None)).distinct())
    return sorted(types, key=str.casefold)


# --- sites ------------------------------------------------------------------------------

def rename_site(session: Session, site_id: int, name: str) -> str:
    site = _get(session, Site, site_id, "Site")
    name = _clean_name(name, "A site")
    if any(other != site_id and existing.casefold() == name.casefold()
           for other, existing in session.execute(select(Site.id, Site.name))):
        raise CharterError(f"There is already a site called {name!r}.")
    previous, site.name = site.name, name
    session.flush()
    return previous


# --- participants -----------------------------------------------------------------------

def rename_participant(session: Session, participant_id: int, name: str) -> str:
    participant = _get(session, Participant, participant_id, "Participant")
    name = _clean_name(name, "A participant")
    _check_participant_name_free(session, participant, participant.site_id, name)
    previous, participant.name = participant.name, name
    session.flush()
    return previous


def set_participant_site(session: Session, participant_id: int, site_id: int | None) -> int | None:
    participant = _get(session, Participant, participant_id, "Participant")
    if site_id is not None:
        _get(session, Site, site_id, "Site")
    _check_participant_name_free(session, participant, site_id, participant.name)
    previous, participant.site_id = participant.site_id, site_id
    session.flush()
    return previous


def set_participant_type(session: Session, participant_id: int, participant_type: str | None) -> str | None:
    """A blank type means none; types are free text (new types are simply typed)."""
    participant = _get(session, Participant, participant_id, "Participant")
    cleaned = " ".join((participant_type or "").split()) or None
    if cleaned is not None and len(cleaned) > 100:
        raise CharterError("A participant type can be at most 100 characters long.")
    previous, participant.participant_type = participant.participant_type, cleaned
    session.flush()
    return previous


def set_interviewer(session: Session, participant_id: int, is_interviewer: bool) -> bool:
    """Interviewers and moderators are kept out of every count in the matrix."""
    participant = _get(session, Participant, participant_id, "Participant")
    previous, participant.is_interviewer = bool(participant.is_interviewer), bool(is_interviewer)
    session.flush()
    return previous


def _check_participant_name_free(session: Session, participant: Participant, site_id: int | None,
                                 name: str) -> None:
    """Refuse a name another participant of the site (or with no site) has, compared as
    the database's uniqueness rule compares them (``participant_name_key``)."""
    condition = Participant.site_id.is_(None) if site_id is None else Participant.site_id == site_id
    taken = session.scalar(select(Participant.id).where(
        condition, Participant.id != participant.id, Participant.name_key == participant_name_key(name)))
    if taken is not None:
        where = "with no site" if site_id is None else f"at {session.get(Site, site_id).name}"
        raise CharterError(f"There is already a participant called {name!r} {where}.")


# --- sources ----------------------------------------------------------------------------

def rename_source(session: Session, source_id: int, name: str) -> str:
    source = _get(session, Source, source_id, "Source")
    name = _clean_name(name, "A source", limit=300)
    if any(other != source_id and existing.casefold() == name.casefold()
           for other, existing in session.execute(select(Source.id, Source.name))):
        raise CharterError(f"There is already a source called {name!r}.")
    previous, source.name = source.name, name
    session.flush()
    return previous


def set_source_site(session: Session, source_id: int, site_id: int | None) -> int | None:
    source = _get(session, Source, source_id, "Source")
    if site_id is not None:
        _get(session, Site, site_id, "Site")
    previous, source.site_id = source.site_id, site_id
    session.flush()
    return previous


def set_source_method(session: Session, source_id: int, method: str) -> str:
    """``method`` in Charter's spelling or a friendly one ("Focus group", "phone")."""
    source = _get(session, Source, source_id, "Source")
    canonical = method if method in METHODS else parse_method(method or "")
    if canonical is None:
        raise CharterError(f"{method!r} is not a method Charter knows; use one of: {method_choices()}.")
    previous, source.method = source.method, canonical
    session.flush()
    return previous


def set_source_date(session: Session, source_id: int, when: date | str | None) -> date | None:
    source = _get(session, Source, source_id, "Source")
    parsed = _parse_date(when, "the source's date")
    previous, source.date = source.date, parsed
    session.flush()
    return previous


# --- attribute definitions ----------------------------------------------------------------

@dataclass(frozen=True)
class AttributeSnapshot:
    """A removed attribute with all its values, enough to put it back with the same ids."""

    column: AttributeColumn
    position: int
    values: tuple[tuple[int, StoredValue], ...]  # (owner id, value)


def check_new_attribute(session: Session, kind: str, name: str, value_type: str,
                        choices: list[str] | tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """The cleaned name and choices of an attribute that may be added, or the reason it
    may not (so a dialog can say so before anything is stored)."""
    _check_kind(kind)
    if value_type not in VALUE_TYPES:
        raise CharterError(f"{value_type!r} is not an attribute type; use one of: {', '.join(VALUE_TYPES)}.")
    name = _clean_name(name, "An attribute")
    _check_attribute_name_free(session, name, None)
    cleaned = tuple(dict.fromkeys(c for c in (" ".join(choice.split()) for choice in choices) if c))
    if value_type == "choice" and not cleaned:
        raise CharterError(f"Give {name!r} at least one choice, separated by commas.")
    return name, cleaned if value_type == "choice" else ()


def add_attribute(session: Session, kind: str, name: str, value_type: str,
                  choices: list[str] | tuple[str, ...] = ()) -> int:
    """A new attribute of sites, participants or sources, after the existing ones;
    returns its definition id."""
    name, cleaned = check_new_attribute(session, kind, name, value_type, choices)
    position = session.scalar(select(func.coalesce(func.max(AttributeDefinition.position) + 1, 0))
                              .where(AttributeDefinition.entity_kind == kind))
    definition = AttributeDefinition(entity_kind=kind, name=name, value_type=value_type,
                                     choices=list(cleaned) or None, position=position)
    session.add(definition)
    session.flush()
    return definition.id


def rename_attribute(session: Session, definition_id: int, name: str) -> str:
    definition = _get(session, AttributeDefinition, definition_id, "Attribute")
    name = _clean_name(name, "An attribute")
    _check_attribute_name_free(session, name, definition_id)
    previous, definition.name = definition.name, name
    session.flush()
    return previous


def remove_attribute(session: Session, definition_id: int) -> AttributeSnapshot:
    """Remove an attribute and every value of it; the snapshot restores both."""
    definition = _get(session, AttributeDefinition, definition_id, "Attribute")
    table = VALUE_TABLES[definition.entity_kind]
    values = tuple(
        (owner, StoredValue(text, number, when))
        for owner, text, number, when in session.execute(
            select(table.owner_id, table.text_value, table.number_value, table.date_value)
            .where(table.definition_id == definition_id).order_by(table.owner_id)))
    snapshot = AttributeSnapshot(_column(definition), definition.position, values)
    session.execute(delete(table).where(table.definition_id == definition_id))
    session.delete(definition)
    session.flush()
    return snapshot


def restore_attribute(session: Session, snapshot: AttributeSnapshot) -> None:
    """Put a removed attribute back with its id, position and values."""
    column = snapshot.column
    session.add(AttributeDefinition(id=column.id, entity_kind=column.kind, name=column.name,
                                    value_type=column.value_type, choices=list(column.choices) or None,
                                    position=snapshot.position))
    session.flush()
    if snapshot.values:
        session.execute(insert(VALUE_TABLES[column.kind]), [
            {"owner_id": owner, "definition_id": column.id, "text_value": value.text,
             "number_value": value.number, "date_value": value.date}
            for owner, value in snapshot.values])


def _check_attribute_name_free(session: Session, name: str, definition_id: int | None) -> None:
    """Attribute names are unique across sites, participants and sources, because the
    matrix's filters and groupings name an attribute by its name alone."""
    if name.casefold() in RESERVED_NAMES:
        raise CharterError(f"{name!r} is already a column of its own; choose another attribute name.")
    for other_id, kind, existing in session.execute(
        select(AttributeDefinition.id, AttributeDefinition.entity_kind, AttributeDefinition.name)
    ):
        if other_id != definition_id and existing.casefold() == name.casefold():
            raise CharterError(f"There is already a {kind} attribute called {existing!r}.")


# --- attribute values ---------------------------------------------------------------------

def parse_attribute_value(column: AttributeColumn, raw: object) -> StoredValue | None:
    """The value to store for what was typed or picked; None (no value) for a blank.
    Raises CharterError, in one sentence, for a value the attribute's type cannot take."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if column.value_type == "number":
        number = parse_number(raw.strip() if isinstance(raw, str) else raw)
        if number is None:
            raise CharterError(f"{_shown(raw)} is not a number; {column.name} takes numbers such as 12 or 3.5.")
        return StoredValue(number=number)
    if column.value_type == "date":
        return StoredValue(date=_parse_date(raw, column.name))
    text = " ".join(str(raw).split())
    if column.value_type == "choice" and column.choices:
        match = next((c for c in column.choices if c.casefold() == text.casefold()), None)
        if match is None:
            raise CharterError(f"{text!r} is not one of the choices for {column.name}: {', '.join(column.choices)}.")
        text = match
    return StoredValue(text=text)


def set_attribute_value(session: Session, definition_id: int, owner_id: int, raw: object) -> StoredValue | None:
    """Store one typed value (a blank removes it); returns the value it replaced."""
    definition = _get(session, AttributeDefinition, definition_id, "Attribute")
    value = parse_attribute_value(_column(definition), raw)
    return put_attribute_value(session, definition_id, owner_id, value)


def put_attribute_value(session: Session, definition_id: int, owner_id: int,
                        value: StoredValue | None) -> StoredValue | None:
    """Store exactly ``value`` (None: no value), as an undo must; returns the previous."""
    definition = _get(session, AttributeDefinition, definition_id, "Attribute")
    kind = definition.entity_kind
    _get(session, OWNER_TABLES[kind], owner_id, kind.capitalize())
    table = VALUE_TABLES[kind]
    row = session.scalar(select(table).where(table.owner_id == owner_id, table.definition_id == definition_id))
    previous = StoredValue(row.text_value, row.number_value, row.date_value) if row is not None else None
    if value is None:
        if row is not None:
            session.delete(row)
    else:
        if row is None:
            row = table(owner_id=owner_id, definition_id=definition_id)
            session.add(row)
        row.text_value, row.number_value, row.date_value = value.text, value.number, value.date
    session.flush()
    return previous


# --- helpers ------------------------------------------------------------------------------

def _column(definition: AttributeDefinition) -> AttributeColumn:
    return AttributeColumn(definition.id, definition.entity_kind, definition.name, definition.value_type,
                           tuple(definition.choices or ()))


def _check_kind(kind: str) -> None:
    if kind not in ENTITY_KINDS:
        raise CharterError(f"{kind!r} is not something attributes describe; use one of: {', '.join(ENTITY_KINDS)}.")


def _get(session: Session, model, row_id: int, what: str):
    found = session.get(model, row_id)
    if found is None:
        raise CharterError(f"{what} {row_id} does not exist; it may have been deleted.")
    return found


def _clean_name(name: str, what: str, limit: int = 200) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise CharterError(f"{what} needs a name.")
    if len(cleaned) > limit:
        raise CharterError(f"{what}'s name can be at most {limit} characters long.")
    return cleaned


def _parse_date(raw: object, what: str) -> date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    parsed = parse_date(raw.strip() if isinstance(raw, str) else raw)
    if parsed is None:
        raise CharterError(f"{_shown(raw)} is not a date Charter can read for {what}; write it as {DATE_FORMATS}.")
    return parsed


def _shown(raw: object) -> str:
    return repr(raw.strip()) if isinstance(raw, str) else repr(raw)
