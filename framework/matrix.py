"""The framework matrix: cases (rows) × themes (columns), counted from coded passages.

Rows are participants (the Framework method's cases), or sources, sites or participant
types; participant rows are grouped by site then type by default, or by any attribute.
Columns are the themes at a chosen depth; a column counts its sub-themes' codings too.

What a cell counts, for the row's non-interviewer speech only:
* passages — distinct coded passages (same source and same span of the row's speech),
  so a passage coded at two sub-themes of one column, or by two coders, counts once;
  passages that only partly overlap are different passages, and the words they share
  count in each;
* sources — distinct sources those passages come from;
* words — the row's words inside those passages;
* coverage — words as a percentage of all the row's spoken words.
Everything is computed by a handful of grouped queries, whatever the number of cells.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from framework.codebook import theme_paths
from framework.errors import CharterError
from models import (
    AttributeDefinition,
    Coding,
    CodingSegment,
    Participant,
    ParticipantAttributeValue,
    Site,
    SiteAttributeValue,
    Source,
    SourceAttributeValue,
    Summary,
    Theme,
    Turn,
)

ROW_KINDS = ("participant", "source", "site", "type")


@dataclass(frozen=True)
class MatrixRow:
    id: int | str
    label: str
    site: str | None
    type: str | None
    group: str


@dataclass(frozen=True)
class MatrixColumn:
    id: int
    path: str


@dataclass
class MatrixCell:
    row: int | str
    column: int
    passages: int = 0
    sources: int = 0
    words: int = 0
    coverage: float = 0.0
    summary: str | None = None
    status: str | None = None


@dataclass
class Matrix:
    rows: list[MatrixRow]
    columns: list[MatrixColumn]
    cells: dict[tuple[int | str, int], MatrixCell]
    row_totals: dict[int | str, MatrixCell] = field(default_factory=dict)
    column_totals: dict[int, MatrixCell] = field(default_factory=dict)

    def cell(self, row: int | str, column: int) -> MatrixCell:
        return self.cells.get((row, column)) or MatrixCell(row, column)

    def as_json(self) -> dict:
        def total(cell: MatrixCell, key: str) -> dict:
            data = {key: getattr(cell, key), "passages": cell.passages, "sources": cell.sources, "words": cell.words}
            if key == "row":
                data["coverage"] = cell.coverage
            return data

        return {
            "rows": [asdict(row) for row in self.rows],
            "columns": [asdict(column) for column in self.columns],
            "cells": [asdict(cell) for cell in self.cells.values()],
            "row_totals": [total(self.row_totals.get(r.id) or MatrixCell(r.id, 0), "row") for r in self.rows],
            "column_totals": [
                total(self.column_totals.get(c.id) or MatrixCell(0, c.id), "column") for c in self.columns
            ],
        }


def build_matrix(
    session: Session,
    *,
    rows: str = "participant",
    group_by: tuple[str, ...] = ("site", "type"),
    depth: int = 1,
    filters: dict[str, str] | None = None,
    coder_id: int | None = None,
) -> Matrix:
    if rows not in ROW_KINDS:
        raise CharterError(f"Rows can be {', '.join(ROW_KINDS)}, not {rows!r}.")
    if depth < 1:
        raise CharterError("The theme depth starts at 1 (top-level themes).")
    columns, column_of = _columns(session, depth)
    participants, sources = _filtered_ids(session, filters or {})
    matrix_rows = _rows(session, rows, group_by, participants, sources)
    if not columns or not matrix_rows:
        return Matrix(matrix_rows, columns, {})
    keyed = _keyed_segments(rows, column_of, participants, sources, coder_id)
    spoken = _spoken_words(session, rows, participants, sources)
    row_ids = {row.id for row in matrix_rows}
    matrix = Matrix(matrix_rows, columns, {})
    for key, column, passages, n_sources, words in session.execute(_cell_counts(keyed, by_row=True, by_column=True)):
        if key in row_ids:
            matrix.cells[(key, column)] = _cell(key, column, passages, n_sources, words, spoken.get(key))
    for key, _none, passages, n_sources, words in session.execute(_cell_counts(keyed, by_row=True, by_column=False)):
        if key in row_ids:
            matrix.row_totals[key] = _cell(key, 0, passages, n_sources, words, spoken.get(key))
    for _none, column, passages, n_sources, words in session.execute(_cell_counts(keyed, by_row=False, by_column=True)):
        matrix.column_totals[column] = _cell(0, column, passages, n_sources, words, None)
    if rows == "participant":
        _attach_summaries(session, matrix, {c.id for c in columns})
    return matrix


def _cell(row, column, passages, n_sources, words, spoken) -> MatrixCell:
    words = int(words or 0)
    coverage = round(100.0 * words / spoken, 2) if spoken else 0.0
    return MatrixCell(row, column, int(passages), int(n_sources), words, min(coverage, 100.0))


def _columns(session: Session, depth: int) -> tuple[list[MatrixColumn], dict[int, int]]:
    """Themes at ``depth`` (and leaves above it), in tree order, and each theme's column.

    A theme above ``depth`` that has sub-themes is not a column itself, unless passages
    were coded to it directly: then it keeps a column of its own for those, so that no
    coding drops out of the matrix.
    """
    themes = session.execute(select(Theme.id, Theme.parent_id).order_by(Theme.position, Theme.id)).all()
    children: dict[int | None, list[int]] = {}
    for theme_id, parent_id in themes:
        children.setdefault(parent_id, []).append(theme_id)
    coded_directly = set(session.scalars(select(Coding.theme_id).distinct()))
    paths = theme_paths(session)
    columns: list[MatrixColumn] = []
    column_of: dict[int, int] = {}

    def walk(theme_id: int, level: int, column: int | None) -> None:
        if column is None and (level == depth or not children.get(theme_id)):
            column = theme_id
            columns.append(MatrixColumn(theme_id, paths[theme_id]))
        elif column is None and theme_id in coded_directly:
            columns.append(MatrixColumn(theme_id, paths[theme_id]))
            column_of[theme_id] = theme_id
        if column is not None:
            column_of[theme_id] = column
        for child in children.get(theme_id, []):
            walk(child, level + 1, column)

    for top in children.get(None, []):
        walk(top, 1, None)
    return columns, column_of


def _keyed_segments(rows: str, column_of: dict[int, int], participants, sources, coder_id) -> Select:
    """One line per (row, column, coding): the row's part of that coded passage (its span
    within the row's own turns, so a coding that starts in the interviewer's question
    and one that starts at the answer are the same passage for the participant) and
    the row's words in it."""
    column_map = union_all(*(
        select(literal(theme).label("theme_id"), literal(column).label("column_id"))
        for theme, column in column_of.items()
    )).subquery("column_map")
    row_key = {
        "participant": CodingSegment.participant_id,
        "source": Coding.source_id,
        "site": Participant.site_id,
        "type": Participant.participant_type,
    }[rows]
    query = (
        select(row_key.label("row_key"), column_map.c.column_id, Coding.source_id,
               func.min(CodingSegment.start).label("start"), func.max(CodingSegment.end).label("end"),
               func.sum(CodingSegment.words).label("words"))
        .select_from(CodingSegment)
        .join(Coding, Coding.id == CodingSegment.coding_id)
        .join(column_map, column_map.c.theme_id == Coding.theme_id)
        .join(Participant, Participant.id == CodingSegment.participant_id)
        .where(Participant.is_interviewer.is_(False))
        .group_by(row_key, column_map.c.column_id, Coding.id, Coding.source_id)
    )
    if participants is not None:
        query = query.where(CodingSegment.participant_id.in_(participants))
    if sources is not None:
        query = query.where(Coding.source_id.in_(sources))
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    return query.subquery("keyed")


