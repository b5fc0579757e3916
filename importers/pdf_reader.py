"""Read the text layer of PDF files into blocks, one per line.

A PDF stores positioned text, not paragraphs, so every extracted line becomes a block
marked ``continues``; assemble joins wrapped lines back into paragraphs unless a line
starts a new speaker. Page numbers are dropped so they do not land inside a turn.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from importers.document import Block, ImportFailure, ReadResult

PASSWORD = "is password-protected; remove the password and import it again."
LAYOUT_NOTE = "PDF layout is approximate: line breaks and columns were reconstructed from the text layer."
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?\s*(?:(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE
)
# Typographic ligatures some PDF producers emit; readers expect the plain letters.
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"})


def read_pdf(path: Path, data: bytes) -> ReadResult:
    """Blocks for every line of text on every page, in page order."""
    if b"%PDF-" not in data[:1024]:
        raise ImportFailure(f"{path.name} is not a PDF file (it does not start with %PDF).")
    try:
        pages = _page_texts(path, data)
    except ImportFailure:
        raise
    except Exception as error:  # pypdf raises many error types on damaged files
        raise ImportFailure(f"{path.name} could not be read as a PDF ({error}).") from error
    blocks = [block for text in pages for block in _page_blocks(text)]
    if not any(block.text.strip() for block in blocks):
        raise ImportFailure(f"{path.name} has no text layer — OCR it first.")
    return ReadResult(blocks, notes=[LAYOUT_NOTE])


def _page_texts(path: Path, data: bytes) -> list[str]:
    """Each page's extracted text, after opening an encrypted file if no password is set.

    Many PDFs are encrypted only to restrict printing or copying and open with an
    empty password; those import normally.
    """
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        if not reader.decrypt(""):
            raise ImportFailure(f"{path.name} {PASSWORD}")
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError as error:
        raise ImportFailure(f"{path.name} {PASSWORD}") from error


def _page_blocks(text: str) -> list[Block]:
    """Lines of one page. A line right after another non-blank line may be a wrapped
    continuation; the first line of a page and a line after a blank one start afresh."""
    blocks: list[Block] = []
    after_text = False
    for line in text.translate(LIGATURES).splitlines():
        if not line.strip():
            after_text = False
            continue
        if PAGE_NUMBER.match(line):
            continue
        blocks.append(Block(line, continues=after_text))
        after_text = True
    return blocks
