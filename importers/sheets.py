"""The spreadsheets a researcher supplies with a batch of transcripts.

Three kinds, each CSV or Excel (.xlsx, first worksheet):

* an attributes sheet, one row per transcript file (site, method, date, interviewer,
  participant type, participant, and any other column as an extra source attribute);
* a speaker map, saying who each speaker label in a transcript is;
* a sites sheet, one row per site with its attributes (Table 1 of a study).

Headers are matched loosely ("Participant type" = "participant_type") because sheets
are typed by hand. Every problem is a ``SheetError`` whose message is one sentence naming
the sheet file, and the row or column where that helps, so the researcher can fix the
sheet without guessing. Problems that lose nothing important (a row without a file name,
a column without a header) are ``SheetWarning``s on the result instead.

A ``file`` cell names a transcript by its name or by a path ending in its name
("interview1.txt", "SiteA/interview1.txt", "C:\\data\\SiteA\\interview1.txt"), with or
without the extension, ignoring case. An imported file takes the row whose path is the
longest match for the end of the file's own path, so "SiteA/interview1.txt" and
"SiteB/interview1.txt" describe two different files; a row naming the file with its
extension wins over one naming it without. Only if no row's whole path fits is the base
name alone used (a sheet written on another computer, with its paths), and then only
when exactly one row has that name. Two rows giving the identical path are refused,
because the result would depend on row order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath, PurePosixPath

from importers.sheet_values import (
    Cell,
    SheetError,
    TypedValue,
    cell_text,
    infer_column,
    method_choices,
    normalise_header,
    parse_date,
    parse_method,
    parse_yes_no,
    read_grid,
)
from importers.speakers import clean_label, is_interviewer_label
from models.cases import participant_name_key

__all__ = [
    "AttributesSheet", "SheetError", "SheetWarning", "SiteRow", "SourceRow", "SpeakerMap",
    "SpeakerMapping", "TypedValue", "parse_date", "read_attributes_sheet",
    "read_sites_sheet", "read_speaker_map",
]


@dataclass(frozen=True)
class SheetWarning:
    """Something in a sheet was passed over. ``sheet`` is the file name; ``message`` is a
    complete sentence that names it too, ready to show as it is."""

    sheet: str
    message: str

    def __str__(self) -> str:
        return self.message


# --- attributes sheet ----------------------------------------------------------------

_SOURCE_COLUMNS = {
    "site": ("site",),
    "method": ("method",),
    "date": ("date",),
    "interviewer": ("interviewer",),
    "participant_type": ("participant type", "type"),
    # Whose text a file without speaker labels is (written answers, prose, a note).
    "participant": ("participant", "participant name"),
}


@dataclass(frozen=True)
class SourceRow:
    """One transcript's row. ``file`` is the cell as written; ``row`` its sheet row."""

    file: str
    row: int
    site: str | None = None
    method: str | None = None          # one of models.METHODS
    date: date | None = None
    interviewer: str | None = None
    participant_type: str | None = None
    extra: dict[str, TypedValue] = field(default_factory=dict)
    participant: str | None = None     # whose text a file without speaker labels is


@dataclass
class AttributesSheet:
    name: str
    rows: list[SourceRow]
    warnings: list[SheetWarning] = field(default_factory=list)

    def row_for(self, path: str | PurePath) -> SourceRow | None:
        """The row for an imported file, given its path (absolute or relative; a bare file
        name works too, but then rows that differ only by folder cannot be told apart).
        The row whose path is the longest match for the end of ``path`` wins, ignoring
        case; the sheet may give the name with or without its extension
        ("SiteA_partner1" or "SiteA_partner1.docx"), and a row naming the file exactly
        wins over one without it. If no row's whole path fits, the row with the same
        base name, if only one row has it."""
        by_key = {_file_key(r.file): r for r in self.rows}
        keys = _keys_for(by_key, path)
        return by_key[keys[0]] if keys else None

    def unmatched(self, paths_seen: Iterable[str | PurePath]) -> list[str]:
        """The sheet's file values (as written) that ``row_for`` gives to none of
        ``paths_seen``."""
        by_key = {_file_key(r.file): r for r in self.rows}
        used = {keys[0] for keys in (_keys_for(by_key, path) for path in paths_seen) if keys}
        return [row.file for row in self.rows if _file_key(row.file) not in used]


