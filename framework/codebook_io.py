"""Moving a codebook in and out of Charter: CSV for spreadsheets, REFI-QDA for other tools.

A codebook is the framework without the data: the theme tree, each theme's colour and
its definition (description, when to use it, when not to, an example). Researchers
draft codebooks in spreadsheets, share them with colleagues, and carry them between
NVivo, ATLAS.ti, MAXQDA, QualCoder and Charter, so two formats are offered:

* CSV, one row per theme, which Excel and LibreOffice open directly;
* the REFI-QDA codebook exchange format (.qdc), which the other tools read and write.
  A codebook can also be taken from a whole REFI-QDA project (.qdpx, or its project.qde).

Imports merge into the project rather than replacing it: a theme already there is
updated, a new one is created, nothing is deleted. Every import runs inside the
caller's transaction and checks the whole file before changing anything it can check
alone, so a bad file changes nothing once the transaction is rolled back. Problems a
user can fix are raised as ``CharterError`` with one sentence naming the file and the
row or code.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.parsers import expat

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.codebook import (
    DEFINITION_FIELDS, add_theme, define_theme, move_theme, recolour_theme, rename_theme,
    split_path, theme_paths,
)
from framework.errors import CharterError
from models import Theme
from models.project import charter_version

CSV_COLUMNS = ("path", "name", "parent", "colour", "description", "use_when", "dont_use_when", "example")
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
MAX_NAME_LENGTH = 200  # the width of themes.name; PostgreSQL refuses longer names
MAX_XML_BYTES = 100 * 1024 * 1024  # far beyond any codebook; stops a zip bomb early

# Spreadsheet headings people actually type, mapped to Charter's column names.
_HEADER_ALIASES = {
    "color": "colour", "colour": "colour", "parent": "parent", "parent_path": "parent",
    "path": "path", "theme_path": "path", "name": "name", "theme": "name", "code": "name",
    "description": "description", "definition": "description",
    "use_when": "use_when", "dont_use_when": "dont_use_when", "do_not_use_when": "dont_use_when",
    "donot_use_when": "dont_use_when", "example": "example", "examples": "example",
}

# How the four definition fields share REFI's single Description, in the order written.
_LABELS = {"use_when": "Use when", "dont_use_when": "Do not use when", "example": "Example"}
_LABEL_LINE = re.compile(
    r"^[ \t]*(?P<label>use when|do not use when|don['’]t use when|example)[ \t]*:[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
_LABEL_FIELDS = {"use when": "use_when", "do not use when": "dont_use_when",
                 "don't use when": "dont_use_when", "don’t use when": "dont_use_when",
                 "example": "example"}

_COLOUR = re.compile(r"^#?(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
_GUID = re.compile(r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$")
# Characters XML 1.0 cannot carry; Word's line break (\x0b) and page break (\x0c) become newlines.
_NOT_XML = re.compile("[\x00-\x08\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class ImportSummary:
    """How many themes an import created, changed, and found already as the file says."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_json(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class _Entry:
    """One theme as a file describes it, before it is matched to the project.

    ``colour`` and the definition fields are None or "" where the file says nothing,
    so that an import never blanks what the project already has.
    """

    parts: tuple[str, ...]
    where: str
    colour: str | None = None
    definition: dict[str, str] = field(default_factory=dict)
    guid: str | None = None


# ---------------------------------------------------------------- shared helpers


def _fail(path: Path, where: str | None, message: str) -> CharterError:
    prefix = path.name if where is None else f"{path.name} {where}"
    return CharterError(f"{prefix}: {message}")


def _clean_name(name: str) -> str:
    """Names are compared and stored with runs of whitespace collapsed, as add_theme does."""
    return " ".join(name.split())