def _cell_counts(keyed, *, by_row: bool, by_column: bool) -> Select:
    """Distinct passages per cell (or per row, or per column) and what they hold.

    A passage is one row's part of a coded span; the same part coded twice within the
    group (two sub-themes, two coders) is counted once.
    """
    parts = [keyed.c.row_key, keyed.c.source_id, keyed.c.start, keyed.c.end, keyed.c.words]
    if by_column:
        parts.insert(1, keyed.c.column_id)
    passages = select(*parts).distinct().subquery("passages")
    row = passages.c.row_key if by_row else literal(None)
    column = passages.c.column_id if by_column else literal(None)
    group = [c for c, wanted in ((row, by_row), (column, by_column)) if wanted]
    return (
        select(row.label("row"), column.label("column"), func.count(),
               func.count(func.distinct(passages.c.source_id)), func.sum(passages.c.words))
        .group_by(*group)
    )


def _spoken_words(session: Session, rows: str, participants, sources) -> dict:
    key = {"participant": Turn.participant_id, "source": Turn.source_id,
           "site": Participant.site_id, "type": Participant.participant_type}[rows]
    query = (select(key, func.sum(Turn.word_count))
             .join(Participant, Participant.id == Turn.participant_id)
             .where(Participant.is_interviewer.is_(False)).group_by(key))
    if participants is not None:
        query = query.where(Turn.participant_id.in_(participants))
    if sources is not None:
        query = query.where(Turn.source_id.in_(sources))
    return {k: int(v or 0) for k, v in session.execute(query)}


# --- rows, groups and filters ---------------------------------------------------------

def _attribute_values(session: Session, name: str) -> tuple[str, dict[int, str]] | None:
    definition = session.scalar(select(AttributeDefinition).where(func.lower(AttributeDefinition.name) == name.lower()))
    if definition is None:
        return None
    table = {"site": SiteAttributeValue, "participant": ParticipantAttributeValue,
             "source": SourceAttributeValue}[definition.entity_kind]
    values = {}
    for owner, text, number, date in session.execute(
        select(table.owner_id, table.text_value, table.number_value, table.date_value)
        .where(table.definition_id == definition.id)
    ):
        values[owner] = text if text is not None else (f"{number:g}" if number is not None else
                                                       (date.isoformat() if date else ""))
    return definition.entity_kind, values


