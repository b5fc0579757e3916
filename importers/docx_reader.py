"""Word (.docx) transcripts: body paragraphs and tables in document order.

The main document part is parsed with python-docx's own XML parser (entities are never
resolved) and walked directly, because what transcripts need lies below python-docx's
paragraph API: text inside tracked insertions (kept) and deletions (dropped), bold runs
at the start of a paragraph (a speaker name), soft line breaks, and tables interleaved
with paragraphs. Only the two parts needed are read — the document and its styles — not
the whole package, which makes this faster than ``docx.Document()``. Headers, footers,
comments and footnotes live in other parts, so they never mix in.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from docx.oxml.parser import parse_xml
from lxml import etree

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks
from importers.safety import open_office_package, refuse_doctype

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
P, TBL, TR, TC, R, T, SDT = (f"{W}{n}" for n in ("p", "tbl", "tr", "tc", "r", "t", "sdt"))
SKIPPED = {f"{W}del", f"{W}moveFrom", f"{W}pPr", f"{W}rPr", f"{W}txbxContent",
           f"{W}footnoteReference", f"{W}endnoteReference", f"{W}commentReference",
           f"{MC}AlternateContent"}
CONTAINERS = {f"{W}ins", f"{W}moveTo", f"{W}hyperlink", f"{W}smartTag", f"{W}customXml",
              f"{W}fldSimple", f"{W}sdt", f"{W}sdtContent", f"{W}bdo", f"{W}dir"}
RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n",
            f"{W}noBreakHyphen": "-"}
RPR, B, RSTYLE, VAL = f"{W}rPr", f"{W}b", f"{W}rStyle", f"{W}val"
HEADING_STYLES = ("heading", "title", "subtitle")


def read_docx(path: Path, data: bytes) -> ReadResult:
    package = open_office_package(path, data, r"word/document\d*\.xml", ".docx")
    main_name = _main_part_name(package)
    body = _parse(path, package, main_name).find(f"{W}body")
    if body is None:
        raise ImportFailure(f"{path.name} is damaged: its document part has no body.")
    blocks: list[Block] = []
    styled: list[tuple[Block, str]] = []
    _walk_body(body, blocks, styled)
    if styled:
        styles_name = posixpath.join(posixpath.dirname(main_name), "styles.xml")
        headings = _heading_style_ids(package, styles_name, {style for _, style in styled})
        for block, style in styled:
            block.is_heading = style in headings
    return ReadResult(blocks, metadata={"convention": "table"})


def _main_part_name(package: zipfile.ZipFile) -> str:
    """The document part named by the package relationships (usually word/document.xml)."""
    try:
        relationships = etree.fromstring(package.read("_rels/.rels"), etree.XMLParser(resolve_entities=False))
        for rel in relationships.iter(f"{REL}Relationship"):
            if rel.get("Type") == OFFICE_DOCUMENT:
                return rel.get("Target", "").lstrip("/")
    except (KeyError, etree.XMLSyntaxError):
        pass
    return "word/document.xml"


def _parse(path: Path, package: zipfile.ZipFile, name: str):
    try:
        xml = package.read(name)
    except (KeyError, zipfile.BadZipFile, OSError) as error:
        raise ImportFailure(f"{path.name} is damaged: its part {name} cannot be read.") from error
    refuse_doctype(path, xml)
    try:
        return parse_xml(xml)
    except etree.XMLSyntaxError as error:
        raise ImportFailure(f"{path.name} is damaged: its part {name} is not well-formed XML.") from error


def _heading_style_ids(package: zipfile.ZipFile, styles_name: str, used: set[str]) -> set[str]:
    """Which of the paragraph styles used are headings, by their built-in names.

    Style ids vary with Word's language ("Heading1", "berschrift1"); the ``w:name`` is
    always "heading 1". The styles part is often 300 KB of latent styles, so only the
    few styles actually used are looked up, by a scan rather than a full parse.
    """
    try:
        styles = package.read(styles_name)
    except KeyError:
        return set()
    headings = set()
    for style_id in used:
        found = re.search(
            rb'<w:style\b[^>]*w:styleId="' + re.escape(style_id.encode()) + rb'"[^>]*>(.*?)</w:style>',
            styles, re.S,
        )
        name = re.search(rb'<w:name w:val="([^"]*)"', found.group(1)) if found else None
        if name and name.group(1).decode("utf-8", "replace").lower().startswith(HEADING_STYLES):
            headings.add(style_id)
    return headings


def _walk_body(container, blocks: list[Block], styled: list[tuple[Block, str]]) -> None:
    for child in container:
        if child.tag == P:
            block = _paragraph(child)
            blocks.append(block)
            style = child.find(f"{W}pPr/{W}pStyle")
            if style is not None:
                styled.append((block, style.get(f"{W}val", "")))
        elif child.tag == TBL:
            blocks.extend(table_to_blocks(_table_rows(child)))
        elif child.tag in (SDT, f"{W}sdtContent", f"{W}customXml"):
            _walk_body(child, blocks, styled)


def _table_rows(table) -> list[list[str]]:
    """The table's own rows and cells (a table nested in a cell is that cell's text)."""
    return [[_cell_text(cell) for cell in _children(row, TC)] for row in _children(table, TR)]


def _children(element, tag: str) -> list:
    """Direct children with ``tag``, looking through content controls (w:sdt)."""
    found = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag == SDT:
            content = child.find(f"{W}sdtContent")
            if content is not None:
                found.extend(_children(content, tag))
    return found


def _cell_text(cell) -> str:
    lines = []
    for child in cell:
        if child.tag == P:
            lines.append(_paragraph(child).text)
        elif child.tag == TBL:
            lines.extend("\t".join(row) for row in _table_rows(child))
    return "\n".join(lines)


def _paragraph(paragraph) -> Block:
    pieces: list[str] = []
    state = {"bold_prefix": 0, "bold_open": True}
    _collect(paragraph, pieces, state)
    return Block("".join(pieces), bold_prefix=state["bold_prefix"])


def _collect(element, pieces: list[str], state: dict) -> None:
    for child in element:
        tag = child.tag
        if tag == R:
            _run(child, pieces, state)
        elif tag in CONTAINERS:
            _collect(child, pieces, state)
        elif tag in SKIPPED or not isinstance(tag, str):
            continue


def _run(run, pieces: list[str], state: dict) -> None:
    text = "".join(
        (child.text or "") if child.tag == T else RUN_TEXT[child.tag]
        for child in run
        if child.tag in RUN_TEXT and not (child.tag == f"{W}br" and child.get(f"{W}type") == "page")
    )
    if not text:
        return
    if state["bold_open"]:
        if _is_bold(run):
            state["bold_prefix"] += len(text)
        elif text.strip():
            state["bold_open"] = False
        elif state["bold_prefix"]:
            state["bold_prefix"] += len(text)
    pieces.append(text)


def _is_bold(run) -> bool:
    properties = run.find(RPR)
    if properties is None:
        return False
    bold = properties.find(B)
    if bold is None:
        style = properties.find(RSTYLE)
        return style is not None and style.get(VAL, "").lower() in ("strong", "bold")
    return bold.get(VAL, "true").lower() not in ("0", "false", "off")
