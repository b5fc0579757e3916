"""Painting coded passages in lists: a header line and the passage set in its context.

An extract row reads like a quotation in a report: a chip in the theme's colour, the
source in bold, then who said it, their type and site, dimmed; below, the passage in
the normal text colour between a little dimmed context; below that the memo, if any.
Laid-out passages are cached by coding and width, so scrolling repaints without
re-laying text; only the rows on screen are ever laid out.
"""

from __future__ import annotations

import html
from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.qtmodels.extracts_model import EXTRACT_ROLE, THEME_LABEL_ROLE, one_line
from framework.codebook import split_path
from framework.extracts import Extract

PAD = 6  # around a row's content
CHIP = 10  # the theme colour chip, square
GAP = 3  # between the header line and the passage
PASSAGE_CHARS = 600  # longer passages are cut for the list (the tooltip and the jump show all)
CACHED_DOCUMENTS = 400


def mix(colour: QColor, other: QColor, amount: float) -> QColor:
    """``colour`` moved ``amount`` of the way towards ``other`` (0: unchanged)."""
    return QColor(
        round(colour.red() + (other.red() - colour.red()) * amount),
        round(colour.green() + (other.green() - colour.green()) * amount),
        round(colour.blue() + (other.blue() - colour.blue()) * amount),
    )


def passage_html(extract: Extract, text: QColor, dim: QColor) -> str:
    """The passage in ``text`` colour between its context in ``dim``, on wrapped lines."""
    passage = one_line(extract.text)
    after = extract.after
    if len(passage) > PASSAGE_CHARS:
        passage, after = one_line(passage, PASSAGE_CHARS), ""
    if not extract.has_text:
        passage, after = "…", ""
    return (
        f"<span style='color:{dim.name()}'>{html.escape(extract.before)}</span>"
        f"<span style='color:{text.name()}'>{html.escape(passage)}</span>"
        f"<span style='color:{dim.name()}'>{html.escape(after)}</span>"
    )


def header_details(extract: Extract) -> str:
    """What follows the source in the header: speakers · types · site."""
    parts = [", ".join(extract.speakers), ", ".join(extract.participant_types), extract.site or ""]
    return "".join(f" · {part}" for part in parts if part)


class PassageDelegate(QStyledItemDelegate):
    """Paints rows that carry an ``Extract`` (``EXTRACT_ROLE``); others as usual."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._documents: OrderedDict[tuple, QTextDocument] = OrderedDict()

    def clear_cache(self) -> None:
        self._documents.clear()

    # --- geometry ---------------------------------------------------------------------

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        widget = option.widget
        width = widget.viewport().width() if widget is not None and hasattr(widget, "viewport") else option.rect.width()
        return max(120, width - 2 * PAD)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        extract = index.data(EXTRACT_ROLE)
        if extract is None:
            return super().sizeHint(option, index)
        line = QFontMetrics(option.font).height()
        width = self._text_width(option)
        colours = self._colours(option, selected=False)
        body = self._document(extract, width, option.font, *colours).size().height()
        height = PAD + line + GAP + int(body + 0.5) + (line if extract.memo else 0) + PAD
        return QSize(width + 2 * PAD, height)

    # --- painting ---------------------------------------------------------------------

    def _colours(self, option: QStyleOptionViewItem, selected: bool) -> tuple[QColor, QColor]:
        palette = option.palette
        text = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        background = palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base)
        return text, mix(text, background, 0.45)

    def _document(self, extract: Extract, width: int, font: QFont, text: QColor, dim: QColor) -> QTextDocument:
        key = (extract.coding_id, extract.has_text, width, font.key(), text.rgb(), dim.rgb())
        document = self._documents.get(key)
        if document is None:
            document = QTextDocument()
            document.setDocumentMargin(0)
            document.setDefaultFont(font)
            document.setHtml(passage_html(extract, text, dim))
            document.setTextWidth(width)
            self._documents[key] = document
            if len(self._documents) > CACHED_DOCUMENTS:
                self._documents.popitem(last=False)
        else:
            self._documents.move_to_end(key)
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        extract = index.data(EXTRACT_ROLE)
        if extract is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()  # the chip is painted below; the style would draw the colour as an icon
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)  # background, focus

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text, dim = self._colours(opt, selected)
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        metrics = QFontMetrics(opt.font)
        line = metrics.height()

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(extract.colour))
        painter.drawRoundedRect(QRectF(rect.left(), rect.top() + (line - CHIP) / 2, CHIP, CHIP), 2, 2)
        self._paint_header(painter, opt, extract, index, rect, text, dim)

        document = self._document(extract, self._text_width(opt), opt.font, text, dim)
        painter.translate(rect.left(), rect.top() + line + GAP)
        document.drawContents(painter, QRectF(0, 0, rect.width(), document.size().height()))
        if extract.memo:
            italic = QFont(opt.font)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(dim)
            memo = QFontMetrics(italic).elidedText(f"Memo: {one_line(extract.memo)}", Qt.TextElideMode.ElideRight,
                                                   rect.width())
            painter.drawText(0, int(document.size().height()), rect.width(), line,
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), memo)
        painter.restore()

    def _paint_header(self, painter: QPainter, opt: QStyleOptionViewItem, extract: Extract, index: QModelIndex,
                      rect, text: QColor, dim: QColor) -> None:
        line = QFontMetrics(opt.font).height()
        left = rect.left() + CHIP + 6
        right = rect.right()
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        theme = index.data(THEME_LABEL_ROLE) or ""
        if theme:
            metrics = QFontMetrics(opt.font)
            room = max(0, (right - left) * 2 // 5)
            if metrics.horizontalAdvance(theme) > room:
                theme = split_path(theme)[-1]  # the theme's own name matters most
            label = metrics.elidedText(theme, Qt.TextElideMode.ElideRight, room)
            width = metrics.horizontalAdvance(label)
            painter.setFont(opt.font)
            painter.setPen(dim)
            painter.drawText(right - width, rect.top(), width + 1, line,
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
            right -= width + 12
        bold = QFont(opt.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        source = bold_metrics.elidedText(extract.source, Qt.TextElideMode.ElideRight, max(0, right - left))
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(left, rect.top(), max(0, right - left), line, flags, source)
        left += bold_metrics.horizontalAdvance(source)
        details = QFontMetrics(opt.font).elidedText(header_details(extract), Qt.TextElideMode.ElideRight,
                                                    max(0, right - left))
        painter.setFont(opt.font)
        painter.setPen(dim)
        painter.drawText(left, rect.top(), max(0, right - left), line, flags, details)


class ElidingDelegate(QStyledItemDelegate):
    """Cuts a column's text where it matters least: at the start for the left side of a
    keyword-in-context table (the words nearest the hit stay), in the middle for a theme
    path (its top and its own name stay)."""

    def __init__(self, mode: Qt.TextElideMode, parent=None) -> None:
        super().__init__(parent)
        self.mode = mode

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = self.mode
