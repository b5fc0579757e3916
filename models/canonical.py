"""What "canonical text" means: the one form a source's text is stored in.

Every offset in Charter (turns, codings, search hits, REFI-QDA positions) is a Python
``str`` index into this text, so it must never change shape after import. The rules:

* Unicode NFC, so that "é" is one code point whichever way the file spelled it;
* ``\\n`` line endings only;
* no NUL characters (SQLite's ``length()`` stops at the first NUL, which would break the
  database's own span checks).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

WORD = re.compile(r"\w+(?:['’]\w+)*")


class NotCanonicalError(ValueError):
    """The text is not in canonical form; ``canonical_text`` would fix it."""


def canonical_text(raw: str) -> str:
    """Bring text read from any file into canonical form."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def ensure_canonical(text: str) -> str:
    """Refuse text that is not canonical, rather than silently shifting offsets."""
    if "\r" in text:
        raise NotCanonicalError("source text must use \\n line endings only")
    if "\x00" in text:
        raise NotCanonicalError("source text must not contain NUL characters")
    if not unicodedata.is_normalized("NFC", text):
        raise NotCanonicalError("source text must be in Unicode NFC form")
    return text


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of letters/digits, with inner apostrophes."""
    return len(WORD.findall(text))


def content_hash(text: str) -> str:
    """SHA-256 of the canonical text: the same transcript imported twice has one hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` narrowed past the white space at both ends (empty stays empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
