"""Auto-transcripts from Teams, Zoom and Otter: WebVTT (.vtt) and SubRip (.srt) captions.

Caption files cut speech into cues of a few seconds each, but a researcher codes turns,
so consecutive cues by the same speaker are merged into one paragraph, timed at the start
of its first cue. The speaker comes from a WebVTT voice tag (``<v Jane Doe>``, as Teams
writes) or, in a file without voice tags, a "Name:" prefix at the start of a cue line (as
Zoom writes), also after a dialogue dash ("- Jane: Hi.", as subtitles mark a change of
speaker). Each line of a cue is read on its own, so a cue that holds two speakers' lines
gives each line to its own speaker. Text with neither continues the previous speaker,
because captioners only name a speaker when it changes.
Markup (``<i>``, ``<c.yellow>``, inline timestamps) is dropped: it styles the captions on
screen and says nothing about what was said. Bytes are decoded by the same rule as
plain-text transcripts (``text_reader.decode_text``: byte-order mark, else UTF-8, else
Windows-1252), so every import result names encodings the same way.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from importers.document import Block, ImportFailure, ReadResult
from importers.speakers import NOT_SPEAKERS, clean_label, parse_timestamp, plausible_speaker
from importers.text_reader import decode_text

LINE_BREAK = re.compile(r"\r\n|\r|\n")
WEBVTT_HEADER = re.compile(r"WEBVTT(?:[ \t]|$)")
VTT_SKIPPED_BLOCK = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t]|$)")
# A line that was meant as a cue time but lacks a proper "-->" (e.g. "00:01:02.500 - 00:01:05").
TIME_LIKE = re.compile(r"\s*\d{1,2}:\d{2}[:.,]\d")
VOICE_TAG = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
RUBY_TEXT = re.compile(r"<rt>.*?</rt>", re.DOTALL)
MARKUP = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>|\{\\[^{}]*\}")
# "- Jane: Hi." / "– Jane: Hi.": a subtitle line spoken by another speaker.
DIALOGUE_DASH = re.compile(r"[-\u2013\u2014] +")
NAME_PREFIX = re.compile(r"(?P<name>[^\s:]+(?: [^\s:]+){0,3}) ?:(?: |$)")
NAME_PUNCTUATION = set(".'’-()/")  # "Jane O'Neill-Smith (she/her)"
EXAMPLE_TIMING = "00:00:01.000 --> 00:00:04.000"


@dataclass
class _Cue:
    start: float
    lines: list[str] = field(default_factory=list)


def read_vtt(path: Path, data: bytes) -> ReadResult:
    text, encoding = decode_text(path, data)
    notes: list[str] = []
    lines = LINE_BREAK.split(text)
    first = next((line for line in lines if line.strip()), "")
    if not WEBVTT_HEADER.match(first.strip()):
        raise ImportFailure(f"{path.name} is not a WebVTT file (it does not start with WEBVTT).")
    blocks = _blocks(lines)
    cues: list[_Cue] = []
    for position, (number, block) in enumerate(blocks):
        if position == 0:
            block, number = _after_header(block, number)
            if not block:
                continue
        if VTT_SKIPPED_BLOCK.match(block[0]):
            continue
        _read_cue(path, number, block, cues, notes)
    return _result(path, cues, encoding, notes)


def read_srt(path: Path, data: bytes) -> ReadResult:
    text, encoding = decode_text(path, data)
    notes: list[str] = []
    if WEBVTT_HEADER.match(text.lstrip()):
        return read_vtt(path, data)  # a WebVTT file saved as .srt
    cues: list[_Cue] = []
    for number, block in _blocks(LINE_BREAK.split(text)):
        _read_cue(path, number, block, cues, notes)
    return _result(path, cues, encoding, notes)


# --- cue blocks ----------------------------------------------------------------------

def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the 1-based line number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line.strip())
        else:
            current = []
    return [(number, block) for number, block in blocks if block]


def _after_header(block: list[str], number: int) -> tuple[list[str], int]:
    """What follows the WEBVTT header in its block: nothing, unless a file runs the first
    cue straight on from the header without the blank line."""
    for index, line in enumerate(block):
        if "-->" in line:
            return block[index:], number + index
    return [], number


def _read_cue(path: Path, number: int, block: list[str], cues: list[_Cue], notes: list[str]) -> None:
    """Add the cue in ``block`` (optional identifier, timing line, text lines)."""
    timing = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
    if timing is None:
        _orphan_lines(path, number, block, cues, notes)
        return
    cues.append(_Cue(_cue_start(path, number + timing, block[timing]), block[timing + 1:]))


def _orphan_lines(path: Path, number: int, block: list[str], cues: list[_Cue], notes: list[str]) -> None:
    """Lines with no cue time. A time without a proper "-->" is an error; plain text is
    a cue's text that an editor split with a blank line, so it stays with that cue
    rather than being lost."""
    for offset, line in enumerate(block[:2]):
        if TIME_LIKE.match(line):
            raise _bad_time(path, number + offset, line)
    if not cues:
        raise ImportFailure(f"{path.name} line {number}: expected a cue time such as "
                            f"'{EXAMPLE_TIMING}' but found '{block[0]}'.")
    cues[-1].lines.extend(block)
    note = "Some caption text was separated from its cue time by a blank line; it was kept with that cue."
    if note not in notes:
        notes.append(note)


def _cue_start(path: Path, number: int, line: str) -> float:
    """The cue's start in seconds. The end time is checked as well: a garbled timing
    line is reported, not half read."""
    before, after = line.split("-->", 1)
    start = parse_timestamp(before.strip())
    end = parse_timestamp(after.split()[0]) if after.split() else None
    if start is None or end is None:
        raise _bad_time(path, number, line)
    return start


def _bad_time(path: Path, number: int, line: str) -> ImportFailure:
    return ImportFailure(f"{path.name} line {number}: cannot read the cue time '{line.strip()}'.")


# --- speakers and merged turns -------------------------------------------------------

def _result(path: Path, cues: list[_Cue], encoding: str, notes: list[str]) -> ReadResult:
    segments = [(cue.start, _voice_segments(" ".join(cue.lines))) for cue in cues]
    if not any(speaker for _, parts in segments for speaker, _ in parts):
        # No voice tags anywhere, so look for "Name:" prefixes instead, line by line. In
        # a file that has voice tags, a "Name:" in the text is just words.
        segments = [(cue.start, _prefixed_lines(cue.lines)) for cue in cues]
    blocks = _merge_runs(segments)
    if not blocks:
        raise ImportFailure(f"{path.name} contains no captions.")
    metadata = {"convention": "captions"} if any(block.speaker for block in blocks) else {}
    return ReadResult(blocks, encoding=encoding, notes=notes, metadata=metadata)


def _voice_segments(text: str) -> list[tuple[str | None, str]]:
    """The cue's text split at voice tags: ``[(speaker or None, plain text), ...]``.
    Text before the first voice tag has no speaker of its own."""
    parts = VOICE_TAG.split(text)
    segments = [(None, _plain(parts[0]))]
    for voice, spoken in zip(parts[1::2], parts[2::2], strict=True):
        speaker = clean_label(html.unescape(voice or "")) or None
        segments.append((speaker, _plain(spoken)))
    return [(speaker, spoken) for speaker, spoken in segments if speaker or spoken]


def _plain(text: str) -> str:
    """Cue text without markup or entities, on one line with single spaces, composed
    (NFC) so that a name typed with combining accents is still recognised as a name."""
    text = MARKUP.sub("", RUBY_TEXT.sub("", text))
    return unicodedata.normalize("NFC", " ".join(html.unescape(text).split()))


def _prefixed_lines(lines: list[str]) -> list[tuple[str | None, str]]:
    """The cue's lines as ``[(speaker or None, plain text), ...]``, each line tested for
    a "Name:" prefix of its own."""
    text = RUBY_TEXT.sub("", "\n".join(lines))  # ruby text may run over a line break
    plain = (_plain(line) for line in text.split("\n"))
    return [_prefixed_speaker(line) for line in plain if line]


def _prefixed_speaker(text: str) -> tuple[str | None, str]:
    """("Jane Doe", "Hello") from "Jane Doe: Hello" or "- Jane Doe: Hello"; (None, text)
    if the text does not start with something that is plausibly a name. A dialogue dash
    without a name after it is kept: it still shows that someone else is speaking."""
    dash = DIALOGUE_DASH.match(text)
    rest = text[dash.end():] if dash else text
    found = NAME_PREFIX.match(rest)
    if found is None or not _plausible_name(found.group("name")):
        return None, text
    return found.group("name"), rest[found.end():].strip()


def _plausible_name(name: str) -> bool:
    """Up to four words of letters (with their accents), digits and name punctuation,
    starting with a letter, that are either a capitalised name or a label like "Speaker 2"
    (``plausible_speaker``) or a name in a script without capitals (Arabic, Hebrew, CJK),
    which cannot show one."""
    if len(name) > 40 or not name[0].isalpha():
        return False
    if not all(unicodedata.category(c)[0] in "LMN" or c in NAME_PUNCTUATION or c == " " for c in name):
        return False
    if plausible_speaker(name):
        return True
    first = name[0]
    uncased = first.isalpha() and first.lower() == first.upper()
    return uncased and name.casefold().rstrip(".") not in NOT_SPEAKERS


def _merge_runs(cues: list[tuple[float, list[tuple[str | None, str]]]]) -> list[Block]:
    """One block per run of consecutive cues by the same speaker, timed at its first cue.
    A cue without a speaker continues the current one; before any speaker is known the
    cues form a speakerless block (the preamble)."""
    blocks: list[Block] = []
    speaker: str | None = None
    for start, segments in cues:
        for named, text in segments:
            speaker = named or speaker
            if not text:
                continue
            previous = blocks[-1] if blocks else None
            if previous is not None and _same_speaker(previous.speaker, speaker):
                previous.text += " " + text
            else:
                blocks.append(Block(text, speaker=speaker, timestamp=start))
    return blocks


def _same_speaker(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return first is second
    return first.casefold() == second.casefold()
