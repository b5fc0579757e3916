"""What every reader produces, and how it becomes a parsed document with exact offsets.

A reader turns a file into ``Block``s: one per paragraph, in reading order, plus what
the format itself says (a speaker column, a caption voice, a cue time, bold text).
``importers.assemble`` then builds the canonical text from the blocks and records every
offset while it does so, which is why ``text[turn.start:turn.end]`` is the turn's words
for every format: offsets are never computed after the fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import CharterError


class ImportFailure(CharterError):
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

    A turn with ``speaker`` None is the preamble before the first speaker label, or, in
    a document without any speaker label, one line of its text (see
    ``importers.assemble.line_turns``).
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


HEADER_WORDS = {"speaker", "speakers", "name", "who", "person", "participant", "time",
                "timestamp", "timecode", "time code", "text", "transcript", "speech", "utterance",
                "dialogue", "content", "comment", "comments", "notes", "words", "what", "said",
                "respondent", "role", "start", "end", "line", "no", "number", "#"}


def table_to_blocks(rows: list[list[str]]) -> list[Block]:
    """Blocks from a table, recognising transcript tables laid out by column.

    A transcript table has a column of speaker names and a column of words, optionally
    a time column first or second and notes columns after ("Time | Speaker | Text |
    Notes"); a header row is skipped; a row with an empty speaker cell continues the
    previous speaker's turn. Any other table is kept as text: "key: value" lines for a
    two-column table of short keys, otherwise one tab-separated line per row.
    """
    from importers.speakers import parse_timestamp, plausible_speaker  # speakers imports this module

    rows = [_trim(row) for row in rows]
    rows = [row for row in rows if row]
    if rows and _is_header(rows[0]):
        rows = rows[1:]
    if not rows:
        return []
    layout = _transcript_layout(rows, parse_timestamp, plausible_speaker)
    if layout is None:
        return _plain_rows(rows)
    speaker_col, time_col, text_col = layout
    blocks: list[Block] = []
    for row in rows:
        cells = row + [""] * (text_col + 1 - len(row))
        words = "\n".join(cell for cell in cells[text_col:] if cell)
        speaker = cells[speaker_col].rstrip(":：").strip()
        if not speaker and blocks:
            blocks[-1].text = "\n".join(part for part in (blocks[-1].text, words) if part)
            continue
        timestamp = parse_timestamp(cells[time_col]) if time_col is not None and cells[time_col] else None
        if words or speaker:
            blocks.append(Block(words, speaker=speaker or None, timestamp=timestamp))
    return blocks


def _trim(row: list[str]) -> list[str]:
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_header(row: list[str]) -> bool:
    """A first row whose every cell is made of column-heading words ("Speaker", "Who",
    "What was said", "Transcript text")."""
    filled = [cell for cell in row if cell]
    return bool(filled) and all(
        len(cell) <= 30 and any(word in HEADER_WORDS for word in cell.lower().replace(":", " ").split())
        for cell in filled
    )


def _plain_rows(rows: list[list[str]]) -> list[Block]:
    if all(len(row) == 2 and len(row[0]) <= 30 for row in rows):
        return [Block(f"{key.rstrip(':')}: {value}") for key, value in rows]
    return [Block("\t".join(cell for cell in row if cell)) for row in rows]


def _transcript_layout(rows, parse_timestamp, plausible_speaker) -> tuple[int, int | None, int] | None:
    """(speaker column, time column or None, text column), or None if not a transcript."""
    width = max(len(row) for row in rows)
    if width < 2 or len(rows) < 2:
        return None

    def column(index: int) -> list[str]:
        return [row[index] for row in rows if index < len(row) and row[index]]

    def times_like(index: int) -> bool:
        cells = column(index)
        return bool(cells) and all(parse_timestamp(cell) is not None for cell in cells)

    def names_like(index: int) -> bool:
        cells = [cell.rstrip(":：").strip() for cell in column(index)]
        if not cells or any(len(cell) > 40 or "\n" in cell or cell.endswith((".", "?", "!")) for cell in cells):
            return False
        return sum(plausible_speaker(cell) for cell in cells) >= 0.8 * len(cells)

    time_col = next((i for i in (0, 1) if i < width - 1 and times_like(i)), None)
    speaker_col = next(i for i in (0, 1, 2) if i != time_col)
    text_col = speaker_col + 1 + (1 if time_col == speaker_col + 1 else 0)
    if text_col >= width or not names_like(speaker_col):
        return None
    return speaker_col, time_col, text_col
