"""Icons for how a source was collected, drawn in code so no image files are needed.

An interview is two people face to face, a focus group three people together, anything
else (observation notes, documents) a page. Colours are from the Okabe–Ito palette,
which colour-blind readers can tell apart and which read on light and dark themes.
Icons are drawn once per size and cached; they need a running QGuiApplication.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

INTERVIEW_METHODS = frozenset({"interview", "telephone-interview"})
GROUP_METHODS = frozenset({"focus-group"})
_LABELS = {
    "interview": "Interview",
    "focus-group": "Focus group",
    "observation": "Observation",
    "telephone-interview": "Telephone interview",
    "document": "Document",
}
_SIZES = (16, 24, 32, 48)
_cache: dict[str, QIcon] = {}


def method_label(method: str) -> str:
    """A method as a researcher writes it ("Focus group", not "focus-group")."""
    return _LABELS.get(method, method.replace("-", " ").capitalize())


def method_icon(method: str) -> QIcon:
    kind = "interview" if method in INTERVIEW_METHODS else "group" if method in GROUP_METHODS else "other"
    if kind not in _cache:
        if kind == "other":
            _cache[kind] = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        else:
            _cache[kind] = _drawn(_draw_interview if kind == "interview" else _draw_group)
    return _cache[kind]


def site_icon() -> QIcon:
    if "site" not in _cache:
        _cache["site"] = _drawn(_draw_pin)
    return _cache["site"]


def _drawn(draw) -> QIcon:
    icon = QIcon()
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(size / 16, size / 16)  # every drawing is on a 16 × 16 grid
        painter.setPen(Qt.PenStyle.NoPen)
        draw(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def _person(painter: QPainter, x: float, y: float, scale: float, colour: QColor) -> None:
    """A head and shoulders whose feet stand at (x, y)."""
    painter.setBrush(colour)
    head = 2.4 * scale
    painter.drawEllipse(QPointF(x, y - 7.6 * scale), head, head)
    shoulders = QPainterPath()
    width, height = 4.4 * scale, 4.6 * scale
    shoulders.moveTo(x - width, y)
    shoulders.arcTo(QRectF(x - width, y - height, 2 * width, 2 * height), 180, -180)
    shoulders.closeSubpath()
    painter.drawPath(shoulders)


def _draw_interview(painter: QPainter) -> None:
    _person(painter, 4.6, 15.5, 0.95, QColor("#0072B2"))
    _person(painter, 11.4, 15.5, 0.95, QColor("#56B4E9"))


def _draw_group(painter: QPainter) -> None:
    _person(painter, 3.6, 13.5, 0.72, QColor("#E69F00"))
    _person(painter, 12.4, 13.5, 0.72, QColor("#E69F00"))
    _person(painter, 8.0, 15.8, 0.9, QColor("#D55E00"))


def _draw_pin(painter: QPainter) -> None:
    pin = QPainterPath()
    pin.moveTo(8, 15.5)
    pin.cubicTo(4, 10.5, 2.5, 8.5, 2.5, 6.2)
    pin.arcTo(QRectF(2.5, 0.7, 11, 11), 180, -180)
    pin.cubicTo(13.5, 8.5, 12, 10.5, 8, 15.5)
    painter.setBrush(QColor("#009E73"))
    painter.drawPath(pin)
    painter.setBrush(QColor("white"))
    painter.drawEllipse(QPointF(8, 6.2), 2.2, 2.2)
