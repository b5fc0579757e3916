"""Read Rich Text Format (.rtf) files into blocks, one per line of text.

``striprtf`` does the RTF parsing. This module adds what it leaves to the caller:

* choosing the code page for ``\\'xx`` escapes, and naming it as every other reader
  does (``html_reader.encoding_name``): "windows-NNNN" for the Windows code pages 874
  and 1250-1258 (so the usual ``\\ansicpg1252`` is "windows-1252", as for .txt and .vtt),
  Python's codec name for any other (``\\ansicpg932`` is "cp932", ``\\mac`` "mac-roman");
* joining emoji that RTF writes as two UTF-16 halves;
* keeping only the visible result of a field (the words of a hyperlink, not its URL);
* recognising tables. Before striprtf runs, the table control words (``\\cell``,
  ``\\row``, ``\\intbl``, ``\\pard``, nested-table cells and rows) are replaced by
  marker characters that pass through striprtf untouched, so the rows and cells can be
  rebuilt afterwards from its text: a cell holding several paragraphs stays one cell,
  its paragraphs joined by line breaks, and a "speaker | text" table gives speaker turns.
  A nested table becomes lines of its outer cell, its cells separated by tabs.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks
from importers.html_reader import encoding_name

DEFAULT_CODE_PAGE = "cp1252"
ANSICPG = re.compile(rb"\\ansicpg(-?\d+)")
# Character sets named by the header when there is no \ansicpg.
CHARSET_WORDS = {b"\\mac": "mac_roman", b"\\pca": "cp850", b"\\pc": "cp437"}

# What _mark_structure looks for: an escaped backslash or brace (so that "\\row" stays
# text), a table control word or \bin with its number and delimiting space, or the
# start of a group to remove: a field's instruction (its URL, for a hyperlink) is never
# shown, and striprtf would otherwise append a hyperlink's URL to its text; a nested
# table's row properties end the nested row.
SCAN = re.compile(
    r"\\[\\{}]"
    r"|\\(cell|row|intbl|pard|nestcell|nestrow|bin)(-?\d{1,10})?(?![a-zA-Z]) ?"
    r"|\{\s*(?:\\\*\s*)?\\(fldinst|nesttableprops)(?![a-zA-Z])"
)
BRACES = re.compile(r"\\[\\{}]|[{}]")

# Markers for the table structure: Unicode noncharacters, which no document's text
# holds (RTF is read as bytes 0-255, and striprtf passes them through untouched).
CELL, ROW, IN_TABLE, PARAGRAPH_RESET, NESTED_CELL, NESTED_ROW = (chr(0xFDD0 + i) for i in range(6))
MARKERS = {"cell": CELL, "row": ROW, "intbl": IN_TABLE, "pard": PARAGRAPH_RESET,
           "nestcell": NESTED_CELL, "nestrow": NESTED_ROW}
STRUCTURE = re.compile("([\n" + "".join(MARKERS.values()) + "])")


def read_rtf(path: Path, data: bytes) -> ReadResult:
    """Blocks for every non-empty line of the document; table rows become tables."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise ImportFailure(f"{path.name} is not an RTF file (it does not start with {{\\rtf).")
    code_page, source = _code_page(data)
    # RTF is 7-bit ASCII with escapes, so latin-1 maps every byte to itself.
    text = _mark_structure(source.decode("latin-1"))
    try:
        plain = rtf_to_text(text, encoding=code_page, errors="replace")
    except (ValueError, TypeError, IndexError, LookupError) as error:
        raise ImportFailure(f"{path.name} could not be read as RTF ({error}).") from error
    blocks = _blocks(_join_surrogates(plain))
    if not any(block.text.strip() for block in blocks):
        raise ImportFailure(f"{path.name} contains no text.")
    return ReadResult(blocks, encoding=encoding_name(code_page))


def _code_page(data: bytes) -> tuple[str, bytes]:
    """The code page for ``\\'xx`` escapes (a Python codec name), and the data to parse.

    An ``\\ansicpg`` Python has no codec for is removed from the data: striprtf would
    otherwise fall back to UTF-8, which is never right for single-byte escapes.
    """
    header = data[:2048]
    found = ANSICPG.search(header)
    if found:
        try:
            return codecs.lookup(f"cp{int(found.group(1))}").name, data
        except LookupError:
            data = data[: found.start()] + data[found.end():]
    for word, name in CHARSET_WORDS.items():
        if re.search(re.escape(word) + rb"(?![a-z])", header):
            return codecs.lookup(name).name, data
    return DEFAULT_CODE_PAGE, data


def _mark_structure(text: str) -> str:
    """The RTF with table control words replaced by marker characters and field
    instructions removed, ready for striprtf.

    Each marker is written as ``{}`` and the character: the empty group makes striprtf
    end any pending ``\\'xx`` run and any fallback characters it is skipping after a
    ``\\uN``, exactly as the control word it replaces would have, and changes nothing
    else. Inside a group striprtf ignores (a header, a footnote), the marker is ignored
    with the rest of the group.
    """
    out: list[str] = []
    position = 0
    for found in SCAN.finditer(text):
        if found.start() < position:
            continue  # inside a group removed, or binary data copied, already
        out.append(text[position:found.start()])
        position = found.end()
        word, number, group = found.groups()
        if group is not None:
            position = _group_end(text, found.start())
            if group == "nesttableprops":
                out.append("{}" + NESTED_ROW)
        elif word == "bin":  # binary data follows: copy it as it is
            position += max(int(number or 0), 0)
            out.append(text[found.start():position])
        elif word is not None:
            out.append("{}" + MARKERS[word])
        else:
            out.append(found.group(0))
    out.append(text[position:])
    return "".join(out)


def _group_end(text: str, start: int) -> int:
    """The position just after the group that opens at ``start`` (or the end of the text)."""
    depth = 0
    for brace in BRACES.finditer(text, start):
        if brace.group(0) == "{":
            depth += 1
        elif brace.group(0) == "}":
            depth -= 1
            if depth == 0:
                return brace.end()
    return len(text)


def _join_surrogates(text: str) -> str:
    """One code point for each emoji or other character beyond U+FFFF.

    RTF writes such characters as two ``\\uN`` escapes (a UTF-16 surrogate pair) and
    striprtf emits each half separately; a half without its partner becomes U+FFFD.
    """
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class _Tables:
    """Rebuilds blocks from striprtf's output and the table markers in it.

    A paragraph belongs to a table if a row is open (a cell has ended since the last row
    end) or if ``\\intbl`` applies to it (set since the last ``\\pard``). The paragraphs
    of a table cell are kept until the cell ends; consecutive rows go through
    ``table_to_blocks`` together when the first paragraph outside the table arrives.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None    # cells of the open row
        self.cell: list[str] = []            # finished paragraphs of the open cell
        self.nested: list[str] = []          # finished cells of the open nested row
        self.line = ""                       # the paragraph being read
        self.in_table = False                # \intbl applies

    def feed(self, piece: str) -> None:
        if piece == "\n":
            self._end_paragraph()
        elif piece == CELL:
            self._end_cell()
        elif piece == ROW:
            self._end_row()
        elif piece == IN_TABLE:
            self.in_table = True
        elif piece == PARAGRAPH_RESET:
            self.in_table = False
        elif piece == NESTED_CELL:
            self.nested.append(self._take_line())
        elif piece == NESTED_ROW:
            self._end_nested_row()
        else:
            self.line += piece

    def finish(self) -> list[Block]:
        if self.line.strip() or self.nested:
            self._end_paragraph()
        if self.row is not None:
            self._end_row()
        self._end_table()
        return self.blocks

    def _take_line(self) -> str:
        line, self.line = self.line.strip(), ""
        return line

    def _end_paragraph(self) -> None:
        if self.nested:
            self._end_nested_row()
        if self.row is not None or self.in_table:
            self.cell.append(self._take_line())
            return
        self._end_table()
        line, self.line = self.line, ""
        if line.strip():
            self.blocks.append(Block(line))

    def _end_nested_row(self) -> None:
        cells = [*self.nested, self._take_line()]
        self.nested = []
        self.cell.append("\t".join(cell for cell in cells if cell))

    def _end_cell(self) -> None:
        if self.nested:
            self._end_nested_row()
        paragraphs = [*self.cell, self._take_line()]
        self.cell = []
        self.row = (self.row or []) + ["\n".join(p for p in paragraphs if p)]

    def _end_row(self) -> None:
        if self.nested or self.line.strip() or any(self.cell):
            self._end_cell()  # text after the last \cell of a row: keep it as a cell
        self.line, self.cell = "", []
        if self.row is not None:
            self.rows.append(self.row)
        self.row = None

    def _end_table(self) -> None:
        """Send the finished rows through ``table_to_blocks``; paragraphs that were
        marked as table text but never ended a cell become ordinary blocks after them."""
        if self.rows:
            self.blocks.extend(table_to_blocks(self.rows))
            self.rows = []
        self.blocks.extend(Block(p) for p in self.cell if p)
        self.cell = []


def _blocks(plain: str) -> list[Block]:
    """One block per non-empty paragraph or line outside tables; tables through
    ``table_to_blocks`` so "speaker | text" tables give speaker turns."""
    tables = _Tables()
    for piece in STRUCTURE.split(plain):
        if piece:
            tables.feed(piece)
    return tables.finish()
