"""What every reader produces, and how it becomes a parsed document with exact offsets.

A reader turns a file into ``Block``s: one per paragraph, in reading order, plus what
the format itself says (a speaker column, a caption voice, a cue time, bold text).
``importers.assemble`` then builds the canonical text from the blocks and records every
offset while it does so, which is why ``text[turn.start:turn.end]`` is the turn's words
for every format: offsets are never computed after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportFailure(Exception):
    """A file cannot be imported; ``str(error)`` is one sentence naming the file."""


@dataclass
class Block:
    """One paragraph as read from a file.

    ``speaker`` / ``timestamp`` are set when the format states them (a table's speaker
    column, a WebVTT voice tag, a cue time); otherwise speaker labels are found in the
    text. ``bold_prefix`` is how many leading characters were bold (Word, HTML), the cue
    for "bold speaker name" transcripts. ``continues`` marks a line that may be a
    wrapped continuation of the previous one (PDF text): it is joined to the previous
    paragraph with a space unless it starts with a speaker label.
    """

    text: str
    speaker: str | None = None
    timestamp: float | None = None
    bold_prefix: int = 0
    is_heading: bool = False
    continues: bool = False


@dataclass
class ReadResult:
    """A reader's output: blocks plus what it learned about the file."""

    blocks: list[Block]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedTurn:
    """``text[start:end]`` is what the speaker said (the label itself is not included).

    A turn with ``speaker`` None is the preamble before the first speaker label.
    """

    start: int
    end: int
    speaker: str | None
    timestamp: float | None = None
    is_interviewer: bool = False


@dataclass
class ParsedDocument:
    text: str
    paragraphs: list[tuple[int, int]]
    turns: list[ParsedTurn]
    convention: str
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker is not None:
                seen.setdefault(turn.speaker, None)
        return list(seen)


TABLE_HEADER_WORDS = {"speaker", "name", "who", "person", "participant", "time", "timestamp",
                      "text", "transcript", "speech", "utterance", "dialogue", "content"}


def table_to_blocks(rows: list[list[str]]) -> list[Block]:
    """Blocks from a table, recognising transcript tables laid out by column.

    Two columns "speaker | text", or three with a time column ("time | speaker | text"
    or "speaker | time | text"), give one speaker turn per row. Any other table is kept
    as text, one paragraph per row with cells separated by tabs.
    """
    from importers.speakers import parse_timestamp  # local: speakers imports this module

    rows = [[cell.strip() for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        return []
    if rows and {c.lower().rstrip(":") for c in rows[0] if c} <= TABLE_HEADER_WORDS:
        rows = rows[1:]
    layout = _transcript_layout(rows, parse_timestamp)
    if layout is None:
        return [Block("\t".join(cell for cell in row if cell)) for row in rows]
    speaker_col, time_col, text_col = layout
    blocks = []
    for row in rows:
        text = row[text_col] if text_col < len(row) else ""
        speaker = row[speaker_col].rstrip(":").strip() or None
        timestamp = parse_timestamp(row[time_col]) if time_col is not None else None
        if not text and speaker is None:
            continue
        blocks.append(Block(text, speaker=speaker, timestamp=timestamp))
    return blocks


def _transcript_layout(rows, parse_timestamp) -> tuple[int, int | None, int] | None:
    width = max(len(row) for row in rows)
    if width not in (2, 3) or len(rows) < 2:
        return None

    def column(index: int) -> list[str]:
        return [row[index] if index < len(row) else "" for row in rows]

    def names_like(cells: list[str]) -> bool:
        filled = [c for c in cells if c]
        return bool(filled) and all(
            len(c) <= 40 and not c.rstrip(":").endswith((".", "?", "!")) and "\n" not in c
            for c in filled
        ) and len(set(filled)) <= max(2, len(filled) // 2 + 1)

    def times_like(cells: list[str]) -> bool:
        filled = [c for c in cells if c]
        return bool(filled) and all(parse_timestamp(c) is not None for c in filled)

    if width == 2:
        return (0, None, 1) if names_like(column(0)) else None
    for speaker_col, time_col in ((1, 0), (0, 1)):
        if times_like(column(time_col)) and names_like(column(speaker_col)):
            return speaker_col, time_col, 2
    return None
