"""Cells from researchers' spreadsheets: reading CSV and Excel files, typed values, dates,
methods and yes/no answers.

Spreadsheets arrive as CSV (every cell is text) or Excel (cells may be real numbers and
dates). The functions here accept both, so the same sheet gives the same values whichever
way it was saved. A column's type is decided once for the whole column, so one attribute
never ends up holding numbers for some sources and text for others.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from models.sources import METHODS
from models.errors import CharterError

Cell = str | int | float | bool | date | datetime | time | None


class SheetError(CharterError):
    """A sheet cannot be used; ``str(error)`` is one sentence naming the sheet file."""


@dataclass(frozen=True)
class TypedValue:
    """One attribute value. Exactly the field named by ``value_type`` is set."""

    value_type: str  # "text" | "number" | "date"
    text: str | None = None
    number: float | None = None
    date: date | None = None


def normalise_header(name: Cell) -> str:
    """"Participant type", "participant_type" and "PARTICIPANT-TYPE" all read the same."""
    return " ".join(re.split(r"[\s_\-]+", cell_text(name).casefold())).strip()


def cell_text(cell: Cell) -> str:
    """A cell as the researcher would read it: stripped text, ``12`` not ``12.0``."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat(sep=" ")
    if isinstance(cell, (date, time)):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# --- numbers -------------------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_number(cell: Cell) -> float | None:
    """A number from a numeric cell or text like "12", "3.5", "1,200"; else None.

    "3,5" is not read as three and a half: a comma is a thousands separator only in
    groups of three, so ambiguous text stays text rather than becoming a wrong number.
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if _PLAIN_NUMBER.fullmatch(text) or _GROUPED_NUMBER.fullmatch(text):
        return float(text.replace(",", ""))
    return None


# --- dates ---------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, full in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], start=1)
    for name in (full, full[:3])
} | {"sept": 9}
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_NAMED_DATE = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})", re.I)


def parse_date(cell: Cell) -> date | None:
    """A date from a date cell, "2013-03-12", "12/03/2013" (day first, the UK order) or
    "12 March 2013" (also "12th Mar 2013", "Tuesday 12 March 2013"); else None."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        return None
    text = cell.strip()
    if found := _ISO_DATE.fullmatch(text):
        year, month, day = found.groups()
    elif found := _DMY_DATE.fullmatch(text):
        day, month, year = found.groups()
    elif found := _NAMED_DATE.fullmatch(text):
        day, month_name, year = found.groups()
        month = _MONTHS.get(month_name.casefold())
        if month is None:
            return None
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- typed columns -------------------------------------------------------------------

def infer_column(cells: list[Cell]) -> list[TypedValue | None]:
    """Typed values for one column, its type decided for the column as a whole (see
    ``column_type``). Empty cells give None: no value rather than an empty one."""
    value_type = column_type(cells)
    return [typed_value(cell, value_type) if cell_text(cell) else None for cell in cells]


def column_type(cells: list[Cell]) -> str:
    """"number" if every filled cell is a number, else "date" if every filled cell is a
    date, else "text". A single stray word makes the column text, so nothing is lost."""
    filled = [cell for cell in cells if cell_text(cell)]
    if filled and all(parse_number(cell) is not None for cell in filled):
        return "number"
    if filled and all(parse_date(cell) is not None for cell in filled):
        return "date"
    return "text"


def typed_value(cell: Cell, value_type: str) -> TypedValue:
    if value_type == "number":
        return TypedValue("number", number=parse_number(cell))
    if value_type == "date":
        return TypedValue("date", date=parse_date(cell))
    return TypedValue("text", text=cell_text(cell))


# --- methods and yes/no --------------------------------------------------------------

_METHOD_SPELLINGS = {
    "interview": ["interviews", "individual-interview", "in-depth-interview",
                  "semi-structured-interview", "one-to-one-interview", "face-to-face-interview"],
    "focus-group": ["focus-groups", "focusgroup", "focusgroups", "focus-group-discussion"],
    "observation": ["observations", "field-observation", "participant-observation"],
    "telephone-interview": ["telephone-interviews", "phone-interview", "phone-interviews",
                            "telephone", "phone"],
    "document": ["documents", "documentary", "doc"],
}
_METHODS_BY_SPELLING = {spelling: method for method, spellings in _METHOD_SPELLINGS.items()
                        for spelling in [method, *spellings]}


def parse_method(value: str) -> str | None:
    """One of ``models.METHODS`` from a friendly spelling ("Focus group", "telephone
    interview", "Interviews"); None if the value names no known method."""
    key = "-".join(re.split(r"[\s_\-]+", value.strip().casefold())).strip("-")
    method = _METHODS_BY_SPELLING.get(key)
    return method if method in METHODS else None


def method_choices() -> str:
    """The methods as a researcher would type them, for error messages."""
    return ", ".join(method.replace("-", " ") for method in METHODS)


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def parse_yes_no(cell: Cell) -> bool | None:
    """True/False from yes/no, y/n, true/false, 1/0 (or a real boolean cell); None if the
    cell is empty or says something else (the caller tells the two apart)."""
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell).casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


# --- reading files -------------------------------------------------------------------

_OTHER_FORMATS = (".xls", ".xlsb", ".ods", ".numbers")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_grid(path: Path, kind: str) -> list[list[Cell]]:
    """All rows of the first worksheet (Excel) or of the CSV file, as cell values."""
    if not path.is_file():
        raise SheetError(f"{kind} {path} does not exist.")
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetError(f"{kind} {path.name} cannot be read: {error.strerror}.") from error
    if suffix in _OTHER_FORMATS or data.startswith(_OLE_MAGIC):
        raise SheetError(f"{path.name} is an older Excel, OpenDocument or password-protected "
                         "spreadsheet; save it as .xlsx or .csv and choose that file.")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path, data)
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_rows(path, data)
    raise _not_a_sheet(path)


def _not_a_sheet(path: Path) -> SheetError:
    return SheetError(f"{path.name} is not a CSV or Excel (.xlsx) file.")


def _xlsx_rows(path: Path, data: bytes) -> list[list[Cell]]:
    import openpyxl  # only needed for Excel sheets

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for files that are not workbooks
        raise _not_a_sheet(path) from error
    try:
        if not workbook.worksheets:
            raise SheetError(f"{path.name} has no worksheet.")
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write wrong dimensions; read every cell
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_rows(path: Path, data: bytes) -> list[list[Cell]]:
    text = _decode_csv(path, data)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise _not_a_sheet(path) from error


def _decode_csv(path: Path, data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), UTF-16 with a mark, else Windows-1252."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as error:
                raise _not_a_sheet(path) from error
    if b"\x00" in data:
        raise _not_a_sheet(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise _not_a_sheet(path) from error


def _delimiter(text: str) -> str:
    """Comma, semicolon (European Excel) or tab, as csv.Sniffer judges from the first
    lines; if the sniffed character is not in the header row, the header decides."""
    lines = [line for line in text.splitlines() if line.strip()][:20]
    try:
        delimiter = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    header = lines[0] if lines else ""
    if delimiter not in header:
        counts = {candidate: header.count(candidate) for candidate in ",;\t"}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    return delimiter
