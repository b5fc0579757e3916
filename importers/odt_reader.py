"""Read OpenDocument text (.odt) files into blocks, in document order.

Only the body (content.xml) is read, so page headers and footers, which live in
styles.xml, never reach the transcript. Comments, footnotes, tracked deletions and
generated indexes are skipped too: none of them is something a participant said.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.common import DefusedXmlException
from defusedxml.sax import parseString
from odf.element import Node
from odf.namespaces import DRAWNS, FONS, OFFICENS, STYLENS, TABLENS, TEXTNS
from odf.opendocument import load

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks

SKIPPED = {
    (TEXTNS, "tracked-changes"), (TEXTNS, "deletion"), (OFFICENS, "annotation"),
    (TEXTNS, "note"), (TEXTNS, "table-of-content"), (TEXTNS, "alphabetical-index"),
    (TEXTNS, "illustration-index"), (TEXTNS, "table-index"), (TEXTNS, "object-index"),
    (TEXTNS, "user-index"), (TEXTNS, "bibliography"), (TEXTNS, "ruby-text"),
}
ROW_GROUPS = {(TABLENS, n) for n in ("table-header-rows", "table-rows", "table-row-group")}
CELLS = {(TABLENS, "table-cell"), (TABLENS, "covered-table-cell")}
WHITESPACE = re.compile(r"[ \t\r\n]+")
MANIFEST = "META-INF/manifest.xml"
MAX_REPEAT = 100  # repeated rows/cells beyond this are formatting, not content


def read_odt(path: Path, data: bytes) -> ReadResult:
    """Paragraphs, headings and tables of the document body as blocks."""
    body = _open_body(path, data)
    reader = _BodyReader(_bold_styles(body.ownerDocument))
    reader.walk(body)
    if not any(block.text.strip() for block in reader.blocks):
        raise ImportFailure(f"{path.name} contains no text.")
    return ReadResult(reader.blocks)


def _open_body(path: Path, data: bytes):
    """The ``office:text`` element, or an ``ImportFailure`` that says what is wrong.

    content.xml is checked for well-formedness first because odfpy does not fail on
    broken XML: it prints the whole part to stdout and keeps what it parsed so far,
    which would import half a transcript without a word of warning.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            manifest = archive.read(MANIFEST) if MANIFEST in names else b""
            content = archive.read("content.xml") if "content.xml" in names else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise ImportFailure(f"{path.name} is not an OpenDocument file (it is not a zip archive).") from error
    if content is None:
        raise ImportFailure(f"{path.name} is not an OpenDocument text file (it has no content.xml).")
    if b"encryption-data" in manifest:
        raise ImportFailure(f"{path.name} is password-protected; remove the password and import it again.")
    try:
        parseString(content, ContentHandler())
        with contextlib.redirect_stdout(io.StringIO()):  # odfpy prints parts it cannot parse
            document = load(io.BytesIO(data))
    except (SAXException, DefusedXmlException) as error:
        raise ImportFailure(
            f"{path.name} could not be read as an OpenDocument file (damaged XML: {error})."
        ) from error
    except Exception as error:  # odfpy raises zip, key, index and decoding errors alike
        raise ImportFailure(f"{path.name} could not be read as an OpenDocument file ({error}).") from error
    for child in document.body.childNodes:
        if child.nodeType == Node.ELEMENT_NODE and child.qname == (OFFICENS, "text"):
            return child
    raise ImportFailure(
        f"{path.name} is not an OpenDocument text document (it may be a spreadsheet or slides)."
    )


