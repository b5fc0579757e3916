"""The transcript view: where a researcher reads a transcript and codes it, for hours.

A read-only editor (``transcript_text``) shows the source's canonical text in a centred
column of comfortable width (``transcript_column``), speaker labels bold, timestamps
dimmed, interviewer turns muted on a tinted band (``transcript_document``). Codings are
light tints of their theme colours (``transcript_highlights``); the coding-stripe
margin sits to the right of the column. This module ties them together: it opens a
transcript, follows the workspace's changes, keeps the selection and the selected
coding, and offers the coding actions, by key and by context menu
(``transcript_menu``).

Opening a transcript lays its text out once: the document is built and tinted before
it has a layout, given the column's final width (with the stripe margin reserved for
it), and only then shown; the stripes measure their bars after the text has painted.
A later change of codings re-tints and re-lays out only the blocks it touches.

Offsets crossing this module's public API are Python ``str`` indices into the canonical
text; Qt counts UTF-16 units, and ``Utf16Offsets`` converts at the boundary.

Keyboard (while the transcript has focus; a key the host window already binds is left
to the window, ``transcript_shortcuts``): Ctrl+= / Ctrl+- / Ctrl+0 zoom; Ctrl+Alt+S,
Ctrl+Alt+P, Ctrl+Alt+T ask to code the sentence, paragraph or turn at the cursor;
Alt+Down / Alt+Up select the next or previous coding (shown strongly), which Delete
removes; Ctrl+M edits the memo and Ctrl+Shift+R recodes the selected coding (or the one
coding at the cursor); the Menu key or Shift+F10 opens the context menu at the cursor.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from app.commands.coding import delete_codings, uncode_passage
from app.messages import show_error
from app.mime import Passage, passage_mime
from app.settings import FONT_SIZE, LINE_WIDTH, SHOW_STRIPES, Settings
from app.widgets.coding_stripes import CodingStripes
from app.widgets.memo_dialog import MemoDialog
from app.widgets.transcript_column import ReadingColumn
from app.widgets.transcript_document import build_document, swap_document
from app.widgets.transcript_geometry import line_extent, offset_at_top, passage_extent, reveal
from app.widgets.transcript_highlights import CodingTints
from app.widgets.transcript_menu import UNITS, build_context_menu
from app.widgets.transcript_shortcuts import OwnShortcuts
from app.widgets.transcript_text import TranscriptText
from app.workspace import USER_ERRORS, Change, Workspace, one_sentence
from framework.coding import paragraph_at, sentence_at, turn_at
from framework.transcript import CodingMark, Transcript, Utf16Offsets, load_marks, load_transcript

MIN_FONT, MAX_FONT = 7, 40
MIN_LINE, MAX_LINE = 30, 200    # characters


class TranscriptView(QWidget):
    """The transcript pane. Wire ``set_workspace`` and ``show_source``; answer
    ``code_requested(start, end)`` and ``recode_requested(coding_id)`` with a theme."""

    selection_changed = Signal()
    coding_selected = Signal(int)
    source_shown = Signal(int)
    code_requested = Signal(int, int)
    recode_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript_view")
        self.settings = settings or Settings()
        self.workspace: Workspace | None = None
        self.transcript: Transcript | None = None
        self.offsets = Utf16Offsets("")
        self.selected_coding: int | None = None
        self.memo_dialog: MemoDialog | None = None
        self.font_size = min(MAX_FONT, max(MIN_FONT, self.settings.get(FONT_SIZE)))
        self.tints = CodingTints()
        self.text = TranscriptText(self)
        self.stripes = CodingStripes(self.text, self._measure)
        self.stripes.setVisible(bool(self.settings.get(SHOW_STRIPES)))
        self.stripes.coding_clicked.connect(self._on_stripe_clicked)
        self.stripes.context_menu_requested.connect(
            lambda coding_id, where: self.open_context_menu(where, None, coding_id))
        self.column = ReadingColumn(self.text, self.stripes, lambda: self.transcript,
                                    min(MAX_LINE, max(MIN_LINE, self.settings.get(LINE_WIDTH))))
        self.stripes.width_wanted.connect(self.column.fit_stripes)
        self.shortcuts = OwnShortcuts(self, self.text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self.setFocusProxy(self.text)
        self.text.selectionChanged.connect(self._on_selection_changed)
        self._apply_font()
        self._build_actions()

    @property
    def line_width(self) -> int:
        """The longest line of the column, in characters."""
        return self.column.line_width

    # --- wiring -----------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._on_changed)
        self.workspace = workspace
        self.clear()
        if workspace is not None:
            workspace.changed.connect(self._on_changed)

    @property
    def current_source_id(self) -> int | None:
        return self.transcript.source_id if self.transcript else None

    def show_source(self, source_id: int) -> bool:
        """Open a transcript; False (and a message box) if it cannot be read."""
        if self.workspace is None:
            return False
        try:
            with self.workspace.read() as session:
                transcript = load_transcript(session, source_id)
        except USER_ERRORS as error:
            show_error(self, "Cannot open the transcript", one_sentence(error))
            return False
        self._present(transcript, keep_view=transcript.source_id == self.current_source_id)
        if not _warmed.is_set():  # once the reader is settled in, not while it opens
            QTimer.singleShot(2000, self, _warm_up_sentences)
        self.source_shown.emit(source_id)
        return True

    def clear(self) -> None:
        self.transcript = None
        self.selected_coding = None
        self.offsets = Utf16Offsets("")
        self.column.forget_reserve()
        document = QTextDocument(self.text)
        self.tints.reset(document)
        swap_document(self.text, document)
        self.stripes.set_marks([])
        self.layout_column()
        self._update_actions()

    # --- offsets and selection ---------------------------------------------------------

    def select_span(self, start: int, end: int) -> None:
        """Select ``text[start:end]`` and scroll it into view."""
        if self.transcript is None:
            return
        length = len(self.transcript.text)
        start, end = max(0, min(start, length)), max(0, min(end, length))
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        reveal(self.text, self.offsets, start, end)

    def selected_span(self) -> tuple[int, int] | None:
        cursor = self.text.textCursor()
        if self.transcript is None or not cursor.hasSelection():
            return None
        return (self.offsets.to_python(cursor.selectionStart()), self.offsets.to_python(cursor.selectionEnd()))

    def cursor_offset(self) -> int:
        return self.offsets.to_python(self.text.textCursor().position())

    def unit_span(self, unit: str, offset: int | None = None) -> tuple[int, int] | None:
        """The sentence, paragraph or turn around the cursor (or ``offset``), without the
        speaker label in front of it."""
        if self.transcript is None or unit not in UNITS:
            return None
        text = self.transcript.text
        offset = self.cursor_offset() if offset is None else offset
        if unit == "turn":
            span = None
            if self.workspace is not None:
                with self.workspace.read() as session:
                    span = turn_at(session, self.transcript.source_id, offset)
            if span is None:  # on a speaker label: the turn it introduces
                turn = self.transcript.turn_at(offset)
                span = (turn.start, turn.end) if turn else None
        elif unit == "paragraph":
            span = paragraph_at(text, offset)
        else:
            span = sentence_at(text, offset)
        if span is None:
            return None
        start, end = span
        turn = self.transcript.turn_at(start)
        if turn is not None and turn.label_start <= start < turn.start:
            start = turn.start
        return (start, end) if start < end else None

    def codings_at(self, offset: int) -> list[CodingMark]:
        return self.transcript.codings_at(offset) if self.transcript else []

    def coding_mark(self, coding_id: int | None) -> CodingMark | None:
        """The shown transcript's coding ``coding_id``, if it is (still) there."""
        if self.transcript is None or coding_id is None:
            return None
        return next((m for m in self.transcript.codings if m.id == coding_id), None)

    def select_coding(self, coding_id: int) -> bool:
        """Select a coding's passage and show the coding strongly."""
        mark = self.coding_mark(coding_id)
        if mark is None:
            return False
        self.selected_coding = coding_id
        self._decorate()
        self.stripes.set_selected(coding_id)
        self.select_span(mark.start, mark.end)
        self._update_actions()
        return True

    def selection_mime(self):
        """What a drag (or copy) of the selection carries: the passage's exact offsets."""
        span = self.selected_span()
        if span is None or span[0] == span[1]:
            return None
        start, end = span
        return passage_mime(Passage(self.transcript.source_id, start, end), self.transcript.text[start:end])

    def highlights(self) -> list[tuple[int, int, QTextCharFormat]]:
        """The coded stretches as painted: elementary intervals (Python offsets) and the
        format each is tinted with."""
        return self.tints.highlights()

    # --- reading comfort ----------------------------------------------------------------

    def set_font_size(self, points: int) -> None:
        points = min(MAX_FONT, max(MIN_FONT, int(points)))
        if points == self.font_size:
            return
        self.font_size = points
        self.settings.set(FONT_SIZE, points)
        self._apply_font()
        if self.transcript is not None:
            self._present(self.transcript, keep_view=True)  # margins are in pixels: rebuild
        self.layout_column()

    def set_line_width(self, characters: int) -> None:
        """The longest line of the column, in characters (a Preferences setting)."""
        self.column.line_width = min(MAX_LINE, max(MIN_LINE, int(characters)))
        self.settings.set(LINE_WIDTH, self.column.line_width)
        self.column.estimate_again()  # lines of another length: the lanes are estimated again
        self.layout_column()

    def set_stripes_visible(self, visible: bool) -> None:
        self.settings.set(SHOW_STRIPES, bool(visible))
        self.stripes.setVisible(visible)
        self.toggle_stripes_action.setChecked(visible)
        self.layout_column()

    def layout_column(self) -> None:
        """Centre the text column in the editor, the stripes just right of it."""
        self.column.layout()

    def _apply_font(self) -> None:
        font = QFont(self.text.font())
        font.setPointSize(self.font_size)
        self.text.setFont(font)
        palette = QPalette(self.palette())
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            # A see-through selection keeps the coding tints beneath it visible.
            highlight = QColor(palette.color(group, QPalette.ColorRole.Highlight))
            highlight.setAlpha(110)
            palette.setColor(group, QPalette.ColorRole.Highlight, highlight)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, palette.color(group, QPalette.ColorRole.Text))
        self.text.setPalette(palette)
        self.stripes.invalidate()

    # --- presenting a transcript --------------------------------------------------------

    def _present(self, transcript: Transcript, keep_view: bool) -> None:
        anchor = self._top_offset() if keep_view else None
        selection = self.selected_span() if keep_view else None
        self.transcript = transcript
        self.offsets = Utf16Offsets(transcript.text)
        if not keep_view or (self.selected_coding is not None and self.coding_mark(self.selected_coding) is None):
            self.selected_coding = None
        document = build_document(transcript, self.offsets, self.text)
        self.tints.reset(document)
        self._decorate(document)  # before the swap: the text is laid out once, tints and all
        # The column's final width (with the stripe margin this transcript needs) is
        # the document's before it has a layout: it is laid out once, at that width,
        # and not first unwrapped, as a document without a width would be.
        self.stripes.set_marks([])  # the last transcript's lanes say nothing of this one's
        self.column.estimate_again()
        document.setTextWidth(self.column.text_width())
        swap_document(self.text, document)
        self.layout_column()
        # Restart the layout as one whole-document change: laid out the way setDocument
        # leaves it, the first tint change afterwards re-lays out the whole text (25 ms
        # for 15,000 words); started this way, every later change re-lays out only its
        # own blocks. It costs nothing: the text is laid out afresh anyway.
        document.markContentsDirty(0, document.characterCount())
        self.stripes.invalidate()
        # Measuring every coding lays out the whole text: the stripes do it once the
        # text has painted (laid out only as far as it shows), not before.
        self.stripes.set_marks(transcript.codings, later=True)
        self.stripes.set_selected(self.selected_coding)
        self.layout_column()
        if selection is not None:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self.offsets.to_utf16(min(selection[0], len(transcript.text))))
            cursor.setPosition(self.offsets.to_utf16(min(selection[1], len(transcript.text))),
                               QTextCursor.MoveMode.KeepAnchor)
            self.text.setTextCursor(cursor)
        if anchor is not None:
            top, _bottom = line_extent(self.text, self.offsets.to_utf16(min(anchor, len(transcript.text))))
            self.text.verticalScrollBar().setValue(int(top))
        self._update_actions()

    def _decorate(self, document: QTextDocument | None = None) -> None:
        """Tint the shown codings, the selected one strongly; only blocks whose tints
        changed are re-laid out."""
        marks = self.transcript.codings if self.transcript is not None else []
        self.tints.decorate(document or self.text.document(), marks, self.offsets.to_utf16, self.selected_coding)

    def _measure(self, start: int, end: int) -> tuple[float, float]:
        """Where the stripes draw ``text[start:end]``'s bar (read at measuring time, so
        it follows the shown transcript's offsets)."""
        return passage_extent(self.text, self.offsets, start, end)

    def _top_offset(self) -> int | None:
        if self.transcript is None:
            return None
        return offset_at_top(self.text, self.offsets)

    # --- changes ------------------------------------------------------------------------

    def _on_changed(self, change: Change) -> None:
        if self.transcript is None:
            return
        source_id = self.transcript.source_id
        if change.touches("sources"):
            # A change naming other sources (an import, a rename elsewhere) leaves this
            # text as it is; one naming none may touch anything, so reload.
            if not change.source_ids or source_id in change.source_ids:
                self._reload(source_id)
        elif change.touches("themes") or (change.touches("codings")
                                           and (not change.source_ids or source_id in change.source_ids)):
            self.refresh_codings()

    def refresh_codings(self) -> None:
        """Re-read the shown source's codings; only highlights and stripes are redrawn."""
        if self.transcript is None or self.workspace is None:
            return
        with self.workspace.read() as session:
            marks = load_marks(session, self.transcript.source_id)
        self.transcript = replace(self.transcript, codings=marks)
        if self.selected_coding is not None and self.coding_mark(self.selected_coding) is None:
            self.selected_coding = None
        self._decorate()
        self.stripes.set_marks(marks)
        self.stripes.set_selected(self.selected_coding)
        self._update_actions()

    def _reload(self, source_id: int) -> None:
        try:
            with self.workspace.read() as session:
                transcript = load_transcript(session, source_id)
        except USER_ERRORS:
            self.clear()  # the source was deleted: nothing left to show
            return
        self._present(transcript, keep_view=True)

    def _on_stripe_clicked(self, coding_id: int) -> None:
        if self.select_coding(coding_id):
            self.text.setFocus(Qt.FocusReason.MouseFocusReason)
            self.coding_selected.emit(coding_id)

    def _on_selection_changed(self) -> None:
        if self.selected_coding is not None:
            mark = self.coding_mark(self.selected_coding)
            if mark is None or self.selected_span() != (mark.start, mark.end):
                self.selected_coding = None  # the reader moved on: drop the strong highlight
                self._decorate()
                self.stripes.set_selected(None)
                self._update_actions()
        self.selection_changed.emit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:  # light or dark: every colour derives from it
            self.tints.forget_formats()
            QTimer.singleShot(0, self._restyle)

    def _restyle(self) -> None:
        self._apply_font()
        if self.transcript is not None:
            self._present(self.transcript, keep_view=True)

    # --- coding actions ------------------------------------------------------------------

    def request_unit(self, unit: str, offset: int | None = None) -> None:
        span = self.unit_span(unit, offset)
        if span is not None:
            self.code_requested.emit(*span)

    def uncode_selection(self, theme_id: int) -> bool:
        """Take a theme off the selected text (the coder's own codings of it)."""
        span = self.selected_span()
        mark = next((m for m in self.transcript.codings if m.theme_id == theme_id), None) if self.transcript else None
        if span is None or mark is None or self.workspace is None:
            return False
        return self.workspace.run(uncode_passage(self.workspace, self.transcript.source_id, theme_id,
                                                 span[0], span[1], mark.theme_name))

    def remove_coding(self, coding_id: int) -> bool:
        if self.workspace is None or self.coding_mark(coding_id) is None:
            return False
        return self.workspace.run(delete_codings(self.workspace, [coding_id], {self.transcript.source_id}))

    def edit_memo(self, coding_id: int) -> MemoDialog | None:
        """Open the memo of a coding (window-modal; OK saves it as an undoable change)."""
        mark = self.coding_mark(coding_id)
        if mark is None or self.workspace is None:
            return None
        dialog = MemoDialog(self.workspace, self.transcript.source_id, mark,
                            self.transcript.text[mark.start:mark.end], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "memo_dialog", None))
        self.memo_dialog = dialog
        dialog.open()
        return dialog

    def current_coding(self) -> int | None:
        """The coding keyboard actions apply to: the selected one, else the only one at
        the cursor."""
        if self.selected_coding is not None:
            return self.selected_coding
        here = self.codings_at(self.cursor_offset())
        return here[0].id if len(here) == 1 else None

    def step_coding(self, forward: bool) -> bool:
        """Select the next (or previous) coding after the selected one or the cursor."""
        if self.transcript is None or not self.transcript.codings:
            return False
        marks = self.transcript.codings
        current = self.coding_mark(self.selected_coding) if self.selected_coding else None
        key = (current.start, current.end, current.id) if current else (self.cursor_offset(), -1, -1)
        ordered = [(m.start, m.end, m.id) for m in marks]
        if forward:
            following = [k for k in ordered if k > key]
            target = following[0] if following else None
        else:
            preceding = [k for k in ordered if k < key]
            target = preceding[-1] if preceding else None
        if target is None:
            return False
        self.select_coding(target[2])
        self.coding_selected.emit(target[2])
        return True

    # --- context menu ---------------------------------------------------------------------

    def open_context_menu_at_cursor(self) -> None:
        rect = self.text.cursorRect()
        self.open_context_menu(self.text.viewport().mapToGlobal(rect.bottomLeft()), self.cursor_offset())

    def open_context_menu(self, where: QPoint, offset: int | None, coding_id: int | None = None) -> None:
        if self.transcript is None:
            return
        menu = self.build_context_menu(offset, coding_id)
        self.exec_menu(menu, where)
        menu.deleteLater()

    def exec_menu(self, menu: QMenu, where: QPoint) -> None:
        """Run a popup menu (modal until chosen; tests replace this to inspect it)."""
        menu.exec(where)

    def build_context_menu(self, offset: int | None = None, coding_id: int | None = None) -> QMenu:
        """The menu for a place in the text (``offset``) or for one coding's stripe."""
        return build_context_menu(self, offset, coding_id)

    # --- keyboard actions ---------------------------------------------------------------------

    def _build_actions(self) -> None:
        action = self.shortcuts.action
        self.zoom_in_action = action("zoom_in", "Zoom &In", lambda: self.set_font_size(self.font_size + 1),
                                     "Ctrl+=", "Ctrl++", tip="Larger transcript text")
        self.zoom_out_action = action("zoom_out", "Zoom &Out", lambda: self.set_font_size(self.font_size - 1),
                                      "Ctrl+-", tip="Smaller transcript text")
        self.zoom_reset_action = action("zoom_reset", "&Actual Size",
                                        lambda: self.set_font_size(FONT_SIZE.default), "Ctrl+0")
        self.code_sentence_action = action("code_sentence_key", "Code &Sentence at Cursor…",
                                           lambda: self.request_unit("sentence"), "Ctrl+Alt+S")
        self.code_paragraph_action = action("code_paragraph_key", "Code &Paragraph at Cursor…",
                                            lambda: self.request_unit("paragraph"), "Ctrl+Alt+P")
        self.code_turn_action = action("code_turn_key", "Code &Turn at Cursor…",
                                       lambda: self.request_unit("turn"), "Ctrl+Alt+T")
        self.next_coding_action = action("next_coding", "&Next Coding", lambda: self.step_coding(True),
                                         "Alt+Down", tip="Select the next coded passage")
        self.previous_coding_action = action("previous_coding", "Pre&vious Coding",
                                             lambda: self.step_coding(False), "Alt+Up",
                                             tip="Select the previous coded passage")
        self.remove_coding_action = action(  # only a coding shown selected: Delete must not surprise
            "remove_coding_key", "&Remove Selected Coding",
            lambda: self.selected_coding is not None and self.remove_coding(self.selected_coding), "Delete")
        self.edit_memo_action = action("edit_memo_key", "Edit &Memo…",
                                       lambda: self._on_current(self.edit_memo), "Ctrl+M")
        self.recode_action = action("recode_key", "Re&code…",
                                    lambda: self._on_current(self.recode_requested.emit), "Ctrl+Shift+R")
        self.context_menu_action = action("context_menu_key", "Coding &Menu", self.open_context_menu_at_cursor,
                                          "Shift+F10")
        self.toggle_stripes_action = QAction("Show Coding &Stripes", self)
        self.toggle_stripes_action.setObjectName("toggle_stripes")
        self.toggle_stripes_action.setCheckable(True)
        self.toggle_stripes_action.setChecked(bool(self.settings.get(SHOW_STRIPES)))
        self.toggle_stripes_action.toggled.connect(self.set_stripes_visible)
        self._update_actions()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.shortcuts.leave_to_host()

    def _on_current(self, act) -> None:
        coding_id = self.current_coding()
        if coding_id is not None:
            act(coding_id)

    def _update_actions(self) -> None:
        shown = self.transcript is not None
        for act in (self.code_sentence_action, self.code_paragraph_action, self.code_turn_action,
                    self.next_coding_action, self.previous_coding_action):
            act.setEnabled(shown)
        has_coding = shown and bool(self.transcript.codings)
        for act in (self.edit_memo_action, self.recode_action):
            act.setEnabled(has_coding)
        self.remove_coding_action.setEnabled(self.selected_coding is not None)


_warmed = threading.Event()


def _warm_up_sentences() -> None:
    """Load the sentence splitter in the background the first time a transcript opens,
    so the first "Code sentence" does not stall the window while spaCy loads."""
    if _warmed.is_set():
        return
    _warmed.set()

    def load() -> None:
        from framework.nlp import pipeline

        pipeline()

    threading.Thread(target=load, name="sentence-splitter", daemon=False).start()
