"""Read Rich Text Format (.rtf) files into blocks, one per line of text.

``striprtf`` does the RTF parsing. This module adds what it leaves to the caller:
choosing the code page for ``\\'xx`` escapes, joining emoji that RTF writes as two
UTF-16 halves, and recognising table rows, which striprtf flattens to ``cell|cell|``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks

DEFAULT_CODE_PAGE = "cp1252"
ANSICPG = re.compile(rb"\\ansicpg(-?\d+)")
# Character sets named by the header when there is no \ansicpg.
CHARSET_WORDS = {b"\\mac": "mac_roman", b"\\pca": "cp850", b"\\pc": "cp437"}
# striprtf writes a table cell's end as "|". A real "|" in the text is hidden behind
# this private-use character while striprtf runs, so the two cannot be confused.
PIPE_STAND_IN = "\ue000"
CELL_END = "|"


def read_rtf(path: Path, data: bytes) -> ReadResult:
    """Blocks for every non-empty line of the document; table rows become tables."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise ImportFailure(f"{path.name} is not an RTF file (it does not start with {{\\rtf).")
    code_page, source = _code_page(data)
    # RTF is 7-bit ASCII with escapes, so latin-1 maps every byte to itself.
    text = source.decode("latin-1").replace(CELL_END, PIPE_STAND_IN)
    try:
        plain = rtf_to_text(text, encoding=code_page, errors="replace")
    except (ValueError, TypeError, IndexError, LookupError) as error:
        raise ImportFailure(f"{path.name} could not be read as RTF ({error}).") from error
    blocks = _blocks(_join_surrogates(plain))
    if not any(block.text.strip() for block in blocks):
        raise ImportFailure(f"{path.name} contains no text.")
    return ReadResult(blocks, encoding=code_page)


def _code_page(data: bytes) -> tuple[str, bytes]:
    """The code page for ``\\'xx`` escapes, and the data to parse.

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


def _join_surrogates(text: str) -> str:
    """One code point for each emoji or other character beyond U+FFFF.

    RTF writes such characters as two ``\\uN`` escapes (a UTF-16 surrogate pair) and
    striprtf emits each half separately; a half without its partner becomes U+FFFD.
    """
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _blocks(plain: str) -> list[Block]:
    """One block per non-empty line; consecutive table-row lines go through
    ``table_to_blocks`` so "speaker | text" tables give speaker turns.

    Limitation: a cell holding several paragraphs comes out of striprtf split over
    lines, so only its last paragraph stays in the row.
    """
    blocks: list[Block] = []
    rows: list[list[str]] = []
    for line in plain.splitlines():
        if CELL_END in line:
            cells = line.split(CELL_END)
            if cells and not cells[-1].strip():
                cells.pop()
            rows.append([_restore(cell) for cell in cells])
            continue
        if rows:
            blocks.extend(table_to_blocks(rows))
            rows = []
        if line.strip():
            blocks.append(Block(_restore(line)))
    if rows:
        blocks.extend(table_to_blocks(rows))
    return blocks


def _restore(text: str) -> str:
    return text.replace(PIPE_STAND_IN, CELL_END)