def _bold_styles(document) -> set[str]:
    """Names of text styles that make text bold, following ``parent-style-name``.

    Bold speaker names are a common transcript convention; automatic styles (in
    content.xml) and named styles such as "Strong Emphasis" (styles.xml) both count.
    odfpy merges the automatic styles of content.xml and styles.xml, content first; the
    first definition of a name wins, so the body's own styles take precedence.
    """
    own: dict[str, bool | None] = {}
    parent: dict[str, str] = {}
    for style in [*document.automaticstyles.childNodes, *document.styles.childNodes]:
        if style.nodeType != Node.ELEMENT_NODE or style.qname != (STYLENS, "style"):
            continue
        name = style.getAttrNS(STYLENS, "name")
        if name in own:
            continue
        parent[name] = style.getAttrNS(STYLENS, "parent-style-name")
        own[name] = None
        for props in style.childNodes:
            if props.nodeType == Node.ELEMENT_NODE and props.qname == (STYLENS, "text-properties"):
                weight = props.getAttrNS(FONS, "font-weight") or props.getAttrNS(
                    STYLENS, "font-weight-complex")
                if weight:
                    own[name] = weight == "bold" or (weight.isdigit() and int(weight) >= 600)

    def bold(name: str | None, depth: int = 0) -> bool:
        if name not in own or depth > 20:
            return False
        return own[name] if own[name] is not None else bold(parent.get(name), depth + 1)

    return {name for name in own if bold(name)}


class _BodyReader:
    """Walks the body, turning paragraphs, headings and tables into blocks."""

    def __init__(self, bold_styles: set[str]) -> None:
        self.bold_styles = bold_styles
        self.blocks: list[Block] = []

    def walk(self, element) -> None:
        for child in element.childNodes:
            if child.nodeType != Node.ELEMENT_NODE or child.qname in SKIPPED:
                continue
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                self.blocks.append(self._paragraph(child))
            elif child.qname == (TABLENS, "table"):
                self.blocks.extend(table_to_blocks(self._rows(child)))
            else:  # lists, list items, sections and other containers
                self.walk(child)

    def _paragraph(self, element) -> Block:
        """A block, with ``bold_prefix`` set when the paragraph opens with a bold span."""
        pieces = [(child, _text(child)) for child in element.childNodes]
        text = "".join(piece for _, piece in pieces)
        bold_prefix = 0
        for child, piece in pieces:
            if not piece.strip():
                continue
            if child.nodeType == Node.ELEMENT_NODE and child.qname == (TEXTNS, "span") and \
                    child.getAttrNS(TEXTNS, "style-name") in self.bold_styles:
                bold_prefix = len(piece.lstrip())
            break
        # bold_prefix counts from the first visible character, as assemble will see it.
        return Block(text.lstrip(), bold_prefix=bold_prefix, is_heading=element.qname == (TEXTNS, "h"))

    def _rows(self, table) -> list[list[str]]:
        rows: list[list[str]] = []
        for child in table.childNodes:
            if child.nodeType != Node.ELEMENT_NODE:
                continue
            if child.qname in ROW_GROUPS:
                rows.extend(self._rows(child))
            elif child.qname == (TABLENS, "table-row"):
                row = []
                for cell in child.childNodes:
                    if cell.nodeType == Node.ELEMENT_NODE and cell.qname in CELLS:
                        row.extend([self._cell_text(cell)] * _repeat(cell, "number-columns-repeated"))
                while row and not row[-1].strip():
                    row.pop()
                rows.extend([row] * (_repeat(child, "number-rows-repeated") if row else 1))
        return rows

    def _cell_text(self, cell) -> str:
        inner = _BodyReader(self.bold_styles)
        inner.walk(cell)
        return "\n".join(f"{b.speaker}: {b.text}" if b.speaker else b.text for b in inner.blocks)


def _repeat(element, attribute: str) -> int:
    value = element.getAttrNS(TABLENS, attribute)
    return min(int(value), MAX_REPEAT) if value and value.isdigit() else 1


def _text(node) -> str:
    """The visible text of a node, per the ODF rules for spaces, tabs and line breaks."""
    if node.nodeType == Node.TEXT_NODE:
        return WHITESPACE.sub(" ", node.data)
    if node.nodeType != Node.ELEMENT_NODE or node.qname in SKIPPED or node.qname[0] == DRAWNS:
        return ""
    if node.qname == (TEXTNS, "s"):
        count = node.getAttrNS(TEXTNS, "c")
        return " " * (int(count) if count and count.isdigit() else 1)
    if node.qname == (TEXTNS, "tab"):
        return "\t"
    if node.qname == (TEXTNS, "line-break"):
        return "\n"
    return "".join(_text(child) for child in node.childNodes)
