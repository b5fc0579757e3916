"""From a reader's blocks to a ``ParsedDocument``: canonical text, paragraphs and turns.

Offsets are recorded while the text is built, so they are exact by construction: each
paragraph is normalised first (NFC, spaces), then appended, and every span refers to
the string as it now stands.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from importers.document import Block, ImportFailure, ParsedDocument, ParsedTurn, ReadResult
from importers.speakers import (
    BOLD_NAME,
    BUILT_IN_CONVENTIONS,
    NOT_SPEAKERS,
    Convention,
    LabelMatch,
    custom_conventions,
    is_interviewer_label,
    match_bold_label,
    match_label,
)
from models.canonical import strip_span
from models.cases import participant_name_key

# Odd spaces become ordinary spaces; invisible characters (zero-width space, BOM, soft
# hyphen, word joiner) go. Joiners inside emoji and scripts (U+200C, U+200D) stay.
CLEANUP = {
    **dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u3000"), " "),
    **dict.fromkeys(map(ord, "\u200b\ufeff\u00ad\u2060"), None),
}
DIRECTION_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
METADATA_LINE = re.compile(r"^(?P<key>[A-Za-z][\w .-]{0,30}?)\s*:\s*(?P<value>\S.*)$")


def clean_paragraph(text: str) -> str:
    """One paragraph in canonical form: NFC, ordinary spaces, no invisible characters,
    no leading/trailing blanks. Soft line breaks inside it stay as ``\\n``.

    Called for every paragraph of every import, so plain-ASCII text takes a short cut.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.translate(CLEANUP))
    if "\n" in text:
        text = "\n".join(line.strip(" \t") for line in text.split("\n"))
    # Direction marks opening a paragraph (common in right-to-left transcripts) would
    # hide a speaker label from view and from the label patterns.
    text = text.strip().lstrip(DIRECTION_MARKS).strip()
    # A paragraph cannot start with a combining mark: it would fuse with the newline.
    while text and unicodedata.combining(text[0]):
        text = text[1:].lstrip()
    return text


def _clean_block(block: Block) -> Block:
    """Clean a block's text, carrying its bold prefix over to the cleaned text."""
    text = clean_paragraph(block.text)
    bold_prefix = 0
    if block.bold_prefix:
        bold = clean_paragraph(block.text[: block.bold_prefix])
        bold_prefix = len(bold) if bold and text.startswith(bold) else 0
    speaker = clean_paragraph(block.speaker).replace("\n", " ") if block.speaker else None
    return replace(block, text=text, bold_prefix=bold_prefix, speaker=speaker or None)


def assemble(
    result: ReadResult, speaker_patterns: list[str] | None = None, *, file_name: str = "The file"
) -> ParsedDocument:
    blocks = [_clean_block(b) for b in result.blocks]
    blocks = [b for b in blocks if b.text or b.speaker]
    conventions = custom_conventions(speaker_patterns or []) + BUILT_IN_CONVENTIONS
    labels, convention = _find_labels(blocks, conventions)
    blocks, labels = _join_wrapped_lines(blocks, labels)
    if not any(block.text for block in blocks):
        raise ImportFailure(f"{file_name} contains no text.")
    structured = sum(1 for block in blocks if block.speaker)
    labelled = sum(1 for label in labels if label is not None)
    name = result.metadata.get("convention", "structured") if structured > labelled else None
    builder = _TextBuilder()
    for block, label in zip(blocks, labels, strict=True):
        builder.add(block, label)
    document = builder.finish(
        convention=name or (convention.name if convention else "none"),
        encoding=result.encoding,
        notes=list(result.notes),
        metadata=dict(result.metadata),
    )
    document.metadata.pop("convention", None)
    _metadata_from_preamble(document)
    if not document.speakers:
        document.turns = line_turns(document.text)
    return document


def line_turns(text: str) -> list[ParsedTurn]:
    """The turns of a text without speaker labels: one per line that has anything on it,
    trimmed, with no speaker (the store gives them all to the source's one participant,
    see ``importers.store.sole_speaker``).

    A turn per line, not one over the whole text, keeps turns paragraph-sized as in a
    labelled transcript: a search hit, "code the turn at the cursor" and auto-coding by
    turn each take a paragraph, not the whole document. Every character but the line
    breaks between them is in a turn, so every coded word is someone's, and the turns'
    words add up to the source's.
    """
    turns = []
    start = 0
    for line in text.split("\n"):
        low, high = strip_span(text, start, start + len(line))
        if low < high:
            turns.append(ParsedTurn(low, high, None))
        start += len(line) + 1
    return turns


