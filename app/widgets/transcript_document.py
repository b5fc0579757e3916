"""The transcript as a ``QTextDocument``: its text and its lasting formats.

Speaker labels are bold, timestamps dimmed, interviewer turns muted on a tinted band;
every block has the reading line spacing and a gap below it. These formats belong to
the transcript and change only with the font or the palette; coding tints come and go
and are laid over the blocks separately (``transcript_highlights``). The document is
formatted before it has a layout, so that formatting it lays nothing out: the view
gives it its final width and lays it out once.
"""

from __future__ import annotations

from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit

from framework.transcript import Transcript, Utf16Offsets

LINE_SPACING = 140          # per cent of the font's line height
DOCUMENT_MARGIN = 8         # inside the column, around the text


def build_document(transcript: Transcript, offsets: Utf16Offsets, editor: QTextEdit) -> QTextDocument:
    """The text with its lasting formats (labels, times, interviewer turns), made
    before the document has a layout, so that formatting it lays nothing out. The
    editor lends its font and palette and owns the document."""
    document = QTextDocument(editor)
    document.setUndoRedoEnabled(False)
    document.setDefaultFont(editor.font())
    document.setDocumentMargin(DOCUMENT_MARGIN)
    document.setPlainText(transcript.text)
    palette = editor.palette()
    line = QFontMetricsF(editor.font()).lineSpacing()
    body = QTextBlockFormat()
    body.setLineHeight(LINE_SPACING, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    body.setBottomMargin(round(line * 0.55))
    interviewer = QTextBlockFormat(body)
    interviewer.setBackground(blend(palette.color(QPalette.ColorRole.Base),
                                    palette.color(QPalette.ColorRole.Highlight), 0.06))
    muted = QTextCharFormat()
    muted.setForeground(blend(palette.color(QPalette.ColorRole.Text),
                              palette.color(QPalette.ColorRole.Base), 0.38))
    label = QTextCharFormat()
    label.setFontWeight(QFont.Weight.Bold)
    time = QTextCharFormat()
    time.setFontWeight(QFont.Weight.Normal)
    time.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
    to_utf16 = offsets.to_utf16
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    cursor.select(QTextCursor.SelectionType.Document)
    cursor.setBlockFormat(body)
    for turn in transcript.turns:
        if turn.interviewer:
            cursor.setPosition(to_utf16(turn.label_start))
            cursor.setPosition(to_utf16(turn.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.setBlockFormat(interviewer)
            cursor.mergeCharFormat(muted)
        if turn.label_start < turn.label_end:
            cursor.setPosition(to_utf16(turn.label_start))
            cursor.setPosition(to_utf16(turn.label_end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(label)
            for start, end in turn.time_spans:
                cursor.setPosition(to_utf16(start))
                cursor.setPosition(to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
                cursor.mergeCharFormat(time)
    cursor.endEditBlock()
    return document


def swap_document(editor: QTextEdit, document: QTextDocument) -> None:
    """Show ``document`` in the editor and let the one it replaces go, if it was one of
    ours (a child of the editor); the editor's own first document it deletes itself."""
    old = editor.document()
    ours = old is not document and old.parent() is editor
    editor.setDocument(document)
    if ours:
        old.deleteLater()


def blend(base: QColor, other: QColor, amount: float) -> QColor:
    """``base`` moved ``amount`` of the way towards ``other``: the muted and tinted
    shades derive from the palette, so they follow light and dark themes."""
    return QColor(round(base.red() + (other.red() - base.red()) * amount),
                  round(base.green() + (other.green() - base.green()) * amount),
                  round(base.blue() + (other.blue() - base.blue()) * amount))