def _check_name(path: Path, where: str, name: str) -> str:
    name = _clean_name(name)
    if not name:
        raise _fail(path, where, "a theme needs a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise _fail(path, where, f"the theme name {name[:40] + '…'!r} is longer than {MAX_NAME_LENGTH} characters.")
    return name


def _normalise_colour(path: Path, where: str, colour: str | None) -> str | None:
    """"#RRGGBB" in capitals; REFI's short "#RGB" and a missing "#" are accepted too."""
    colour = (colour or "").strip()
    if not colour:
        return None
    if not _COLOUR.match(colour):
        raise _fail(path, where, f"{colour!r} is not a colour; use the form #RRGGBB.")
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits.upper()


def _tree_order(session: Session) -> list[Theme]:
    """Every theme, parents before children and siblings in their order, from one query."""
    children: dict[int | None, list[Theme]] = {}
    for theme in session.scalars(select(Theme).order_by(Theme.position, Theme.id)):
        children.setdefault(theme.parent_id, []).append(theme)

    def walk(parent_id: int | None) -> Iterator[Theme]:
        for theme in children.get(parent_id, []):
            yield theme
            yield from walk(theme.id)

    return list(walk(None))


def _write(path: Path, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as error:
        raise CharterError(f"Could not write {Path(path).name}: {error.strerror or error}.") from error


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CharterError(f"Could not read {Path(path).name}: {error.strerror or error}.") from error


# ---------------------------------------------------------------- applying a file to the project


class _Merger:
    """Matches a file's themes to the project's and creates or updates them.

    Keeps its own index of (parent, lower-case name) and guid, so matching a codebook of
    hundreds of themes costs one query rather than one per theme.
    """

    def __init__(self, session: Session, path: Path, file_guids: Iterable[str] = ()) -> None:
        self.session = session
        self.path = path
        self.file_guids = set(file_guids)
        self.by_place: dict[tuple[int | None, str], int] = {}
        self.by_guid: dict[str, int] = {}
        for theme in session.execute(select(Theme.id, Theme.parent_id, Theme.name, Theme.guid)):
            self.by_place[(theme.parent_id, theme.name.lower())] = theme.id
            self.by_guid[theme.guid.lower()] = theme.id
        self.created: set[int] = set()
        self.changed: set[int] = set()
        self.matched: set[int] = set()

    def summary(self) -> ImportSummary:
        updated = self.changed - self.created
        return ImportSummary(len(self.created), len(updated), len(self.matched - self.created - updated))

    def apply(self, entry: _Entry) -> None:
        try:
            self._apply(entry)
        except CharterError as error:  # from the theme operations, which do not know the file
            raise _fail(self.path, entry.where, str(error)) from error

    def _apply(self, entry: _Entry) -> None:
        parent_id = self._parent(entry.parts[:-1])
        name = entry.parts[-1]
        theme_id = self.by_guid.get(entry.guid) if entry.guid else None
        if theme_id is not None:
            self._put_in_place(theme_id, parent_id, name)
        else:
            theme_id = self._at_place(parent_id, name, entry.guid)
        if theme_id is None:
            theme_id = self._create(parent_id, name, entry.colour, entry.definition, entry.guid)
        else:
            self._update(theme_id, entry)
        self.matched.add(theme_id)

    def _at_place(self, parent_id: int | None, name: str, guid: str | None) -> int | None:
        """The theme already at this place, unless the file claims it, by its guid, for another code."""
        theme_id = self.by_place.get((parent_id, name.lower()))
        if theme_id is None or not self.file_guids:
            return theme_id
        theme_guid = self.session.get(Theme, theme_id).guid.lower()
        return None if theme_guid in self.file_guids and theme_guid != guid else theme_id

    def _parent(self, parts: tuple[str, ...]) -> int | None:
        """The theme at ``parts``, creating any that are missing along the way."""
        parent_id = None
        for name in parts:
            found = self.by_place.get((parent_id, name.lower()))
            parent_id = found if found is not None else self._create(parent_id, name, None, {}, None)
        return parent_id

    def _create(self, parent_id: int | None, name: str, colour: str | None,
                definition: dict[str, str], guid: str | None) -> int:
        fields = {key: value for key, value in definition.items() if value}
        theme_id = add_theme(self.session, name, parent_id=parent_id, colour=colour, **fields)
        theme = self.session.get(Theme, theme_id)
        if guid:
            theme.guid = guid
            self.session.flush()
        self.by_place[(parent_id, theme.name.lower())] = theme_id
        self.by_guid[theme.guid.lower()] = theme_id
        self.created.add(theme_id)
        return theme_id

    def _put_in_place(self, theme_id: int, parent_id: int | None, name: str) -> None:
        """A theme found by guid takes the name and place the file gives it."""
        theme = self.session.get(Theme, theme_id)
        old_place = (theme.parent_id, theme.name.lower())
        if theme.name != name:
            rename_theme(self.session, theme_id, name)
            self.changed.add(theme_id)
        if theme.parent_id != parent_id:
            move_theme(self.session, theme_id, parent_id)
            self.changed.add(theme_id)
        if self.by_place.get(old_place) == theme_id:
            del self.by_place[old_place]
        self.by_place[(theme.parent_id, theme.name.lower())] = theme_id

    def _update(self, theme_id: int, entry: _Entry) -> None:
        """Only what the file states, and only where it differs: a blank never erases."""
        theme = self.session.get(Theme, theme_id)
        if entry.colour and entry.colour != theme.colour:
            recolour_theme(self.session, theme_id, entry.colour)
            self.changed.add(theme_id)
        changes = {key: value for key, value in entry.definition.items()
                   if value and value != getattr(theme, key)}
        if changes:
            define_theme(self.session, theme_id, **changes)
            self.changed.add(theme_id)


# ---------------------------------------------------------------- CSV


def export_codebook_csv(session: Session, path: str | Path) -> int:
    """Write every theme as one row, parents first; returns the number of rows.

    UTF-8 with a byte-order mark, because without it Excel reads accented names as
    mojibake. ``path`` is enough to rebuild the tree; ``name`` and ``parent`` are there
    for people sorting and filtering in a spreadsheet.
    """
    paths = theme_paths(session)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    themes = _tree_order(session)
    for theme in themes:
        parent = paths[theme.parent_id] if theme.parent_id is not None else ""
        writer.writerow([paths[theme.id], theme.name, parent, theme.colour]
                        + [getattr(theme, key) for key in DEFINITION_FIELDS])
    _write(Path(path), buffer.getvalue().encode("utf-8-sig"))
    return len(themes)


def import_codebook_csv(session: Session, path: str | Path) -> ImportSummary:
    """Merge a CSV codebook into the project.

    The ``path`` column alone is enough ("Barriers/Cost"; a "/" inside a name is written
    "\\/"); missing parents are created. Without ``path``, ``name`` and an optional
    ``parent`` (the parent's path, or the name of another row) describe the tree.
    Headings are matched ignoring case, spaces and hyphens, and "color" is accepted.
    A theme already at a row's path is updated only where the row has a value.
    """
    path = Path(path)
    header, rows = _csv_rows(path)
    columns = _csv_columns(path, header)
    entries = _csv_entries(path, columns, rows)
    entries.sort(key=lambda entry: len(entry.parts))  # parents first, so children inherit their colour
    merger = _Merger(session, path)
    for entry in entries:
        merger.apply(entry)
    return merger.summary()


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-blank rows, each with its spreadsheet row number."""
    try:
        text = _read(path).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CharterError(f"{path.name} is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\".") from error
    if not text.strip():
        raise CharterError(f"{path.name} is empty.")
    first_line = text.splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel writes ";" where "," is the decimal mark
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise CharterError(f"{path.name} could not be read as CSV ({error}).") from error
    numbered = [(number, row) for number, row in enumerate(records, start=1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise CharterError(f"{path.name} is empty.")
    return numbered[0][1], numbered[1:]


def _csv_columns(path: Path, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, heading in enumerate(header):
        key = re.sub(r"[\s\-]+", "_", heading.strip().lower()).replace("'", "").replace("’", "")
        name = _HEADER_ALIASES.get(key)
        if name and name not in columns:
            columns[name] = index
    if "path" not in columns and "name" not in columns:
        raise CharterError(f"{path.name} has no \"path\" or \"name\" column in its first row.")
    return columns


def _csv_entries(path: Path, columns: dict[str, int], rows: list[tuple[int, list[str]]]) -> list[_Entry]:
    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    places = _csv_places(path, columns, rows, cell)
    entries, seen = [], {}
    for (number, row), parts in zip(rows, places):
        where = f"row {number}"
        key = tuple(part.lower() for part in parts)
        if key in seen:
            raise _fail(path, where, f"the theme {'/'.join(parts)!r} is already on row {seen[key]}.")
        seen[key] = number
        definition = {key: cell(row, key) for key in DEFINITION_FIELDS}
        entries.append(_Entry(parts, where, _normalise_colour(path, where, cell(row, "colour")), definition))
    return entries


def _csv_places(path: Path, columns: dict[str, int], rows: list[tuple[int, list[str]]], cell) -> list[tuple[str, ...]]:
    """Each row's place in the tree as a tuple of names, from the top."""
    if "path" in columns:
        return [_path_and_name(path, f"row {number}", cell(row, "path"), cell(row, "name")) for number, row in rows]
    names = [_check_name(path, f"row {number}", cell(row, "name")) for number, row in rows]
    parents = [cell(row, "parent") for _, row in rows]
    by_name: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        by_name.setdefault(name.lower(), []).append(index)
    resolved: dict[int, tuple[str, ...]] = {}

    def place(index: int, visiting: tuple[int, ...]) -> tuple[str, ...]:
        if index in visiting:
            raise _fail(path, f"row {rows[index][0]}",
                        f"{names[index]!r} ends up inside itself through the parent column.")
        if index not in resolved:
            parent = parents[index]
            if not parent:
                above: tuple[str, ...] = ()
            else:
                above = parent_place(index, _path_parts(path, f"row {rows[index][0]}", parent), visiting)
            resolved[index] = above + (names[index],)
        return resolved[index]

    def parent_place(index: int, parts: tuple[str, ...], visiting: tuple[int, ...]) -> tuple[str, ...]:
        """A bare parent name means the row of that name; anything else is a path from the top."""
        rows_named = by_name.get(parts[0].lower(), []) if len(parts) == 1 else []
        if len(rows_named) == 1:
            return place(rows_named[0], visiting + (index,))
        if len(rows_named) > 1 and all(parents[other] for other in rows_named):
            raise _fail(path, f"row {rows[index][0]}",
                        f"{len(rows_named)} rows are called {parts[0]!r}; give the parent's full path.")
        return parts

    return [place(index, ()) for index in range(len(rows))]


def _path_and_name(path: Path, where: str, value: str, name: str) -> tuple[str, ...]:
    """A row's path, checked against its name column in case only the name was edited."""
    parts = _path_parts(path, where, value)
    if name and _clean_name(name).lower() != parts[-1].lower():
        raise _fail(path, where, f"the name {_clean_name(name)!r} does not match the end of the path {value!r}.")
    return parts


def _path_parts(path: Path, where: str, value: str) -> tuple[str, ...]:
    if not value.strip().strip("/"):
        raise _fail(path, where, "the theme has no path.")
    return tuple(_check_name(path, where, part) for part in split_path(value))


# ---------------------------------------------------------------- REFI-QDA codebook (.qdc)


def export_codebook_qdc(session: Session, path: str | Path) -> int:
    """Write a REFI-QDA codebook (.qdc) that NVivo, ATLAS.ti, MAXQDA and QualCoder can read.

    Every Charter theme can be coded, so every Code says isCodable="true". REFI has a
    single Description, so the four definition fields are written into it as readable
    labelled lines ("Use when: …"), which ``import_codebook_qdc`` splits again.
    Returns the number of codes written.
    """
    themes = _tree_order(session)
    if not themes:  # REFI requires at least one Code, so an empty codebook would be an invalid file
        raise CharterError("The project has no themes, so there is no codebook to export.")
    children: dict[int | None, list[Theme]] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)
    # Plain tags with xmlns on the root: ElementTree's default_namespace option refuses
    # the unqualified attributes REFI uses (CPython gh-61290).
    root = ET.Element("CodeBook", xmlns=CODEBOOK_NS, origin=f"Charter {charter_version()}")
    codes = ET.SubElement(root, "Codes")
    _add_codes(codes, children, None)
    ET.indent(root)
    # Written by hand: ElementTree's own declaration uses single quotes, which some readers mishandle.
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    _write(Path(path), (declaration + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8"))
    return len(themes)


def _add_codes(parent: ET.Element, children: dict[int | None, list[Theme]], parent_id: int | None) -> None:
    for theme in children.get(parent_id, []):
        code = ET.SubElement(parent, "Code", guid=theme.guid, name=_xml_text(theme.name),
                             isCodable="true", color=theme.colour)
        description = definition_to_description(theme.description, theme.use_when, theme.dont_use_when, theme.example)
        if description:
            ET.SubElement(code, "Description").text = _xml_text(description)
        _add_codes(code, children, theme.id)


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def definition_to_description(description: str, use_when: str = "", dont_use_when: str = "", example: str = "") -> str:
    """Charter's definition fields as one readable text: the description, then labelled lines."""
    values = {"use_when": use_when, "dont_use_when": dont_use_when, "example": example}
    labelled = [f"{label}: {values[key].strip()}" for key, label in _LABELS.items() if values[key].strip()]
    parts = ([description.strip()] if description.strip() else []) + (["\n".join(labelled)] if labelled else [])
    return "\n\n".join(parts)


def description_to_definition(text: str) -> dict[str, str]:
    """Split a REFI Description back into Charter's fields.

    Lines starting "Use when:", "Do not use when:" (or "Don't use when:") and "Example:"
    begin those fields, running until the next such line; everything before the first
    is the description. A Description without such lines is all description, which is
    what other tools write.
    """
    text = text.replace("\r\n", "\n").strip()
    fields = dict.fromkeys(DEFINITION_FIELDS, "")
    matches = list(_LABEL_LINE.finditer(text))
    fields["description"] = text[:matches[0].start()].strip() if matches else text
    for match, following in zip(matches, matches[1:] + [None]):
        key = _LABEL_FIELDS[match["label"].lower()]
        value = text[match.end():following.start() if following else len(text)].strip()
        fields[key] = f"{fields[key]}\n{value}".strip()
    return fields


def import_codebook_qdc(session: Session, path: str | Path) -> ImportSummary:
    """Merge a REFI-QDA codebook into the project.

    Reads a .qdc, a project.qde, or a .qdpx (the zip other tools export, whose
    project.qde holds the codebook). A code is matched to a theme by guid first (that
    theme is renamed and moved to where the file puts it), then by path, and otherwise
    created with the file's guid, so exporting again keeps the identity other tools
    know it by. ``color`` becomes the colour; the Description is split into Charter's
    definition fields (see ``description_to_definition``); a blank never erases a value.

    Charter has no "non-codable" themes: a code with isCodable="false" (a folder-like
    heading in some tools) still becomes an ordinary theme, and code Sets are ignored.
    The file is parsed without a DTD, entities or network access, and a file with a
    DOCTYPE is refused, because a codebook never needs one and entities are how XML
    files attack the reader.
    """
    path = Path(path)
    codes = _codes_element(path, _parse_xml(path, _xml_bytes(path)))
    entries: list[_Entry] = []
    _collect(path, codes, (), entries, set())
    merger = _Merger(session, path, (entry.guid for entry in entries))
    for entry in entries:
        merger.apply(entry)
    return merger.summary()


def _xml_bytes(path: Path) -> bytes:
    """The XML of a .qdc or .qde, or the project.qde inside a .qdpx zip."""
    if not zipfile.is_zipfile(path):
        data = _read(path)
        if len(data) > MAX_XML_BYTES:
            raise CharterError(f"{path.name} is too large to be a codebook.")
        return data
    try:
        with zipfile.ZipFile(path) as archive:
            # ATLAS.ti writes "Project.qde"; the standard says "project.qde".
            members = [info for info in archive.infolist() if info.filename.lower() == "project.qde"]
            if not members:
                raise CharterError(f"{path.name} has no project.qde inside; it is not a REFI-QDA project.")
            if members[0].file_size > MAX_XML_BYTES:
                raise CharterError(f"{path.name} holds a project.qde too large to read.")
            with archive.open(members[0]) as member:
                return member.read(MAX_XML_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as error:
        raise CharterError(f"{path.name} could not be opened as a REFI-QDA project ({error}).") from error


class _Prolog(Exception):
    """Raised from inside expat to stop it: ``doctype`` says whether one was seen."""

    def __init__(self, doctype: bool) -> None:
        self.doctype = doctype


def _has_doctype(data: bytes) -> bool:
    """Whether the prolog declares a DOCTYPE, found before any of it is acted on.

    Checked first, and with expat, so that an entity attack is refused for what it is
    rather than reported as whatever error its entities provoke further on.
    """
    scanner = expat.ParserCreate()

    def doctype(*_args: object) -> None:
        raise _Prolog(True)

    def root(*_args: object) -> None:
        raise _Prolog(False)

    scanner.StartDoctypeDeclHandler = doctype
    scanner.StartElementHandler = root
    try:
        scanner.Parse(data, True)
    except _Prolog as found:
        return found.doctype
    except expat.ExpatError:
        return False  # not XML at all: lxml says so below
    return False


def _doctype_refused(path: Path) -> CharterError:
    return CharterError(f"{path.name} contains a DOCTYPE declaration, which a codebook never needs, so it was not read.")


def _parse_xml(path: Path, data: bytes) -> etree._Element:
    if _has_doctype(data):
        raise _doctype_refused(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as error:
        raise CharterError(f"{path.name} is not well-formed XML ({error.msg}).") from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:  # in case expat could not tell
        raise _doctype_refused(path)
    return tree.getroot()


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _codes_element(path: Path, root: etree._Element) -> etree._Element | None:
    """The <Codes> of a <CodeBook> root, or of the <CodeBook> inside a <Project>."""
    codebook = root
    if _local(root) == "Project":
        found = _children(root, "CodeBook")
        if not found:
            raise CharterError(f"{path.name} is a REFI-QDA project without a codebook.")
        codebook = found[0]
    elif _local(root) != "CodeBook":
        raise CharterError(f"{path.name} is not a REFI-QDA codebook (its root element is <{_local(root)}>).")
    codes = _children(codebook, "Codes")
    return codes[0] if codes else None


def _collect(path: Path, parent: etree._Element | None, above: tuple[str, ...],
             entries: list[_Entry], guids: set[str]) -> None:
    """The codes under ``parent`` and all below, parents first, checked before any is applied."""
    if parent is None:
        return
    siblings: set[str] = set()
    for code in _children(parent, "Code"):
        where = f"code {'/'.join(above + (code.get('name', ''),))!r}"
        name = _check_name(path, where, code.get("name", ""))
        parts = above + (name,)
        if name.lower() in siblings:
            under = f"under {'/'.join(above)!r}" if above else "at the top level"
            raise _fail(path, None, f"two codes {under} are both called {name!r}, which Charter cannot tell apart.")
        siblings.add(name.lower())
        guid = _guid(path, where, code.get("guid"), guids)
        descriptions = _children(code, "Description")
        definition = description_to_definition("".join(descriptions[0].itertext())) if descriptions else {}
        entries.append(_Entry(parts, where, _normalise_colour(path, where, code.get("color")), definition, guid))
        _collect(path, code, parts, entries, guids)


def _guid(path: Path, where: str, value: str | None, seen: set[str]) -> str:
    """A code's guid in Charter's form: lower case, without braces; each used once."""
    match = _GUID.match((value or "").strip())
    if not match:
        raise _fail(path, where, f"the guid {value!r} is not a GUID." if value else "the code has no guid.")
    guid = match.group(1).lower()
    if guid in seen:
        raise _fail(path, where, f"the guid {guid} is used by another code in the same file.")
    seen.add(guid)
    return guid
