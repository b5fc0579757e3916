"""The reading column: a centred text column of comfortable width, stripes beside it.

The column is as wide as the preferred line length (in average characters) allows,
centred in the editor with the coding-stripe margin just to its right. Its width does
not follow the stripes lane by lane: when a transcript opens, room for the lanes its
codings are estimated to need, and one more, is reserved, from the text alone and
before the text is laid out, so the text is laid out once at its final width and
coding it neither re-wraps the text nor measures the other codings again. Only when
the lanes outgrow the reserve does it grow (again with a lane to spare) and the column
narrow, once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QTextEdit

from app.widgets.coding_stripes import CodingStripes, estimate_lanes
from app.widgets.transcript_document import DOCUMENT_MARGIN
from framework.transcript import Transcript

SIDE_PADDING = 16           # least margin either side of the text column, in pixels
STRIPE_GAP = 10             # between the text column and the stripes
WRAP_SLACK = 4              # characters a wrapped line loses to word breaks, about


class ReadingColumn:
    """Lays out the editor's column and the stripes beside it. ``transcript`` is asked
    for the shown transcript each time the reserve is estimated, so that the estimate
    counts the codings of the moment."""

    def __init__(self, editor: QTextEdit, stripes: CodingStripes,
                 transcript: Callable[[], Transcript | None], line_width: int) -> None:
        self.editor = editor
        self.stripes = stripes
        self.transcript = transcript
        self.line_width = line_width  # the longest line, in characters
        self._stripe_reserve = 0      # stripe margin the column leaves room for, in pixels
        self._reserved_for = -1       # the editor width the reserve was estimated at

    def forget_reserve(self) -> None:
        """Nothing shown: no margin is kept for stripes."""
        self._stripe_reserve, self._reserved_for = 0, -1

    def estimate_again(self) -> None:
        """Another transcript, or lines of another length: estimate the lanes again the
        next time the column is laid out."""
        self._reserved_for = -1

    def layout(self) -> None:
        """Centre a text column of the preferred width; the stripes go just right of it.
        The column leaves room for the reserved stripe margin, not for the lanes of the
        moment, so that a lane more or less never re-wraps the text."""
        editor = self.editor
        margins = editor.viewportMargins()
        left, right, stripes = self.margins()
        if (margins.left(), margins.right()) != (left, right):
            editor.setViewportMargins(left, 0, right, 0)
        viewport = editor.viewport().geometry()
        self.stripes.setGeometry(viewport.right() + 1 + STRIPE_GAP // 2, viewport.top(), stripes, viewport.height())

    def text_width(self) -> int:
        """The width the column's text is laid out at: a document given this width
        before it has a layout is laid out once, and not first unwrapped."""
        left, right, _stripes = self.margins()
        return self.available_width() - left - right

    def margins(self) -> tuple[int, int, int]:
        """The editor's left and right margins around the column, and the stripes' width."""
        available = self.available_width()
        shown = self.stripes.isVisibleTo(self.editor)
        if shown and self.transcript() is not None and self._reserved_for != available:
            self._reserve_stripes(available)  # a new width re-wraps anyway: estimate again
        stripes = self.stripes.wanted_width() if shown else 0
        reserved = max(stripes, self._stripe_reserve) if shown else 0
        reserve = reserved + STRIPE_GAP if reserved else 0
        column = self._column_width(available, reserve)
        left = max(SIDE_PADDING, (available - column) // 2)
        right = available - column - left
        if right < reserve + SIDE_PADDING:
            right = reserve + SIDE_PADDING
            left = max(0, available - column - right)
        return left, right, stripes

    def available_width(self) -> int:
        """The editor's width, margins included: what the column is centred in."""
        margins = self.editor.viewportMargins()
        return self.editor.viewport().width() + margins.left() + margins.right()

    def fit_stripes(self) -> None:
        """The stripes' lanes changed: within the reserve only the stripes move; beyond
        it the reserve grows (with a lane to spare) and the column narrows once."""
        if self.stripes.wanted_width() > self._stripe_reserve:
            self._stripe_reserve = self.stripes.width_for(self.stripes.lanes + 1)
        self.layout()

    def _column_width(self, available: int, reserve: int) -> int:
        """The text column's width in an editor ``available`` pixels wide, ``reserve``
        of them kept for the stripes."""
        metrics = QFontMetricsF(self.editor.font())
        ideal = int(self.line_width * metrics.averageCharWidth() + 2 * DOCUMENT_MARGIN)
        return max(80, min(ideal, available - reserve - 2 * SIDE_PADDING))

    def _reserve_stripes(self, available: int) -> None:
        """Reserve the stripe margin the shown codings will need, with a lane to spare,
        estimated from the text alone: deciding it before the text is laid out lays it
        out once, at its final width."""
        self._reserved_for = available
        transcript = self.transcript()
        marks = transcript.codings if transcript is not None else []
        spans = [(m.start, m.end) for m in marks]
        text = transcript.text if transcript is not None else ""
        sample = text[:2000]
        metrics = QFontMetricsF(self.editor.font())
        advance = metrics.horizontalAdvance(sample) / len(sample) if sample else metrics.averageCharWidth()
        margin = 2 * DOCUMENT_MARGIN
        lanes, wrap = 0, 0
        for _ in range(2):  # a narrow column narrows with the reserve: once more at that width
            reserve = self.stripes.width_for(lanes + 1) + STRIPE_GAP
            wrapped = int((self._column_width(available, reserve) - margin) / max(1.0, advance)) - WRAP_SLACK
            if wrapped == wrap:
                break
            wrap = wrapped
            lanes = max(lanes, estimate_lanes(spans, text, wrap))
        self._stripe_reserve = self.stripes.width_for(lanes + 1)