def _participant_facts(session: Session) -> list:
    return session.execute(
        select(Participant.id, Participant.name, Participant.participant_type, Participant.site_id,
               Site.name.label("site_name"), Site.position)
        .outerjoin(Site, Site.id == Participant.site_id)
        .where(Participant.is_interviewer.is_(False))
    ).all()


def _filtered_ids(session: Session, filters: dict[str, str]) -> tuple[set[int] | None, set[int] | None]:
    """Participants and sources allowed by ``name=value`` filters (None: no restriction)."""
    participants: set[int] | None = None
    sources: set[int] | None = None
    facts = _participant_facts(session) if filters else []
    for name, value in filters.items():
        wanted = value.casefold()
        key = name.casefold()
        if key in ("site", "type", "participant"):
            field_of = {"site": "site_name", "type": "participant_type", "participant": "name"}[key]
            allowed = {f.id for f in facts if (getattr(f, field_of) or "").casefold() == wanted}
            participants = allowed if participants is None else participants & allowed
        elif key == "method":
            allowed = set(session.scalars(select(Source.id).where(func.lower(Source.method) == wanted)))
            sources = allowed if sources is None else sources & allowed
        else:
            found = _attribute_values(session, name)
            if found is None:
                raise CharterError(f"There is no attribute {name!r} to filter by.")
            kind, values = found
            owners = {owner for owner, text in values.items() if text.casefold() == wanted}
            if kind == "source":
                sources = owners if sources is None else sources & owners
            else:
                allowed = owners if kind == "participant" else {f.id for f in facts if f.site_id in owners}
                participants = allowed if participants is None else participants & allowed
    return participants, sources


def _rows(session: Session, kind: str, group_by, participants, sources) -> list[MatrixRow]:
    # Sites and participant types are already the groups: they are not grouped again.
    groupers = [] if kind in ("site", "type") else [_grouper(session, kind, name) for name in group_by]
    if kind == "participant":
        facts = [f for f in _participant_facts(session) if participants is None or f.id in participants]
        if sources is not None:
            speaking = set(session.scalars(select(Turn.participant_id).where(Turn.source_id.in_(sources))))
            facts = [f for f in facts if f.id in speaking]
        items = [(f.id, f.name, f.site_name, f.participant_type, (f.position if f.site_name else 10**9, f.site_name or "")) for f in facts]
    elif kind == "source":
        query = select(Source.id, Source.name, Site.name, Site.position).outerjoin(Site, Site.id == Source.site_id)
        items = [(i, n, s, None, (p if s else 10**9, s or "")) for i, n, s, p in session.execute(query)
                 if sources is None or i in sources]
    elif kind == "site":
        items = [(i, n, n, None, (p, n)) for i, n, p in session.execute(select(Site.id, Site.name, Site.position))]
    else:
        types = sorted({f.participant_type for f in _participant_facts(session) if f.participant_type})
        items = [(t, t, None, t, (0, "")) for t in types]
    rows = []
    for row_id, label, site, ptype, site_order in items:
        parts = [grouper(row_id) for grouper in groupers]
        rows.append((tuple(_order(part, site_order) for part in parts), label.casefold(),
                     MatrixRow(row_id, label, site, ptype, " / ".join(parts))))
    return [row for *_key, row in sorted(rows, key=lambda item: (item[0], item[1]))]


def _order(part: str, site_order: tuple) -> tuple:
    return (1, "") if part == "(none)" else (0, part.casefold())


def _grouper(session: Session, kind: str, name: str):
    """A function giving a row's label for one grouping (site, type, method or attribute)."""
    key = name.casefold()
    if kind == "participant":
        facts = {f.id: f for f in _participant_facts(session)}
        if key == "site":
            return lambda row_id: facts[row_id].site_name or "(none)"
        if key == "type":
            return lambda row_id: facts[row_id].participant_type or "(none)"
    if kind == "source":
        info = {i: (s, m) for i, s, m in session.execute(
            select(Source.id, Site.name, Source.method).outerjoin(Site, Site.id == Source.site_id))}
        if key == "site":
            return lambda row_id: info[row_id][0] or "(none)"
        if key in ("method", "type"):
            return lambda row_id: info[row_id][1]
    found = _attribute_values(session, name)
    if found is None:
        raise CharterError(f"There is no attribute {name!r} to group by.")
    owner_kind, values = found
    if owner_kind == kind:
        return lambda row_id: values.get(row_id) or "(none)"
    if owner_kind == "site" and kind == "participant":
        facts = {f.id: f.site_id for f in _participant_facts(session)}
        return lambda row_id: values.get(facts[row_id]) or "(none)"
    raise CharterError(f"Rows of {kind}s cannot be grouped by the {owner_kind} attribute {name!r}.")


def _attach_summaries(session: Session, matrix: Matrix, column_ids: set[int]) -> None:
    row_ids = {row.id for row in matrix.rows}
    for participant_id, theme_id, text, status in session.execute(
        select(Summary.participant_id, Summary.theme_id, Summary.text, Summary.status)
        .where(Summary.theme_id.in_(column_ids))
    ):
        if participant_id in row_ids:
            cell = matrix.cells.setdefault((participant_id, theme_id), MatrixCell(participant_id, theme_id))
            cell.summary, cell.status = text, status
