"""The read-only editor the transcript is read in, handing its events to the view.

``TranscriptText`` decides nothing itself: a drag carries what the view says the
selection is (the passage's exact offsets), the context menu and Ctrl+wheel zoom are
the view's, a new size re-lays out the view's column, and the first paint of a
transcript just opened lets the stripes measure their bars (after the text, so that
opening it is not held up by laying out the whole text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTextEdit

if TYPE_CHECKING:
    from app.widgets.transcript_view import TranscriptView


class TranscriptText(QTextEdit):
    """The reading column. It forwards what the view decides: the drag's contents, the
    context menu, Ctrl+wheel zoom, and new margins when its size changes."""

    def __init__(self, view: TranscriptView) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("transcript_text")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QTextEdit.Shape.NoFrame)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)  # the margins around the column are page too
        self.setPlaceholderText("Choose a transcript in the sources list to read and code it.")
        self.setAccessibleName("Transcript")
        self._viewport_width = -1

    def createMimeDataFromSelection(self):
        mime = self.view.selection_mime()
        return mime if mime is not None else super().createMimeDataFromSelection()

    def contextMenuEvent(self, event) -> None:
        if event.reason() == event.Reason.Mouse:
            position = self.cursorForPosition(event.pos()).position()
            self.view.open_context_menu(event.globalPos(), self.view.offsets.to_python(position))
        else:
            self.view.open_context_menu_at_cursor()

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.view.set_font_size(self.view.font_size + (1 if steps > 0 else -1))
            event.accept()
            return
        super().wheelEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.view.stripes.pending:  # a transcript just opened is on screen: now its stripes
            QTimer.singleShot(0, self.view.stripes, self.view.stripes.settle)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.view.layout_column()
        if self.viewport().width() != self._viewport_width:
            self._viewport_width = self.viewport().width()
            self.view.stripes.invalidate()  # lines re-wrapped: every bar moves