def read_attributes_sheet(path: Path | str) -> AttributesSheet:
    table = _read_table(Path(path), "attributes sheet")
    file_column = table.require("file", "filename", "file name")
    known = {name: table.find(*aliases) for name, aliases in _SOURCE_COLUMNS.items()}
    known["file"] = file_column
    rows = table.rows_with(file_column, "file name")
    extras = table.other_columns({file_column, *known.values()})
    typed = {header: infer_column([cells[index] for _, cells in rows]) for header, index in extras}
    sheet_rows = []
    for position, (number, cells) in enumerate(rows):
        extra = {header: values[position] for header, values in typed.items() if values[position]}
        sheet_rows.append(_source_row(table, number, cells, known, extra))
    _refuse_duplicates(table, [(_file_key(r.file), r.row, r.file) for r in sheet_rows])
    return AttributesSheet(table.name, sheet_rows, table.warnings)


def _source_row(table: _Table, number: int, cells: list[Cell], known: dict, extra: dict) -> SourceRow:
    def cell(name: str) -> Cell:
        return cells[known[name]] if known[name] is not None else None

    return SourceRow(
        file=cell_text(cell("file")),
        row=number,
        site=cell_text(cell("site")) or None,
        method=_method(table, number, cell_text(cell("method"))),
        date=_date(table, number, cell("date")),
        interviewer=cell_text(cell("interviewer")) or None,
        participant_type=cell_text(cell("participant_type")) or None,
        participant=" ".join(cell_text(cell("participant")).split()) or None,
        extra=extra,
    )


def _method(table: _Table, number: int, value: str) -> str | None:
    """The method in Charter's spelling; a method Charter does not know stops the import,
    because a guess would file the source under the wrong method."""
    if not value:
        return None
    method = parse_method(value)
    if method is None:
        raise table.error(number, f"unknown method '{value}'; use one of: {method_choices()}.")
    return method


def _date(table: _Table, number: int, cell: Cell) -> date | None:
    if not cell_text(cell):
        return None
    when = parse_date(cell)
    if when is None:
        raise table.error(number, f"cannot read the date '{cell_text(cell)}' "
                                  "(use YYYY-MM-DD, DD/MM/YYYY or 12 March 2013).")
    return when


# --- speaker map ---------------------------------------------------------------------

@dataclass(frozen=True)
class SpeakerMapping:
    participant: str
    participant_type: str | None
    is_interviewer: bool


@dataclass(frozen=True)
class SpeakerMapRow:
    file: str | None      # None: the row applies to every file
    label: str
    mapping: SpeakerMapping
    row: int


@dataclass
class SpeakerMap:
    name: str
    rows: list[SpeakerMapRow]
    warnings: list[SheetWarning] = field(default_factory=list)

    def lookup(self, path: str | PurePath, speaker_label: str) -> SpeakerMapping | None:
        """Who ``speaker_label`` is in the file at ``path`` (label compared ignoring case;
        the path as for ``AttributesSheet.row_for``). The rows for the file's best
        matching path come first ("SiteA/interview1.txt" before "interview1.txt"), then
        rows for every file."""
        label = _label_key(speaker_label)
        for key in _keys_for(self._file_keys(), path):
            found = next((r.mapping for r in self.rows if r.file is not None
                          and _file_key(r.file) == key and _label_key(r.label) == label), None)
            if found is not None:
                return found
        return next((r.mapping for r in self.rows if r.file is None and _label_key(r.label) == label), None)

    def unmatched(self, paths_seen: Iterable[str | PurePath]) -> list[str]:
        """File values (as written, each once) that describe none of ``paths_seen``;
        rows for every file are never unmatched."""
        keys = self._file_keys()
        used = {key for path in paths_seen for key in _keys_for(keys, path)}
        files = [r.file for r in self.rows if r.file is not None and _file_key(r.file) not in used]
        return list(dict.fromkeys(files))

    def _file_keys(self) -> dict[tuple[str, ...], None]:
        return dict.fromkeys(_file_key(r.file) for r in self.rows if r.file is not None)


