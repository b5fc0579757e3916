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
Everything comes from a few queries whatever the number of cells: one scan of the
segments' covering index for the counts (see ``models.themes.CodingSegment``), counted
as whole arrays with numpy; one grouped query for the words each row spoke; one for the
summaries. On a 10-million-word study this stays within twice the time of the bare SQL
``GROUP BY`` of segments by participant and theme (``make bench``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from collections.abc import Iterator, MutableMapping
from itertools import chain
from pathlib import Path

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from framework.codebook import theme_paths, theme_tree
from framework.driver_rows import driver_rows
from framework.errors import CharterError
from importers.store import VALUE_TABLES
from models import (
    AttributeDefinition,
    Coding,
    CodingSegment,
    Participant,
    Site,
    Source,
    Summary,
    Theme,
    Turn,
)

ROW_KINDS = ("participant", "source", "site", "type")


@dataclass(frozen=True, slots=True)
class MatrixRow:
    id: int | str
    label: str
    site: str | None
    type: str | None
    group: str


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    id: int
    path: str


@dataclass(slots=True)
class MatrixCell:
    row: int | str
    column: int
    passages: int = 0
    sources: int = 0
    words: int = 0
    coverage: float = 0.0
    summary: str | None = None
    status: str | None = None


class CellTable(MutableMapping):
    """The cells by (row id, column id), kept as the counting's arrays and made into
    ``MatrixCell`` objects only when asked for.

    A participants × all-themes matrix of a large study has 80,000 non-empty cells, and a
    view shows a few hundred at a time: boxing every one into a Python object up front
    would cost as much as counting them. A cell once asked for is kept, so changes to it
    (a summary attached) stay.
    """

    def __init__(self, rows: list, columns: list, keys=None, counts=None) -> None:
        self._rows, self._columns = rows, columns
        self._row_at = {r: i for i, r in enumerate(rows)}
        self._column_at = {c: i for i, c in enumerate(columns)}
        empty = np.zeros(0, dtype=np.int64)
        self._keys = empty if keys is None else keys  # sorted row index × len(columns) + column index
        self._counts = (empty, empty, empty, np.zeros(0)) if counts is None else counts
        self._boxed: dict[tuple, MatrixCell] = {}  # asked for, or added
        self._removed: set[tuple] = set()

    def _position(self, key: tuple) -> int | None:
        row, column = self._row_at.get(key[0]), self._column_at.get(key[1])
        if row is None or column is None:
            return None
        packed = row * len(self._columns) + column
        position = int(np.searchsorted(self._keys, packed))
        return position if position < len(self._keys) and self._keys[position] == packed else None

    def __getitem__(self, key: tuple) -> MatrixCell:
        cell = self._boxed.get(key)
        if cell is not None:
            return cell
        position = None if key in self._removed else self._position(key)
        if position is None:
            raise KeyError(key)
        passages, sources, words, coverage = (a[position] for a in self._counts)
        cell = self._boxed[key] = MatrixCell(key[0], key[1], int(passages), int(sources), int(words),
                                             float(coverage))
        return cell

    def __setitem__(self, key: tuple, cell: MatrixCell) -> None:
        self._removed.discard(key)
        self._boxed[key] = cell

    def __delitem__(self, key: tuple) -> None:
        if key not in self:
            raise KeyError(key)
        self._boxed.pop(key, None)
        self._removed.add(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 2 and (
            key in self._boxed or (key not in self._removed and self._position(key) is not None))

    def __iter__(self) -> Iterator[tuple]:
        n_columns = len(self._columns)
        counted = set()
        for packed in self._keys.tolist():
            key = (self._rows[packed // n_columns], self._columns[packed % n_columns])
            counted.add(key)
            if key not in self._removed:
                yield key
        yield from (key for key in list(self._boxed) if key not in counted)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(slots=True)
class Matrix:
    rows: list[MatrixRow]
    columns: list[MatrixColumn]
    cells: MutableMapping[tuple[int | str, int], MatrixCell]
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


CSV_HEADER = ["group", "row_id", "row", "column_id", "theme", "passages", "sources", "words",
              "coverage", "status", "summary"]


def csv_rows(matrix: Matrix) -> Iterator[list]:
    """Long format: one line per row × column, ready for a pivot table (header first)."""
    yield CSV_HEADER
    for row in matrix.rows:
        for column in matrix.columns:
            cell = matrix.cell(row.id, column.id)
            yield [row.group, row.id, row.label, column.id, column.path, cell.passages,
                   cell.sources, cell.words, cell.coverage, cell.status or "", cell.summary or ""]


def write_matrix_csv(matrix: Matrix, path: Path) -> None:
    """The matrix's ``csv_rows`` as a UTF-8 file with a byte-order mark, which Excel needs
    to read accents; one sentence naming the file if it cannot be written."""
    try:
        with open(path, "w", newline="", encoding="utf-8-sig") as stream:
            csv.writer(stream).writerows(csv_rows(matrix))
    except OSError as error:
        raise CharterError(f"Could not write {Path(path).name}: {error.strerror or error}.") from error


def build_matrix(
    session: Session,
    *,
    rows: str = "participant",
    group_by: tuple[str, ...] = ("site", "type"),
    depth: int | None = 1,
    filters: dict[str, str] | None = None,
    coder_id: int | None = None,
) -> Matrix:
    """The matrix with columns at ``depth`` (1: top-level themes), or with every theme
    a column of its own when ``depth`` is None (see ``_every_theme``)."""
    if rows not in ROW_KINDS:
        raise CharterError(f"Rows can be {', '.join(ROW_KINDS)}, not {rows!r}.")
    if depth is None:
        return _every_theme(session, rows=rows, group_by=group_by, filters=filters, coder_id=coder_id)
    if depth < 1:
        raise CharterError("The theme depth starts at 1 (top-level themes).")
    columns, column_of = _columns(session, depth)
    participants, sources = _filtered_ids(session, filters or {})
    matrix_rows = _rows(session, rows, group_by, participants, sources)
    if not columns or not matrix_rows:
        return Matrix(matrix_rows, columns, {})
    spoken = _spoken_words(session, rows, participants, sources)
    row_ids = {row.id for row in matrix_rows}
    matrix = Matrix(matrix_rows, columns, {})
    _count(session, matrix, rows, column_of, row_ids, spoken, participants, sources, coder_id)
    if rows == "participant":
        _attach_summaries(session, matrix, {c.id for c in columns})
    return matrix


def _every_theme(session: Session, **options) -> Matrix:
    """Every theme a column, in tree order, a parent counting its sub-themes too: the
    matrices at each depth, merged. A summary can be charted into a cell at any level of
    the framework, so this is the matrix in which every summary has its cell (the CSV
    export's). The rows, and so the row totals, are the same at every depth."""
    tree = list(_tree_order(theme_tree(session)))
    levels = max((depth for _theme, depth in tree), default=1)
    matrices = [build_matrix(session, depth=depth, **options) for depth in range(1, levels + 1)]
    order = {theme_id: position for position, (theme_id, _depth) in enumerate(tree)}
    columns = {column.id: column for matrix in matrices for column in matrix.columns}
    cells: dict[tuple[int | str, int], MatrixCell] = {}
    column_totals: dict[int, MatrixCell] = {}
    # Shallowest last, so it wins: a parent's own column counts its sub-themes, while a
    # deeper matrix may hold a column for it that counts only what was coded to it directly.
    for matrix in reversed(matrices):
        cells.update(matrix.cells.items())
        column_totals.update(matrix.column_totals)
    return Matrix(matrices[0].rows, sorted(columns.values(), key=lambda column: order[column.id]), cells,
                  matrices[0].row_totals, column_totals)


def _tree_order(nodes, depth: int = 1) -> Iterator[tuple[int, int]]:
    """(theme id, depth) of every theme, parents before their sub-themes, siblings in order."""
    for node in nodes:
        yield node.id, depth
        yield from _tree_order(node.children, depth + 1)


def _count(session, matrix: Matrix, kind: str, column_of, row_ids, spoken, participants, sources, coder_id) -> None:
    """Cells, row totals and column totals from one scan of the segments' covering index.

    Each scanned line is one participant's part of one coded passage (its span and
    words) under one theme. A large study has a line per coded passage part (250,000 or
    more), so the counting is done on whole arrays with numpy rather than line by line:
    the same part coded at two sub-themes of a column, or by two coders, is one passage
    of that cell, and one passage of its row's total.
    """
    lines = driver_rows(session, _passages_query(session, participants, sources, coder_id))
    if not lines:
        return
    flat = np.fromiter(chain.from_iterable(lines), dtype=np.int64, count=6 * len(lines))
    participant, theme, source, start, end, words = flat.reshape(-1, 6).T
    rows = [row.id for row in matrix.rows]
    columns = [column.id for column in matrix.columns]
    column = _lookup(column_of, {c: i for i, c in enumerate(columns)}, theme)
    row = _row_indexes(session, kind, {r: i for i, r in enumerate(rows)}, participant, source)
    kept = (column >= 0) & (row >= 0)
    participant, source, start, end, words, row, column = (
        a[kept] for a in (participant, source, start, end, words, row, column))
    if not len(row):
        return
    # One number per distinct part (participant, source, span), whatever its theme. The
    # span packs into one integer (texts are far shorter than 2**31 characters), which
    # saves a sort key.
    span = start * (int(end.max()) + 1) + end
    order = np.lexsort((span, source, participant))
    first = np.ones(len(order), dtype=bool)
    first[1:] = ((np.diff(participant[order]) != 0) | (np.diff(source[order]) != 0)
                 | (np.diff(span[order]) != 0))
    part = np.empty(len(order), dtype=np.int64)
    part[order] = np.cumsum(first) - 1
    n_columns, n_parts, n_sources = len(columns), int(part.max()) + 1, int(source.max()) + 1

    # Cells: each part once per column.
    _, once = np.unique(column * n_parts + part, return_index=True)
    cell_key = row[once] * n_columns + column[once]
    cells = _totals(cell_key, words[once], source[once], n_sources)
    # Rows: each part once per row; columns: the cells' passages summed down.
    _, once_in_row = np.unique(part, return_index=True)
    row_totals = _totals(row[once_in_row], words[once_in_row], source[once_in_row], n_sources)
    column_totals = _totals(column[once], words[once], source[once], n_sources)

    spoken_by_row = np.array([spoken.get(r, 0) for r in rows], dtype=np.float64)
    keys, passages, n_found, n_words = cells
    coverage = _coverage(n_words, spoken_by_row[keys // n_columns])
    matrix.cells = CellTable(rows, columns, keys, (passages, n_found, n_words, coverage))
    keys, passages, n_found, n_words = row_totals
    coverage = _coverage(n_words, spoken_by_row[keys])
    for key, p, f, w, cover in zip(keys.tolist(), passages.tolist(), n_found.tolist(), n_words.tolist(),
                                   coverage.tolist()):
        matrix.row_totals[rows[key]] = MatrixCell(rows[key], 0, p, f, w, cover)
    for key, p, f, w in zip(*(a.tolist() for a in column_totals)):
        matrix.column_totals[columns[key]] = MatrixCell(0, columns[key], p, f, w, 0.0)


def _coverage(words, spoken) -> np.ndarray:
    """Words as a percentage of the row's spoken words, to 2 places, at most 100."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(spoken > 0, np.round(100.0 * words / spoken, 2), 0.0)
    return np.minimum(share, 100.0)


def _totals(key, words, source, n_sources) -> tuple[np.ndarray, ...]:
    """Distinct keys, and for each its passages, distinct sources and words."""
    keys, group, passages = np.unique(key, return_inverse=True, return_counts=True)
    summed = np.bincount(group, weights=words, minlength=len(keys)).astype(np.int64)
    pairs = np.unique(key * n_sources + source)
    found = np.bincount(np.searchsorted(keys, pairs // n_sources), minlength=len(keys))
    return keys, passages, found, summed


def _lookup(mapping: dict[int, int], index: dict, values) -> np.ndarray:
    """``index[mapping[v]]`` for each value of an integer array, -1 where there is none."""
    size = int(values.max()) + 1
    table = np.full(size, -1, dtype=np.int64)
    for key, target in mapping.items():
        if 0 <= key < size and target in index:
            table[key] = index[target]
    return table[values]


def _row_indexes(session: Session, kind: str, index: dict, participant, source) -> np.ndarray:
    """The matrix row of each line (-1: not a row shown), from its participant or source."""
    if kind == "participant":
        return _lookup({p: p for p in index}, index, participant)
    if kind == "source":
        return _lookup({s: s for s in index}, index, source)
    facts = {f.id: (f.site_id if kind == "site" else f.participant_type) for f in _participant_facts(session)}
    return _lookup(facts, index, participant)


def _passages_query(session: Session, participants, sources, coder_id) -> Select:
    """Distinct (participant, theme, source, part span, part words) of non-interviewers."""
    interviewers = list(session.scalars(select(Participant.id).where(Participant.is_interviewer.is_(True))))
    query = (
        select(CodingSegment.participant_id, CodingSegment.theme_id, CodingSegment.source_id,
               CodingSegment.part_start, CodingSegment.part_end, CodingSegment.part_words)
        .distinct()
        .where(CodingSegment.participant_id.is_not(None))
    )
    if interviewers:
        query = query.where(CodingSegment.participant_id.not_in(interviewers))
    if participants is not None:
        query = query.where(CodingSegment.participant_id.in_(participants))
    if sources is not None:
        query = query.where(CodingSegment.source_id.in_(sources))
    if coder_id is not None:
        query = query.where(CodingSegment.coding_id.in_(select(Coding.id).where(Coding.coder_id == coder_id)))
    return query


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
    table = VALUE_TABLES[definition.entity_kind]
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
    """The rows in the order a researcher expects: by group (sites in their own order,
    anything else alphabetically, numbers by value, "(none)" last), then sites by their
    position and everything else by name. With a filter, only rows it lets through."""
    # Sites and participant types are already the groups: they are not grouped again.
    groupers = [] if kind in ("site", "type") else [_grouper(session, kind, name) for name in group_by]
    allowed = _allowed_participants(session, participants, sources)
    facts = [f for f in _participant_facts(session) if allowed is None or f.id in allowed]
    if kind == "participant":
        items = [(f.id, f.name, f.site_name, f.participant_type, _natural(f.name)) for f in facts]
    elif kind == "source":
        if allowed is not None:
            speaking = set(session.scalars(select(Turn.source_id).where(Turn.participant_id.in_(allowed)).distinct()))
            sources = speaking if sources is None else speaking & sources
        query = select(Source.id, Source.name, Site.name).outerjoin(Site, Site.id == Source.site_id)
        items = [(i, n, s, None, _natural(n)) for i, n, s in session.execute(query) if sources is None or i in sources]
    elif kind == "site":
        kept = None if allowed is None else {f.site_id for f in facts}
        items = [(i, n, n, None, (p, _natural(n))) for i, n, p in session.execute(select(Site.id, Site.name, Site.position))
                 if kept is None or i in kept]
    else:
        types = {f.participant_type for f in facts if f.participant_type}
        items = [(t, t, None, t, _natural(t)) for t in types]
    rows = []
    for row_id, label, site, ptype, own_order in items:
        groups = [grouper(row_id) for grouper in groupers]
        rows.append(((tuple(order for _label, order in groups), own_order, row_id),
                     MatrixRow(row_id, label, site, ptype, " / ".join(label for label, _order in groups))))
    return [row for _key, row in sorted(rows, key=lambda item: item[0])]


def _allowed_participants(session: Session, participants, sources) -> set[int] | None:
    """The (non-interviewer) participants a filter lets through: those it names, who
    speak in the sources it names. None when nothing is filtered."""
    if participants is None and sources is None:
        return None
    allowed = set(participants) if participants is not None else {f.id for f in _participant_facts(session)}
    if sources is not None:
        allowed &= set(session.scalars(select(Turn.participant_id).where(Turn.source_id.in_(sources)).distinct()))
    return allowed


NO_GROUP = "(none)"


def _natural(text: str) -> tuple:
    """A sort key ignoring case, with numbers in numeric order ("Site 2" before "Site 10")."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text.casefold()) if part)


def _by_label(label: str) -> tuple[str, tuple]:
    return label, ((1,) if label == NO_GROUP else (0, _natural(label)))


def _grouper(session: Session, kind: str, name: str):
    """A function giving a row's group for one grouping (site, type, method or attribute):
    its label and its place among the groups. Sites keep the order the project gives them
    (their position), as the study's tables do, rather than the order of their names."""
    key = name.casefold()
    site_order = {site_name: (0, position, _natural(site_name))
                  for site_name, position in session.execute(select(Site.name, Site.position))}

    def by_site(site_name: str | None) -> tuple[str, tuple]:
        return (site_name, site_order[site_name]) if site_name else (NO_GROUP, (1,))

    if kind == "participant":
        facts = {f.id: f for f in _participant_facts(session)}
        if key == "site":
            return lambda row_id: by_site(facts[row_id].site_name)
        if key == "type":
            return lambda row_id: _by_label(facts[row_id].participant_type or NO_GROUP)
    if kind == "source":
        info = {i: (s, m) for i, s, m in session.execute(
            select(Source.id, Site.name, Source.method).outerjoin(Site, Site.id == Source.site_id))}
        if key == "site":
            return lambda row_id: by_site(info[row_id][0])
        if key in ("method", "type"):
            return lambda row_id: _by_label(info[row_id][1])
    found = _attribute_values(session, name)
    if found is None:
        raise CharterError(f"There is no attribute {name!r} to group by.")
    owner_kind, values = found
    if owner_kind == kind:
        return lambda row_id: _by_label(values.get(row_id) or NO_GROUP)
    if owner_kind == "site" and kind == "participant":
        facts = {f.id: f.site_id for f in _participant_facts(session)}
        return lambda row_id: _by_label(values.get(facts[row_id]) or NO_GROUP)
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
