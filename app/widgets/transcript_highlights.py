"""Coding tints over a transcript's text: light washes of theme colours.

Overlapping codings are split into elementary intervals (``coverage_intervals``) so
that their colours blend instead of painting over each other; a stretch under two or
more themes is also underlined, so the overlap reads beyond the colour, and the coding
the reader selected is shown strongly. The tints are the blocks' own layout formats, as
a syntax highlighter sets them: what each block was given is remembered, only blocks
whose tints changed are touched, and Qt re-lays out just those, never the whole text.
One ``QTextCharFormat`` per blend of colours is made and cached.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from PySide6.QtGui import QColor, QTextCharFormat, QTextDocument, QTextLayout

from framework.transcript import CodingMark, coverage_intervals

TINT_ALPHA = 62             # a theme's tint over the page
OVERLAP_ALPHA_STEP = 34     # each further theme on a stretch darkens it by this much
SELECTED_ALPHA = 150

TintKey = tuple[tuple[str, ...], str | None]   # the colours of a stretch, and the strong one
BlockRange = tuple[int, int, TintKey]          # start and length in a block (UTF-16), and tint


class CodingTints:
    """The tints of one document at a time: ``reset`` with each new document, then
    ``decorate`` whenever the codings or the selected coding change."""

    def __init__(self) -> None:
        self._formats: dict[TintKey, QTextCharFormat] = {}
        self._stretches: list[tuple[int, int, TintKey]] = []   # Python offsets
        self._applied: dict[int, list[BlockRange]] = {}         # block number → its tints
        self._block_starts: list[int] = []
        self._block_ends: list[int] = []

    def reset(self, document: QTextDocument) -> None:
        """A new document, nothing on it tinted yet: note where each block (line of the
        canonical text) starts and ends, in UTF-16."""
        self._stretches = []
        self._applied = {}
        self._block_starts, self._block_ends = [], []
        block = document.begin()
        while block.isValid():
            self._block_starts.append(block.position())
            self._block_ends.append(block.position() + block.length() - 1)
            block = block.next()

    def decorate(self, document: QTextDocument, marks: list[CodingMark],
                 to_utf16: Callable[[int], int], selected_coding: int | None) -> None:
        """Tint every coded stretch, re-setting the formats of only the blocks whose
        tints changed (``markContentsDirty`` then re-lays out just those)."""
        wanted: dict[int, list[BlockRange]] = {}
        self._stretches = []
        starts, ends = self._block_starts, self._block_ends
        for interval in coverage_intervals(marks):
            colours = tuple(sorted({marks[i].colour for i in interval.marks}))
            strong = next((marks[i].colour for i in interval.marks if marks[i].id == selected_coding), None)
            key = (colours, strong)
            self._stretches.append((interval.start, interval.end, key))
            low, high = to_utf16(interval.start), to_utf16(interval.end)
            number = bisect_right(starts, low) - 1
            while number < len(starts) and starts[number] < high:
                first, last = max(low, starts[number]), min(high, ends[number])
                if first < last:
                    wanted.setdefault(number, []).append((first - starts[number], last - first, key))
                number += 1
        for number in set(wanted) | set(self._applied):
            ranges = wanted.get(number, [])
            if self._applied.get(number) == ranges:
                continue
            block = document.findBlockByNumber(number)
            if block.isValid():
                block.layout().setFormats([self._range(*spec) for spec in ranges])
                document.markContentsDirty(block.position(), block.length())
        self._applied = wanted

    def highlights(self) -> list[tuple[int, int, QTextCharFormat]]:
        """The coded stretches as painted: elementary intervals (Python offsets) and the
        format each is tinted with."""
        return [(start, end, self.tint(*key)) for start, end, key in self._stretches]

    def forget_formats(self) -> None:
        """The palette changed: make the formats afresh when next asked for."""
        self._formats.clear()

    def tint(self, colours: tuple[str, ...], strong: str | None) -> QTextCharFormat:
        """The format of a stretch coded with ``colours``, ``strong`` being the colour of
        the selected coding on it, if any."""
        key = (colours, strong)
        found = self._formats.get(key)
        if found is not None:
            return found
        fmt = QTextCharFormat()
        mixed = mix([QColor(c) for c in colours])
        if strong is not None:
            colour = QColor(strong)
            colour.setAlpha(SELECTED_ALPHA)
            fmt.setBackground(colour)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor(strong).darker(150))
        else:
            colour = QColor(mixed)
            colour.setAlpha(min(170, TINT_ALPHA + OVERLAP_ALPHA_STEP * (len(colours) - 1)))
            fmt.setBackground(colour)
            if len(colours) > 1:  # two or more themes here: say so beyond the colour
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
                fmt.setUnderlineColor(mixed.darker(160))
        self._formats[key] = fmt
        return fmt

    def _range(self, start: int, length: int, key: TintKey) -> QTextLayout.FormatRange:
        format_range = QTextLayout.FormatRange()
        format_range.start, format_range.length = start, length
        format_range.format = self.tint(*key)
        return format_range


def mix(colours: list[QColor]) -> QColor:
    """The average of theme colours: one colour for a stretch several themes share."""
    if not colours:
        return QColor("#999999")
    count = len(colours)
    return QColor(sum(c.red() for c in colours) // count, sum(c.green() for c in colours) // count,
                  sum(c.blue() for c in colours) // count)