def read_speaker_map(path: Path | str) -> SpeakerMap:
    """Columns: ``file`` (empty or "*" = every file; a sheet without the column applies
    to every file), ``speaker``/``label`` (required), ``participant``/``name``,
    ``participant type``/``type`` and ``interviewer`` (yes/no). Without a yes or no, a
    speaker is the interviewer if the type says "interviewer" or the label is an
    interviewer label such as "Interviewer" or "Q"."""
    table = _read_table(Path(path), "speaker map")
    label_column = table.require("speaker", "label")
    columns = {
        "file": table.find("file", "filename", "file name"),
        "participant": table.find("participant", "name"),
        "type": table.find("participant type", "type"),
        "interviewer": table.find("interviewer"),
    }
    rows = [_speaker_row(table, number, cells, label_column, columns)
            for number, cells in table.rows_with(label_column, "speaker label")]
    _refuse_duplicates(table, [((_file_key(r.file) if r.file else "*", _label_key(r.label)), r.row,
                                f"{r.label} in {r.file or 'every file'}") for r in rows])
    return SpeakerMap(table.name, rows, table.warnings)


def _speaker_row(table: _Table, number: int, cells: list[Cell], label_column: int, columns: dict) -> SpeakerMapRow:
    def text(name: str) -> str:
        return cell_text(cells[columns[name]]) if columns[name] is not None else ""

    label = clean_label(cell_text(cells[label_column]))
    file = text("file")
    participant_type = text("type") or None
    flag = parse_yes_no(cells[columns["interviewer"]]) if columns["interviewer"] is not None else None
    if flag is None and text("interviewer"):
        raise table.error(number, f"interviewer should be yes or no, not '{text('interviewer')}'.")
    if flag is None:
        flag = is_interviewer_label(label)
    is_interviewer = flag or (participant_type or "").casefold() == "interviewer"
    mapping = SpeakerMapping(text("participant") or label, participant_type, is_interviewer)
    return SpeakerMapRow(None if file in ("", "*") else file, label, mapping, number)


# --- sites sheet ---------------------------------------------------------------------

@dataclass(frozen=True)
class SiteRow:
    name: str
    attributes: dict[str, TypedValue] = field(default_factory=dict)


def read_sites_sheet(path: Path | str) -> list[SiteRow]:
    """One site per row: the ``site`` column names it, every other column is a typed
    attribute. Rows with no site name (notes under a table, say) are passed over."""
    table = _read_table(Path(path), "sites sheet")
    site_column = table.require("site", "site name")
    rows = [(n, cells) for n, cells in table.rows if cell_text(cells[site_column])]
    columns = table.other_columns({site_column})
    typed = {header: infer_column([cells[index] for _, cells in rows]) for header, index in columns}
    sites = [
        SiteRow(cell_text(cells[site_column]),
                {header: values[position] for header, values in typed.items() if values[position]})
        for position, (_, cells) in enumerate(rows)
    ]
    _refuse_duplicates(table, [(s.name.casefold(), n, s.name) for s, (n, _) in zip(sites, rows, strict=True)])
    return sites


# --- matching files ------------------------------------------------------------------

def _file_key(value: str | PurePath) -> tuple[str, ...]:
    """A sheet's file cell, or a file's path, as its folder and file names ignoring case
    (Windows or POSIX separators): "C:\\Data\\a.docx" gives ("c:", "data", "a.docx")."""
    parts = (part.strip() for part in re.split(r"[/\\]", str(value).casefold()))
    return tuple(part for part in parts if part not in ("", "."))


def _keys_for(keys: Iterable[tuple[str, ...]], path: str | PurePath) -> list[tuple[str, ...]]:
    """The sheet keys that describe the file at ``path``, best first: those whose
    components are the end of the path's, longest first and, at equal length, the one
    naming the file with its extension first. If there are none, the one key with the
    file's base name, if only one has it; else nothing."""
    parts, keys = _file_key(path), list(keys)
    if not parts:
        return []
    fits = [(len(key), exact, key) for key in keys
            if (exact := _names_file(key, parts[-1])) is not None
            and len(key) <= len(parts) and key[:-1] == parts[len(parts) - len(key):-1]]
    if fits:
        return [key for *_, key in sorted(fits, key=lambda fit: fit[:2], reverse=True)]
    same_name = [key for key in keys if _names_file(key, parts[-1]) is not None]
    return same_name if len(same_name) == 1 else []


