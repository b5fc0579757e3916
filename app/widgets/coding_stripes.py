"""The coding-stripe margin beside a transcript: one coloured bar per coding.

Each bar spans the lines its passage covers, in its theme's colour, with the theme name
written along it; codings that share any line sit in separate lanes (assigned greedily,
top to bottom), so overlaps read at a glance, as in NVivo or MAXQDA. Geometry comes
from the text document's layout and is cached per passage span: applying a coding
measures only that one passage, and only a change that moves every line (a new width of
the text column, a font, another document) measures them all again. Painting draws only
the bars in view. A transcript just opened can have its bars wait until its text has
painted (``set_marks(later=True)``, then ``settle``). ``estimate_lanes`` tells, before
the text is laid out, about how many lanes a transcript's codings will need, so that the
view can reserve the margin once instead of re-wrapping the text as lanes come and go.
"""

from __future__ import annotations

import html
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QToolTip, QWidget

from framework.transcript import CodingMark

BAR_WIDTH = 4
SELECTED_BAR_WIDTH = 7
LANE_GAP = 3          # between one lane's label and the next lane's bar
MAX_WIDTH = 200       # the margin never grows wider than this; lanes narrow instead
MIN_LANE_WIDTH = 6
VERTICAL_GAP = 2.0    # bars of one lane never touch


@dataclass(frozen=True)
class Bar:
    """A coding's bar as it is drawn: lane and rectangle in this widget's coordinates."""

    coding_id: int
    lane: int
    rect: QRectF


def assign_lanes(spans: list[tuple[float, float]], gap: float = VERTICAL_GAP) -> list[int]:
    """Greedy interval colouring: each span (top, bottom), taken from the top, goes in the
    leftmost lane free at its top. Spans must be sorted by top; the result is one lane
    per span, and two spans that overlap vertically never share a lane."""
    lane_bottoms: list[float] = []
    lanes = []
    for top, bottom in spans:
        for lane, lane_bottom in enumerate(lane_bottoms):
            if lane_bottom + gap <= top:
                lane_bottoms[lane] = bottom
                lanes.append(lane)
                break
        else:
            lane_bottoms.append(bottom)
            lanes.append(len(lane_bottoms) - 1)
    return lanes