def _find_labels(
    blocks: list[Block], conventions: list[Convention]
) -> tuple[list[LabelMatch | None], Convention | None]:
    """Each block's speaker label, if any, and the file's convention.

    The file's convention is the one labelling most paragraphs (earlier ones win ties);
    any other labelling at least two paragraphs is honoured too, for files that mix
    styles (a timestamped label here, a plain one there). Each convention is tried on
    each block once and the answers kept: this is the importer's inner loop.
    """
    candidates = list(conventions)
    if any(block.bold_prefix for block in blocks):
        candidates.insert(0, BOLD_NAME)
    eligible = [not block.speaker and not block.is_heading for block in blocks]
    matches = []
    for convention in candidates:
        column = [_match(convention, block) if ok else None for block, ok in zip(blocks, eligible)]
        matches.append(column)
        if sum(m is not None for m in column) == sum(eligible):
            break  # labels every paragraph it can: no later convention can outrank it
    scores = [sum(m is not None for m in column) for column in matches]
    ranked = sorted((i for i, score in enumerate(scores) if score), key=lambda i: (-scores[i], i))
    ranked = [i for rank, i in enumerate(ranked) if rank == 0 or scores[i] >= 2]
    labels = [
        next((matches[i][index] for i in ranked if matches[i][index] is not None), None)
        for index in range(len(blocks))
    ]
    return labels, (candidates[ranked[0]] if ranked else None)


def _match(convention: Convention, block: Block) -> LabelMatch | None:
    if convention is BOLD_NAME:
        return match_bold_label(block.text, block.bold_prefix)
    return match_label(convention, block.text)


def _join_wrapped_lines(blocks, labels):
    """Join PDF-style continuation lines to the paragraph they wrap from.

    A line never joins a label that stands alone on its line ("Jo:" then the words):
    it is the start of that speaker's words. A line ending in a hyphen keeps it
    ("community-" + "led"): soft hyphenation rarely survives into a text layer, while
    hard hyphens at line ends are common.
    """
    joined_blocks: list[Block] = []
    joined_labels: list[LabelMatch | None] = []
    for block, label in zip(blocks, labels, strict=True):
        previous_label = joined_labels[-1] if joined_labels else None
        if (block.continues and label is None and joined_blocks and not joined_blocks[-1].speaker
                and not (previous_label is not None and previous_label.label_only)):
            previous = joined_blocks[-1]
            joiner = "" if previous.text.endswith("-") else " "
            joined_blocks[-1] = replace(previous, text=previous.text + joiner + block.text)
            continue
        joined_blocks.append(block)
        joined_labels.append(label)
    return joined_blocks, joined_labels


@dataclass
class _OpenTurn:
    start: int | None
    end: int
    speaker: str | None
    timestamp: float | None


class _TextBuilder:
    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0
        self.paragraphs: list[tuple[int, int]] = []
        self.turns: list[ParsedTurn] = []
        self.current: _OpenTurn | None = None
        self.spellings: dict[str, str] = {}
        self.after_structured = False

    def _append_paragraph(self, text: str) -> int:
        if self.pieces:
            self.pieces.append("\n")
            self.length += 1
        start = self.length
        self.pieces.append(text)
        self.length += len(text)
        self.paragraphs.append((start, self.length))
        return start

    def _speaker(self, raw: str) -> str:
        """One spelling per speaker within a file ("JOSÉ" and "José" are the same person,
        by the rule that matches participants across files)."""
        return self.spellings.setdefault(participant_name_key(raw), raw)

    def add(self, block: Block, label: LabelMatch | None) -> None:
        if block.speaker:
            speaker = self._speaker(block.speaker)
            prefix = f"{speaker}: "
            start = self._append_paragraph(prefix + block.text if block.text else speaker + ":")
            self._open(speaker, block.timestamp, start + len(prefix) if block.text else None)
            if block.text:
                self.current.end = self.length
            self.after_structured = True
            return
        if label is None and self.after_structured:
            self._close()  # text after a speaker table or captions is nobody's turn
        self.after_structured = False
        start = self._append_paragraph(block.text)
        if label is not None:
            speaker = self._speaker(label.speaker)
            self._open(speaker, label.timestamp, None if label.label_only else start + label.label_end)
            if not label.label_only:
                self.current.end = self.length
            return
        if block.is_heading or self.current is None:
            self._open(None, None, start)
        elif self.current.start is None:
            self.current.start = start
        self.current.end = self.length
        if block.is_heading:
            self._close()

    def _open(self, speaker, timestamp, start) -> None:
        self._close()
        self.current = _OpenTurn(start, start or 0, speaker, timestamp)

    def _close(self) -> None:
        turn, self.current = self.current, None
        if turn is None or turn.start is None or turn.end <= turn.start:
            return
        self.turns.append(
            ParsedTurn(
                turn.start,
                turn.end,
                turn.speaker,
                turn.timestamp,
                is_interviewer=turn.speaker is not None and is_interviewer_label(turn.speaker),
            )
        )

    def finish(self, **details) -> ParsedDocument:
        self._close()
        return ParsedDocument("".join(self.pieces), self.paragraphs, self.turns, **details)


def _metadata_from_preamble(document: ParsedDocument) -> None:
    """"Date: 12 March 2013" and similar lines before the first speaker become metadata."""
    first_spoken = next((t.start for t in document.turns if t.speaker is not None), None)
    for start, end in document.paragraphs:
        if first_spoken is not None and start >= first_spoken:
            break
        found = METADATA_LINE.match(document.text[start:end])
        if found and found.group("key").lower() in NOT_SPEAKERS:
            document.metadata.setdefault(found.group("key").lower(), found.group("value").strip())