def _names_file(key: tuple[str, ...], name: str) -> bool | None:
    """Whether the key's last part is the file ``name`` (True), the name without its
    extension (False), or neither (None)."""
    if not key:
        return None
    if key[-1] == name:
        return True
    return False if key[-1] == PurePosixPath(name).stem else None


def _label_key(label: str) -> str:
    """Labels match as participant names do (``participant_name_key``): "JOSÉ" in a
    transcript is the sheet's "José", whichever way either spells its accents."""
    return participant_name_key(clean_label(label))


def _refuse_duplicates(table: _Table, keyed: list[tuple[object, int, str]]) -> None:
    """Two rows describing the same thing would make the result depend on row order."""
    first_row: dict[object, int] = {}
    for key, number, shown in keyed:
        if key in first_row:
            raise SheetError(f"{table.kind} {table.name} rows {first_row[key]} and {number} "
                             f"both describe '{shown}'; keep one of them.")
        first_row[key] = number


# --- reading the grid ----------------------------------------------------------------

@dataclass
class _Table:
    """A sheet's header row and data rows (each padded to the header's width), with the
    spreadsheet row numbers the researcher sees."""

    kind: str
    name: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]
    warnings: list[SheetWarning] = field(default_factory=list)

    def find(self, *aliases: str) -> int | None:
        for alias in aliases:
            for index, header in enumerate(self.headers):
                if normalise_header(header) == alias:
                    return index
        return None

    def require(self, *aliases: str) -> int:
        index = self.find(*aliases)
        if index is None:
            columns = ", ".join(h for h in self.headers if h)
            raise SheetError(f"{self.kind} {self.name} has no '{aliases[0]}' column; "
                             f"its columns are: {columns}.")
        return index

    def other_columns(self, used: set[int | None]) -> list[tuple[str, int]]:
        """Headed columns not in ``used``; a repeated header keeps its first column."""
        columns: dict[str, tuple[str, int]] = {}
        for index, header in enumerate(self.headers):
            key = normalise_header(header)
            if index in used or not key:
                continue
            if key in columns:
                self.warn(f"column {index + 1} repeats the heading '{header}' and was ignored.")
                continue
            columns[key] = (header, index)
        return list(columns.values())

    def rows_with(self, column: int, what: str) -> list[tuple[int, list[Cell]]]:
        """Rows with a value in ``column``; the others are skipped with a warning."""
        kept = []
        for number, cells in self.rows:
            if cell_text(cells[column]):
                kept.append((number, cells))
            else:
                self.warn(f"row {number} has no {what} and was skipped.")
        return kept

    def warn(self, message: str) -> None:
        self.warnings.append(SheetWarning(self.name, f"{self.kind} {self.name}: {message}"))

    def error(self, number: int, message: str) -> SheetError:
        return SheetError(f"{self.kind} {self.name} row {number}: {message}")


def _read_table(path: Path, kind: str) -> _Table:
    grid = read_grid(path, kind)
    filled = [(number, row) for number, row in enumerate(grid, start=1) if any(cell_text(c) for c in row)]
    if not filled:
        raise SheetError(f"{kind} {path.name} is empty.")
    (_, header_cells), data = filled[0], filled[1:]
    if not data:
        raise SheetError(f"{kind} {path.name} has a header row but no rows under it.")
    width = max(len(header_cells), *(len(row) for _, row in data))
    headers = [cell_text(c) for c in header_cells] + [""] * (width - len(header_cells))
    table = _Table(kind, path.name, headers, [(n, list(row) + [None] * (width - len(row))) for n, row in data])
    for index, header in enumerate(headers):
        if not header and any(cell_text(cells[index]) for _, cells in table.rows):
            table.warn(f"column {index + 1} has values but no heading and was ignored.")
    return table