def estimate_lanes(spans: list[tuple[int, int]], text: str, chars_per_line: int) -> int:
    """About how many lanes bars for ``spans`` (character offsets into ``text``) need
    once the text is laid out, without laying it out: each line of ``text`` is taken to
    wrap every ``chars_per_line`` characters, and codings on one wrapped line share it."""
    if not spans:
        return 0
    per_line = max(1, chars_per_line)
    starts = [0]   # where each line of the text starts, and its first wrapped line
    rows = [0]
    position = text.find("\n")
    while position >= 0:
        rows.append(rows[-1] + max(1, -(-(position - starts[-1]) // per_line)))
        starts.append(position + 1)
        position = text.find("\n", position + 1)

    def row(offset: int) -> int:
        line = bisect_right(starts, offset) - 1
        return rows[line] + (offset - starts[line]) // per_line

    covered = sorted((row(start), row(max(start, end - 1)) + 1) for start, end in spans)
    return max(assign_lanes(covered, gap=0)) + 1


class CodingStripes(QWidget):
    """Bars for ``marks`` beside ``editor``; ``measure(start, end)`` gives a passage's
    top and bottom in document coordinates (the view knows its text layout)."""

    coding_clicked = Signal(int)
    context_menu_requested = Signal(int, QPoint)  # coding id, global position
    width_wanted = Signal()  # the number of lanes changed: the view re-does its margins

    def __init__(self, editor: QAbstractScrollArea, measure: Callable[[int, int], tuple[float, float]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent or editor)
        self.setObjectName("coding_stripes")
        self.setAccessibleName("Coding stripes")
        self.setMouseTracking(True)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.editor = editor
        self.measure = measure
        self.marks: list[CodingMark] = []
        self.selected_id: int | None = None
        self._spans: dict[tuple[int, int], tuple[float, float]] = {}
        self._order: list[int] = []          # mark indices sorted by top
        self._tops: list[float] = []         # their tops, for bisecting
        self._bottoms: list[float] = []
        self._lanes: list[int] = []
        self._tallest = 0.0
        self._lane_count = 0
        self._dirty = True
        self._pending = False                # marks set ``later``, not laid out yet
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.82))
        self.label_font = font
        editor.verticalScrollBar().valueChanged.connect(self.update)

    # --- data ------------------------------------------------------------------------

    def set_marks(self, marks: list[CodingMark], later: bool = False) -> None:
        """New codings to draw; passages measured before are not measured again.
        ``later`` leaves the measuring to ``settle`` (or to the first question about
        the bars), and draws no bars until then: a transcript's text can paint first."""
        self.marks = list(marks)
        if self.selected_id is not None and all(m.id != self.selected_id for m in self.marks):
            self.selected_id = None
        self._dirty = True
        self._pending = later
        if not later:
            self._relayout(allow_shrink=True)
        self.update()

    @property
    def pending(self) -> bool:
        """Whether marks set ``later`` still wait to be laid out."""
        return self._pending

    def settle(self) -> None:
        """Lay out marks set ``later`` (nothing if there are none)."""
        if self._pending:
            self._relayout(allow_shrink=True)
            self.update()

    def set_selected(self, coding_id: int | None) -> None:
        if coding_id != self.selected_id:
            self.selected_id = coding_id
            self.update()

    def invalidate(self) -> None:
        """The text moved (new width, font or document): measure everything again,
        when next painted."""
        self._spans.clear()
        self._dirty = True
        self.update()

    # --- geometry --------------------------------------------------------------------

    def lane_count(self) -> int:
        self._ensure()
        return self._lane_count

    @property
    def lanes(self) -> int:
        """The lanes as last laid out (``lane_count`` lays out first if need be)."""
        return self._lane_count

    def lane_width(self, lanes: int | None = None) -> float:
        full = BAR_WIDTH + 4 + QFontMetrics(self.label_font).height() + LANE_GAP
        lanes = max(1, self._lane_count if lanes is None else lanes)
        return max(MIN_LANE_WIDTH, min(full, (MAX_WIDTH - 4) / lanes))

    def labels_fit(self) -> bool:
        return self.lane_width() >= BAR_WIDTH + 4 + QFontMetrics(self.label_font).height()

    def wanted_width(self) -> int:
        """Width for the current lanes: grows with them, up to ``MAX_WIDTH``."""
        return self.width_for(self._lane_count) if self.marks else 0

    def width_for(self, lanes: int) -> int:
        """The margin ``lanes`` lanes take (what the view reserves for them)."""
        if lanes <= 0:
            return 0
        return min(MAX_WIDTH, int(4 + lanes * self.lane_width(lanes)) + 2)

    def sizeHint(self) -> QSize:
        return QSize(self.wanted_width(), 100)

    def _ensure(self) -> None:
        if self._pending:
            self.settle()
        elif self._dirty:
            self._relayout(allow_shrink=False)

    def _relayout(self, allow_shrink: bool) -> None:
        self._pending = False
        previous_lanes = self._lane_count
        spans = []
        measured: dict[tuple[int, int], tuple[float, float]] = {}
        for mark in self.marks:
            key = (mark.start, mark.end)
            span = self._spans.get(key) or measured.get(key)
            if span is None:
                span = self.measure(mark.start, mark.end)
            measured[key] = span
            spans.append(span)
        self._spans = measured
        self._order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
        self._tops = [spans[i][0] for i in self._order]
        self._bottoms = [spans[i][1] for i in self._order]
        self._lanes = assign_lanes([spans[i] for i in self._order])
        self._tallest = max((b - t for t, b in spans), default=0.0)
        lanes = max(self._lanes, default=-1) + 1
        # Lanes grow at once but shrink only with new codings, so a width change that
        # re-wraps the text can never make the margin flicker between two widths.
        self._lane_count = lanes if allow_shrink else max(lanes, previous_lanes)
        self._dirty = False
        if self._lane_count != previous_lanes:
            self.width_wanted.emit()

    def bars(self) -> list[Bar]:
        """The bars in view, in this widget's coordinates."""
        self._ensure()
        offset = self.editor.verticalScrollBar().value()
        top, bottom = offset, offset + self.height()
        lane_width = self.lane_width()
        first = bisect_left(self._tops, top - self._tallest)
        found = []
        for position in range(first, len(self._order)):
            bar_top = self._tops[position]
            if bar_top >= bottom:
                break
            bar_bottom = self._bottoms[position]
            if bar_bottom <= top:
                continue
            mark = self.marks[self._order[position]]
            lane = self._lanes[position]
            width = SELECTED_BAR_WIDTH if mark.id == self.selected_id else BAR_WIDTH
            x = 3 + lane * lane_width
            found.append(Bar(mark.id, lane, QRectF(x, bar_top - offset, min(width, lane_width - 1),
                                                   max(2.0, bar_bottom - bar_top - VERTICAL_GAP))))
        return found

    def bar_rect(self, coding_id: int) -> QRect | None:
        """Where a coding's bar is drawn, if it is in view."""
        for bar in self.bars():
            if bar.coding_id == coding_id:
                return bar.rect.toAlignedRect()
        return None

    def mark_at(self, point: QPoint) -> CodingMark | None:
        """The coding whose lane and lines contain ``point`` (a whole lane is the target,
        not only the thin bar, so stripes are easy to hit)."""
        lane_width = self.lane_width()
        for bar in self.bars():
            lane_left = bar.rect.left() - 2
            if lane_left <= point.x() < lane_left + lane_width and bar.rect.top() <= point.y() <= bar.rect.bottom():
                return self._mark(bar.coding_id)
        return None

    def _mark(self, coding_id: int) -> CodingMark | None:
        return next((m for m in self.marks if m.id == coding_id), None)

    # --- painting ---------------------------------------------------------------------

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.drawLine(0, 0, 0, self.height())
        bars = [] if self._pending else self.bars()  # the text paints first, then these
        show_labels = self.labels_fit()
        metrics = QFontMetrics(self.label_font)
        painter.setFont(self.label_font)
        label_colour = palette.color(QPalette.ColorRole.PlaceholderText)
        marks = {m.id: m for m in self.marks}
        for bar in bars:
            mark = marks[bar.coding_id]
            colour = QColor(mark.colour)
            selected = bar.coding_id == self.selected_id
            painter.setPen(QPen(colour.darker(140), 1) if selected else Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(bar.rect, 1.5, 1.5)
            if not show_labels or bar.rect.height() < metrics.height() * 2:
                continue
            # The name reads downwards along the bar, beside it, cut to the bar's length.
            name = metrics.elidedText(mark.theme_name, Qt.TextElideMode.ElideRight, int(bar.rect.height()) - 2)
            painter.save()
            painter.translate(bar.rect.right() + 2, bar.rect.top() + 1)
            painter.rotate(90)
            painter.setPen(palette.color(QPalette.ColorRole.Text) if selected else label_colour)
            painter.drawText(QRectF(0, -metrics.height(), bar.rect.height(), metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            painter.restore()
        painter.end()

    # --- interaction -----------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        mark = self.mark_at(event.position().toPoint())
        if mark is not None and event.button() == Qt.MouseButton.LeftButton:
            self.coding_clicked.emit(mark.id)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        over = self.mark_at(event.position().toPoint()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def contextMenuEvent(self, event) -> None:
        mark = self.mark_at(event.pos())
        if mark is not None:
            self.context_menu_requested.emit(mark.id, event.globalPos())
            event.accept()

    def wheelEvent(self, event) -> None:
        QApplication.sendEvent(self.editor.verticalScrollBar(), event)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and isinstance(event, QHelpEvent):
            mark = self.mark_at(event.pos())
            if mark is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), describe(mark), self)
            return True
        return super().event(event)


def describe(mark: CodingMark) -> str:
    """A stripe's tooltip: theme path, who coded it, and the memo."""
    coder = html.escape(mark.coder_name) + (f" ({html.escape(mark.coder_initials)})" if mark.coder_initials else "")
    lines = [f"<b>{html.escape(mark.theme_path)}</b>", f"Coded by {coder}"]
    if mark.memo:
        memo = mark.memo if len(mark.memo) <= 400 else mark.memo[:399] + "…"
        lines.append("<i>" + html.escape(memo).replace("\n", "<br>") + "</i>")
    return "<br>".join(lines)
