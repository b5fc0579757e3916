"""Where a passage of the transcript sits on the page, and bringing it into view.

The stripes draw each coding's bar from the top of its first line to the bottom of its
last, in document coordinates; ``passage_extent`` measures that from the text layout.
Asking for a block's rectangle lays the document out up to that block, no further, so
measuring one passage (a coding just applied) costs little even in a long transcript.
Offsets given here are Python ``str`` indices into the canonical text; ``Utf16Offsets``
turns them into Qt's UTF-16 positions.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QTextEdit

from framework.transcript import Utf16Offsets


def passage_extent(editor: QTextEdit, offsets: Utf16Offsets, start: int, end: int) -> tuple[float, float]:
    """Top of the first line and bottom of the last line of ``text[start:end]``, in
    document coordinates (the stripes' unit)."""
    first = line_extent(editor, offsets.to_utf16(start))
    last = line_extent(editor, max(offsets.to_utf16(end) - 1, offsets.to_utf16(start)))
    return first[0], last[1]


def line_extent(editor: QTextEdit, position: int) -> tuple[float, float]:
    """Top and bottom of the line holding UTF-16 ``position`` (of its block, if the
    block has no lines yet)."""
    document = editor.document()
    block = document.findBlock(position)
    frame = document.documentLayout().blockBoundingRect(block)  # lays out up to here
    layout = block.layout()
    line = layout.lineForTextPosition(position - block.position())
    if not line.isValid():
        return frame.top(), frame.bottom()
    top = layout.position().y() + line.y()
    return top, top + line.height()


def reveal(editor: QTextEdit, offsets: Utf16Offsets, start: int, end: int) -> None:
    """Scroll ``text[start:end]`` into view, centred, unless it is wholly in view
    already (a passage taller than most of the view shows from its top)."""
    top, bottom = (passage_extent(editor, offsets, start, end) if start < end
                   else passage_extent(editor, offsets, start, start + 1))
    bar = editor.verticalScrollBar()
    height = editor.viewport().height()
    if top >= bar.value() and bottom <= bar.value() + height:
        return
    if bottom - top > height * 0.75:
        bar.setValue(int(top - height * 0.1))
    else:
        bar.setValue(int((top + bottom - height) / 2))


def offset_at_top(editor: QTextEdit, offsets: Utf16Offsets) -> int:
    """The offset shown at the top left of the view: where to come back to when the
    document is rebuilt (a new font size, a change of the source)."""
    return offsets.to_python(editor.cursorForPosition(QPoint(0, 0)).position())
