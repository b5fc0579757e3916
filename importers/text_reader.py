"""Plain-text (.txt) and Markdown (.md) transcripts, with the encoding decided by rule.

The rule, reported in every import result: a byte-order mark wins (UTF-8, UTF-16 LE/BE);
otherwise UTF-8 if the bytes are valid UTF-8; otherwise Windows-1252, the encoding of
most older Windows transcripts. Binary data renamed .txt is refused rather than decoded
into nonsense.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from importers.document import Block, ImportFailure, ReadResult

BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8 (with BOM)"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
MARKDOWN_BOLD_LABEL = re.compile(r"^(\*\*|__)(?P<label>[^*_\n]{1,60}?)\1")


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding chosen by the rule above."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec.removesuffix("-sig")), label
            except UnicodeDecodeError as error:
                raise ImportFailure(f"{path.name} starts with a {label} byte-order mark but is not valid {label} text.") from error
    if b"\x00" in data:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise ImportFailure(f"{path.name} contains binary data, not text.")
        try:
            return data.decode(codec), f"{codec} (no BOM)"
        except UnicodeDecodeError as error:
            raise ImportFailure(f"{path.name} looks like UTF-16 text without a byte-order mark but does not decode as {codec}.") from error
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "windows-1252"
    if len(CONTROL.findall(text[:65536])) > max(3, len(text[:65536]) // 100):
        raise ImportFailure(f"{path.name} contains binary data, not text.")
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark shows as a NUL in every other byte
    (mostly-Latin text): NULs at odd positions are little-endian, at even big-endian."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    odd_nuls = sample[1::2].count(0) / (len(sample) // 2)
    even_nuls = sample[0::2].count(0) / (len(sample) // 2)
    if odd_nuls > 0.6 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.6 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def read_text(path: Path, data: bytes) -> ReadResult:
    text, encoding = decode_text(path, data)
    if not text.strip():
        raise ImportFailure(f"{path.name} contains only whitespace.")
    markdown = path.suffix.lower() in (".md", ".markdown")
    blocks = [_markdown_block(line) if markdown else Block(line) for line in text.splitlines()]
    return ReadResult([b for b in blocks if b.text.strip()], encoding=encoding)


def _markdown_block(line: str) -> Block:
    """Markdown keeps its meaning, not its markup: ``**Sam:**`` is a bold label, ``#`` a heading."""
    heading = MARKDOWN_HEADING.match(line)
    if heading:
        return Block(line[heading.end():], is_heading=True)
    bold = MARKDOWN_BOLD_LABEL.match(line)
    if bold:
        label = bold.group("label")
        return Block(label + line[bold.end():], bold_prefix=len(label))
    return Block(line)
