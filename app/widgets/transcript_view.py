"""The transcript view: where a researcher reads a transcript and codes it, for hours.

A read-only ``QTextEdit`` shows the source's canonical text in a centred column of
comfortable width, speaker labels bold, timestamps dimmed, interviewer turns muted on a
tinted band. Codings are light tints of their theme colours over the elementary
intervals of their overlaps, set as layout formats of the blocks they touch (a change
of codings re-lays out only those blocks); the coding-stripe margin sits to the right.
The column's width does not follow the stripes lane by lane: room for the lanes a
transcript is estimated to need, and one more, is reserved when it opens, so coding it
neither re-wraps the text nor measures the other codings again.

Offsets crossing this module's public API are Python ``str`` indices into the canonical
text; Qt counts UTF-16 units, and ``Utf16Offsets`` converts at the boundary.

Keyboard (while the transcript has focus; a key the host window already binds is left
to the window): Ctrl+= / Ctrl+- / Ctrl+0 zoom; Ctrl+Alt+S,
Ctrl+Alt+P, Ctrl+Alt+T ask to code the sentence, paragraph or turn at the cursor;
Alt+Down / Alt+Up select the next or previous coding (shown strongly), which Delete
removes; Ctrl+M edits the memo and Ctrl+Shift+R recodes the selected coding (or the one
coding at the cursor); the Menu key or Shift+F10 opens the context menu at the cursor.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from dataclasses import replace

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)
from PySide6.QtWidgets import QMenu, QTextEdit, QVBoxLayout, QWidget

from app.commands.coding import delete_codings, uncode_passage
from app.messages import show_error
from app.mime import Passage, passage_mime
from app.settings import FONT_SIZE, LINE_WIDTH, SHOW_STRIPES, Settings
from app.widgets.coding_stripes import CodingStripes, estimate_lanes
from app.widgets.memo_dialog import MemoDialog
from app.workspace import USER_ERRORS, Change, Workspace, one_sentence
from framework.coding import paragraph_at, sentence_at, turn_at
from framework.sources import SourceNotFound
from framework.transcript import (
    CodingMark,
    Transcript,
    Utf16Offsets,
    coverage_intervals,
    load_marks,
    load_transcript,
)

MIN_FONT, MAX_FONT = 7, 40
MIN_LINE, MAX_LINE = 30, 200    # characters
LINE_SPACING = 140          # per cent of the font's line height
SIDE_PADDING = 16           # least margin either side of the text column, in pixels
STRIPE_GAP = 10             # between the text column and the stripes
DOCUMENT_MARGIN = 8         # inside the column, around the text
TINT_ALPHA = 62             # a theme's tint over the page
OVERLAP_ALPHA_STEP = 34     # each further theme on a stretch darkens it by this much
SELECTED_ALPHA = 150
WRAP_SLACK = 4              # characters a wrapped line loses to word breaks, about
UNITS = ("sentence", "paragraph", "turn")


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
        self.line_width = min(MAX_LINE, max(MIN_LINE, self.settings.get(LINE_WIDTH)))
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._highlights: list[tuple[int, int, tuple]] = []
        self._applied: dict[int, list[tuple[int, int, tuple]]] = {}
        self._block_starts: list[int] = []
        self._block_ends: list[int] = []
        self._stripe_reserve = 0    # stripe margin the column leaves room for, in pixels
        self._reserved_for = -1     # the editor width the reserve was estimated at
        self._shortcut_defaults: dict[QAction, list[QKeySequence]] = {}
        self.text = TranscriptText(self)
        self.stripes = CodingStripes(self.text, self._measure)
        self.stripes.setVisible(bool(self.settings.get(SHOW_STRIPES)))
        self.stripes.coding_clicked.connect(self._on_stripe_clicked)
        self.stripes.context_menu_requested.connect(
            lambda coding_id, where: self.open_context_menu(where, None, coding_id))
        self.stripes.width_wanted.connect(self._fit_stripes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self.setFocusProxy(self.text)
        self.text.selectionChanged.connect(self._on_selection_changed)
        self._apply_font()
        self._build_actions()

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
        except (*USER_ERRORS, SourceNotFound) as error:
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
        self._highlights = []
        self._stripe_reserve, self._reserved_for = 0, -1
        document = QTextDocument(self.text)
        self._index_blocks(document)
        self._swap_document(document)
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
        self._reveal(start, end)

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

    def select_coding(self, coding_id: int) -> bool:
        """Select a coding's passage and show the coding strongly."""
        mark = self._mark(coding_id)
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
        self.line_width = min(MAX_LINE, max(MIN_LINE, int(characters)))
        self.settings.set(LINE_WIDTH, self.line_width)
        self._reserved_for = -1  # lines of another length: the lanes are estimated again
        self.layout_column()

    def set_stripes_visible(self, visible: bool) -> None:
        self.settings.set(SHOW_STRIPES, bool(visible))
        self.stripes.setVisible(visible)
        self.toggle_stripes_action.setChecked(visible)
        self.layout_column()

    def layout_column(self) -> None:
        """Centre a text column of the preferred width; the stripes go just right of it.
        The column leaves room for the reserved stripe margin, not for the lanes of the
        moment, so that a lane more or less never re-wraps the text."""
        text = self.text
        margins = text.viewportMargins()
        left, right, stripes = self._column_margins()
        if (margins.left(), margins.right()) != (left, right):
            text.setViewportMargins(left, 0, right, 0)
        viewport = text.viewport().geometry()
        self.stripes.setGeometry(viewport.right() + 1 + STRIPE_GAP // 2, viewport.top(), stripes, viewport.height())

    def _column_margins(self) -> tuple[int, int, int]:
        """The editor's left and right margins around the column, and the stripes' width."""
        available = self._available_width()
        shown = self.stripes.isVisibleTo(self.text)
        if shown and self.transcript is not None and self._reserved_for != available:
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

    def _available_width(self) -> int:
        margins = self.text.viewportMargins()
        return self.text.viewport().width() + margins.left() + margins.right()

    def _column_width(self, available: int, reserve: int) -> int:
        """The text column's width in an editor ``available`` pixels wide, ``reserve``
        of them kept for the stripes."""
        metrics = QFontMetricsF(self.text.font())
        ideal = int(self.line_width * metrics.averageCharWidth() + 2 * DOCUMENT_MARGIN)
        return max(80, min(ideal, available - reserve - 2 * SIDE_PADDING))

    def _reserve_stripes(self, available: int) -> None:
        """Reserve the stripe margin the shown codings will need, with a lane to spare,
        estimated from the text alone: deciding it before the text is laid out lays it
        out once, at its final width."""
        self._reserved_for = available
        marks = self.transcript.codings if self.transcript is not None else []
        spans = [(m.start, m.end) for m in marks]
        text = self.transcript.text if self.transcript is not None else ""
        sample = text[:2000]
        metrics = QFontMetricsF(self.text.font())
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

    def _fit_stripes(self) -> None:
        """The stripes' lanes changed: within the reserve only the stripes move; beyond
        it the reserve grows (with a lane to spare) and the column narrows once."""
        if self.stripes.wanted_width() > self._stripe_reserve:
            self._stripe_reserve = self.stripes.width_for(self.stripes.lanes + 1)
        self.layout_column()

    # --- changes ------------------------------------------------------------------------

    def _on_changed(self, change: Change) -> None:
        if self.transcript is None:
            return
        source_id = self.transcript.source_id
        if change.touches("sources"):
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
        if self.selected_coding is not None and self._mark(self.selected_coding) is None:
            self.selected_coding = None
        self._decorate()
        self.stripes.set_marks(marks)
        self.stripes.set_selected(self.selected_coding)
        self._update_actions()

    def _reload(self, source_id: int) -> None:
        try:
            with self.workspace.read() as session:
                transcript = load_transcript(session, source_id)
        except (*USER_ERRORS, SourceNotFound):
            self.clear()  # the source was deleted: nothing left to show
            return
        self._present(transcript, keep_view=True)

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
        if self.workspace is None or self._mark(coding_id) is None:
            return False
        return self.workspace.run(delete_codings(self.workspace, [coding_id], {self.transcript.source_id}))

    def edit_memo(self, coding_id: int) -> MemoDialog | None:
        """Open the memo of a coding (window-modal; OK saves it as an undoable change)."""
        mark = self._mark(coding_id)
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
        current = self._mark(self.selected_coding) if self.selected_coding else None
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
        menu = QMenu(self)
        menu.setObjectName("transcript_menu")
        if offset is None:
            mark = self._mark(coding_id)
            offset = mark.start if mark else self.cursor_offset()
        selection = self.selected_span()
        if selection is not None:
            _adder(menu)("code_selection", "&Code selection…", lambda: self.code_requested.emit(*selection))
        for unit in UNITS:
            _adder(menu)(f"code_{unit}", f"Code {unit} at cursor".replace(unit, f"&{unit}", 1),
                         lambda _=False, u=unit: self.request_unit(u, offset))
        menu.addSeparator()
        self._add_uncode(menu, selection)
        targets = [self._mark(coding_id)] if coding_id is not None else self._codings_for_menu(offset)
        targets = [m for m in targets if m is not None]
        self._add_per_coding(menu, "remove_coding", "&Remove coding", targets, self.remove_coding)
        self._add_per_coding(menu, "recode", "Re&code…", targets, self.recode_requested.emit)
        self._add_per_coding(menu, "edit_memo", "Edit &memo…", targets, self.edit_memo)
        menu.addSeparator()
        if selection is not None:
            _adder(menu)("copy", "Cop&y", self.text.copy, QKeySequence.StandardKey.Copy)
        menu.addAction(self.toggle_stripes_action)
        return menu

    def _add_uncode(self, menu: QMenu, selection: tuple[int, int] | None) -> None:
        """Uncode the selection from a theme of this coder that covers part of it."""
        themes: dict[int, CodingMark] = {}
        if selection is not None and self.workspace is not None:
            for mark in self.transcript.codings:
                if (mark.coder_id == self.workspace.coder_id and mark.start < selection[1]
                        and selection[0] < mark.end):
                    themes.setdefault(mark.theme_id, mark)
        if len(themes) == 1:
            mark = next(iter(themes.values()))
            _adder(menu)("uncode", f"&Uncode selection from {mark.theme_name}",
                         lambda: self.uncode_selection(mark.theme_id))
        elif themes:
            sub = menu.addMenu("&Uncode selection from")
            sub.setObjectName("uncode_menu")
            sub.menuAction().setObjectName("uncode_menu")
            for theme_id, mark in sorted(themes.items(), key=lambda item: item[1].theme_path.casefold()):
                _adder(sub)(f"uncode_{theme_id}", _menu_text(mark.theme_path),
                            lambda _=False, t=theme_id: self.uncode_selection(t))
        else:
            action = _adder(menu)("uncode", "&Uncode selection", lambda: None)
            action.setEnabled(False)
            action.setToolTip("Select coded text first.")

    def _add_per_coding(self, menu: QMenu, name: str, label: str, targets: list[CodingMark], act) -> None:
        """One action for the one coding here (naming its theme), a submenu for several."""
        if len(targets) <= 1:
            mark = targets[0] if targets else None
            text = label
            if mark is not None:
                text = f"{label.rstrip('…')} ({mark.theme_name})" + ("…" if label.endswith("…") else "")
            action = _adder(menu)(name, _menu_text(text, keep_mnemonic=True),
                                  lambda: act(mark.id) if mark else None)
            action.setEnabled(mark is not None)
            return
        sub = menu.addMenu(label.rstrip("…"))  # the chosen item, not the submenu, opens a dialog
        sub.setObjectName(f"{name}_menu")
        sub.menuAction().setObjectName(f"{name}_menu")
        for mark in targets:
            who = "" if self.workspace and mark.coder_id == self.workspace.coder_id else f" · {mark.coder_name}"
            _adder(sub)(f"{name}_{mark.id}", _menu_text(mark.theme_path + who),
                        lambda _=False, i=mark.id: act(i))

    def _codings_for_menu(self, offset: int) -> list[CodingMark]:
        here = self.codings_at(offset)
        if self.selected_coding is not None:
            here.sort(key=lambda m: m.id != self.selected_coding)
        return here

    # --- actions ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(name: str, text: str, slot, *shortcuts, tip: str = "") -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            self._shortcut_defaults[act] = [QKeySequence(s) for s in shortcuts]
            act.setShortcuts(self._shortcut_defaults[act])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if tip:
                act.setToolTip(tip)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

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
        self._leave_host_shortcuts()

    def _leave_host_shortcuts(self) -> None:
        """Keys the host window already binds (its own Zoom In, say) are left to it: two
        actions on one key while the transcript has focus cancel each other (Qt finds
        the shortcut ambiguous and runs neither)."""
        window = self.window()
        taken: set[str] = set()
        if window is not self:
            for action in window.findChildren(QAction):
                if action not in self._shortcut_defaults and self._overlaps(action):
                    taken.update(key.toString() for key in action.shortcuts())
        for action, keys in self._shortcut_defaults.items():
            action.setShortcuts([key for key in keys if key.toString() not in taken])

    def _overlaps(self, action: QAction) -> bool:
        """Whether ``action``'s shortcut can be live while the transcript has focus."""
        context = action.shortcutContext()
        if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            return True
        return any(isinstance(owner, QWidget) and (owner is self.text or owner.isAncestorOf(self.text))
                   for owner in action.associatedObjects())

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

    # --- presenting a transcript --------------------------------------------------------

    def _present(self, transcript: Transcript, keep_view: bool) -> None:
        anchor = self._top_offset() if keep_view else None
        selection = self.selected_span() if keep_view else None
        self.transcript = transcript
        self.offsets = Utf16Offsets(transcript.text)
        if not keep_view or (self.selected_coding is not None and self._mark(self.selected_coding) is None):
            self.selected_coding = None
        document = self._build_document(transcript)
        self._index_blocks(document)
        self._decorate(document)  # before the swap: the text is laid out once, tints and all
        # The column's final width (with the stripe margin this transcript needs) is
        # the document's before it has a layout: it is laid out once, at that width,
        # and not first unwrapped, as a document without a width would be.
        self.stripes.set_marks([])  # the last transcript's lanes say nothing of this one's
        self._reserved_for = -1
        left, right, _stripes = self._column_margins()
        document.setTextWidth(self._available_width() - left - right)
        self._swap_document(document)
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
            top, _bottom = self._line(self.offsets.to_utf16(min(anchor, len(transcript.text))))
            self.text.verticalScrollBar().setValue(int(top))
        self._update_actions()

    def _index_blocks(self, document: QTextDocument) -> None:
        """Where each block (line of the canonical text) starts and ends, in UTF-16."""
        self._applied = {}
        self._block_starts, self._block_ends = [], []
        block = document.begin()
        while block.isValid():
            self._block_starts.append(block.position())
            self._block_ends.append(block.position() + block.length() - 1)
            block = block.next()

    def _swap_document(self, document: QTextDocument) -> None:
        old = self.text.document()
        ours = old is not document and old.parent() is self.text  # else the editor owns it
        self.text.setDocument(document)
        if ours:
            old.deleteLater()

    def _build_document(self, transcript: Transcript) -> QTextDocument:
        """The text with its lasting formats (labels, times, interviewer turns), made
        before the document has a layout, so that formatting it lays nothing out."""
        document = QTextDocument(self.text)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.text.font())
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setPlainText(transcript.text)
        palette = self.text.palette()
        line = QFontMetricsF(self.text.font()).lineSpacing()
        body = QTextBlockFormat()
        body.setLineHeight(LINE_SPACING, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        body.setBottomMargin(round(line * 0.55))
        interviewer = QTextBlockFormat(body)
        interviewer.setBackground(_blend(palette.color(QPalette.ColorRole.Base),
                                         palette.color(QPalette.ColorRole.Highlight), 0.06))
        muted = QTextCharFormat()
        muted.setForeground(_blend(palette.color(QPalette.ColorRole.Text),
                                   palette.color(QPalette.ColorRole.Base), 0.38))
        label = QTextCharFormat()
        label.setFontWeight(QFont.Weight.Bold)
        time = QTextCharFormat()
        time.setFontWeight(QFont.Weight.Normal)
        time.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        to_utf16 = self.offsets.to_utf16
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

    def _decorate(self, document: QTextDocument | None = None) -> None:
        """Tint every coded stretch, splitting overlaps into elementary intervals so they
        blend instead of painting over each other. The tints are the blocks' own layout
        formats (as a syntax highlighter sets them): only blocks whose tints changed are
        touched, and Qt re-lays out just those, never the whole text."""
        document = document or self.text.document()
        wanted: dict[int, list[tuple[int, int, tuple]]] = {}
        self._highlights = []
        if self.transcript is not None:
            marks = self.transcript.codings
            starts, ends = self._block_starts, self._block_ends
            to_utf16 = self.offsets.to_utf16
            for interval in coverage_intervals(marks):
                colours = tuple(sorted({marks[i].colour for i in interval.marks}))
                strong = next((marks[i].colour for i in interval.marks if marks[i].id == self.selected_coding), None)
                key = (colours, strong)
                self._highlights.append((interval.start, interval.end, key))
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

    def _range(self, start: int, length: int, key: tuple) -> QTextLayout.FormatRange:
        format_range = QTextLayout.FormatRange()
        format_range.start, format_range.length = start, length
        format_range.format = self._tint(*key)
        return format_range

    def highlights(self) -> list[tuple[int, int, QTextCharFormat]]:
        """The coded stretches as painted: elementary intervals (Python offsets) and the
        format each is tinted with."""
        return [(start, end, self._tint(*key)) for start, end, key in self._highlights]

    def _tint(self, colours: tuple[str, ...], strong: str | None) -> QTextCharFormat:
        key = (colours, strong)
        found = self._formats.get(key)
        if found is not None:
            return found
        fmt = QTextCharFormat()
        mixed = _mix([QColor(c) for c in colours])
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

    # --- geometry ---------------------------------------------------------------------------

    def _measure(self, start: int, end: int) -> tuple[float, float]:
        """Top of the first line and bottom of the last line of ``text[start:end]``, in
        document coordinates (the stripes' unit)."""
        first = self._line(self.offsets.to_utf16(start))
        last = self._line(max(self.offsets.to_utf16(end) - 1, self.offsets.to_utf16(start)))
        return first[0], last[1]

    def _line(self, position: int) -> tuple[float, float]:
        document = self.text.document()
        block = document.findBlock(position)
        frame = document.documentLayout().blockBoundingRect(block)  # lays out up to here
        layout = block.layout()
        line = layout.lineForTextPosition(position - block.position())
        if not line.isValid():
            return frame.top(), frame.bottom()
        top = layout.position().y() + line.y()
        return top, top + line.height()

    def _reveal(self, start: int, end: int) -> None:
        top, bottom = self._measure(start, end) if start < end else self._measure(start, start + 1)
        bar = self.text.verticalScrollBar()
        height = self.text.viewport().height()
        if top >= bar.value() and bottom <= bar.value() + height:
            return
        if bottom - top > height * 0.75:
            bar.setValue(int(top - height * 0.1))
        else:
            bar.setValue(int((top + bottom - height) / 2))

    def _top_offset(self) -> int | None:
        if self.transcript is None:
            return None
        return self.offsets.to_python(self.text.cursorForPosition(QPoint(0, 0)).position())

    # --- reactions ------------------------------------------------------------------------

    def _mark(self, coding_id: int | None) -> CodingMark | None:
        if self.transcript is None or coding_id is None:
            return None
        return next((m for m in self.transcript.codings if m.id == coding_id), None)

    def _on_stripe_clicked(self, coding_id: int) -> None:
        if self.select_coding(coding_id):
            self.text.setFocus(Qt.FocusReason.MouseFocusReason)
            self.coding_selected.emit(coding_id)

    def _on_selection_changed(self) -> None:
        if self.selected_coding is not None:
            mark = self._mark(self.selected_coding)
            if mark is None or self.selected_span() != (mark.start, mark.end):
                self.selected_coding = None  # the reader moved on: drop the strong highlight
                self._decorate()
                self.stripes.set_selected(None)
                self._update_actions()
        self.selection_changed.emit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:  # light or dark: every colour derives from it
            self._formats.clear()
            QTimer.singleShot(0, self._restyle)

    def _restyle(self) -> None:
        self._apply_font()
        if self.transcript is not None:
            self._present(self.transcript, keep_view=True)


def _adder(menu: QMenu):
    def add(name: str, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action
    return add


def _menu_text(text: str, keep_mnemonic: bool = False) -> str:
    """Theme names may contain "&", which a menu would take for a mnemonic."""
    if keep_mnemonic:
        head, amp, rest = text.partition("&")
        return head + amp + rest[:1] + rest[1:].replace("&", "&&") if amp else text
    return text.replace("&", "&&")


def _mix(colours: list[QColor]) -> QColor:
    if not colours:
        return QColor("#999999")
    count = len(colours)
    return QColor(sum(c.red() for c in colours) // count, sum(c.green() for c in colours) // count,
                  sum(c.blue() for c in colours) // count)


def _blend(base: QColor, other: QColor, amount: float) -> QColor:
    return QColor(round(base.red() + (other.red() - base.red()) * amount),
                  round(base.green() + (other.green() - base.green()) * amount),
                  round(base.blue() + (other.blue() - base.blue()) * amount))


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
