"""The transcript view against a real project: formats of the real document, exact
offsets (emoji included), highlights and stripes after coding, stripe clicks, the context
menu, memos, drags, keyboard actions, and the time to open a long coded transcript."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QColor, QFont, QHelpEvent, QKeySequence, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMainWindow, QMenu, QToolTip
from sqlalchemy import select

from app.commands.coding import code_passage
from app.mime import Passage, passage_from_mime
from app.settings import FONT_SIZE, LINE_WIDTH, SHOW_STRIPES, Settings
from app.widgets.coding_stripes import assign_lanes, estimate_lanes
from app.widgets.transcript_view import TranscriptView
from app.workspace import Change
from framework.codebook import find_theme, recolour_theme
from importers.service import ImportOptions, import_files
from models import Coder, Coding, Participant, Source, Theme, Turn

TIMED = """\
[00:00:05] Interviewer: How did the panel start? 🙂
[00:00:09] Sam Jones: With residents 😀 and the council. We met monthly, then weekly.
"""


@pytest.fixture
def view(qtbot, workspace):
    transcript = TranscriptView()
    qtbot.addWidget(transcript)
    transcript.resize(900, 640)
    transcript.show()
    qtbot.waitExposed(transcript)
    transcript.set_workspace(workspace)
    return transcript


def _source(workspace, name):
    with workspace.read() as session:
        source = session.scalar(select(Source).where(Source.name == name))
        return source.id, source.text


def _theme(workspace, path):
    with workspace.read() as session:
        return find_theme(session, path).id


def _codings(workspace):
    with workspace.read() as session:
        return sorted((c.theme_id, c.start, c.end, c.memo) for c in session.scalars(select(Coding)))


def _code(workspace, source_id, path, start, end):
    assert workspace.run(code_passage(workspace, source_id, _theme(workspace, path), start, end, path))
    with workspace.read() as session:
        return session.scalar(select(Coding.id).where(Coding.source_id == source_id, Coding.start == start,
                                                      Coding.end == end))


def _import_timed(workspace, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "timed-interview.txt"
    path.write_text(TIMED, encoding="utf-8")
    report = import_files(workspace.project, [path], ImportOptions(site="Northfield", method="interview"))
    assert report.results[0].status == "imported", report.results[0].error
    return _source(workspace, "timed-interview")


def _tints(view):
    return [fmt for _start, _end, fmt in view.highlights()]


def _painted(view, start: int, end: int) -> list[QColor]:
    """Colours of the pixels along the top of the first line of ``text[start:end]``,
    where the background shows between glyphs."""
    view.text.viewport().repaint()
    image = view.text.viewport().grab().toImage()
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(view.offsets.to_utf16(start))
    left = view.text.cursorRect(cursor)
    cursor.setPosition(view.offsets.to_utf16(start) + min(end - start, 12))
    right = view.text.cursorRect(cursor)
    y = int(left.top() + 1 * image.devicePixelRatio())
    return [image.pixelColor(x, y) for x in range(left.left() + 1, max(right.left(), left.left() + 2))]


def _tinted(view, colours: list[QColor]) -> bool:
    page = view.text.palette().base().color()
    return any(abs(c.lightness() - page.lightness()) > 12 for c in colours)


def _format_at(view, offset):
    cursor = QTextCursor(view.text.document())
    cursor.setPosition(view.offsets.to_utf16(offset) + 1)  # the format of the character before
    return cursor.charFormat(), cursor.blockFormat()


def test_a_source_shows_with_bold_labels_dim_times_and_distinct_interviewer_turns(view, workspace, qtbot, tmp_path):
    source_id, text = _import_timed(workspace, tmp_path)
    with qtbot.waitSignal(view.source_shown) as shown:
        assert view.show_source(source_id)
    assert shown.args == [source_id] and view.current_source_id == source_id
    assert view.text.toPlainText() == text  # the whole text, emoji intact
    label, _ = _format_at(view, text.index("Sam Jones:"))
    words, respondent_block = _format_at(view, text.index("With residents"))
    time_, _ = _format_at(view, text.index("00:00:09"))
    question, interviewer_block = _format_at(view, text.index("How did"))
    assert label.fontWeight() == QFont.Weight.Bold and words.fontWeight() != QFont.Weight.Bold
    assert time_.fontWeight() != QFont.Weight.Bold
    assert time_.foreground().color() != words.foreground().color()
    assert question.foreground().color() != words.foreground().color()  # interviewer muted
    assert interviewer_block.background().style() != Qt.BrushStyle.NoBrush
    assert respondent_block.background().style() == Qt.BrushStyle.NoBrush
    # The column is centred and no wider than the preferred line width.
    margins = view.text.viewportMargins()
    assert margins.left() > 0 and view.text.viewport().width() < view.width()


def test_select_span_round_trips_exactly_after_an_emoji(view, workspace, tmp_path):
    source_id, text = _import_timed(workspace, tmp_path)
    view.show_source(source_id)
    start = text.index("and the council")
    end = text.index("monthly") + len("monthly")
    assert text.index("😀") < start
    view.select_span(start, end)
    assert view.selected_span() == (start, end)
    assert view.text.textCursor().selectedText() == text[start:end]
    assert view.cursor_offset() == end
    view.select_span(0, len(text))
    assert view.selected_span() == (0, len(text))
    view.select_span(text.index("😀"), text.index("😀") + 1)
    assert view.text.textCursor().selectedText() == "😀"


def test_coding_updates_highlights_and_stripes(view, workspace):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    assert view.highlights() == [] and view.stripes.bars() == []
    start = text.index("Strong leadership")
    end = text.index("trusted her for it.") + len("trusted her for it.")
    first = _code(workspace, source_id, "Facilitators", start, end)
    middle = text.index("Our Neighbourhood")
    second = _code(workspace, source_id, "Barriers", middle, end)
    # Elementary intervals: Facilitators alone, then Facilitators and Barriers together.
    assert [(s, e) for s, e, _fmt in view.highlights()] == [(start, middle), (middle, end)]
    alone, both = _tints(view)
    assert alone.underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    assert both.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline  # an overlap shows
    assert both.background().color().alpha() > alone.background().color().alpha()
    with workspace.read() as session:
        facilitators = session.get(Theme, _theme(workspace, "Facilitators")).colour
    assert alone.background().color().name().upper() == facilitators
    bars = {bar.coding_id: bar for bar in view.stripes.bars()}
    assert set(bars) == {first, second}
    assert bars[first].lane != bars[second].lane  # they share lines
    assert bars[first].rect.height() >= bars[second].rect.height()
    assert view.stripes.isVisible() and view.stripes.width() >= view.stripes.wanted_width() > 0
    assert [m.id for m in view.codings_at(middle)] == [first, second]
    # The tints live in the layout of the blocks they touch, and are on screen.
    block = view.text.document().findBlock(view.offsets.to_utf16(start))
    assert [(r.start + block.position(), r.length) for r in block.layout().formats()] == [
        (view.offsets.to_utf16(start), middle - start), (view.offsets.to_utf16(middle), end - middle)]
    assert _tinted(view, _painted(view, middle, end))
    workspace.undo_stack.undo()
    assert view.stripes.bar_rect(second) is None and len(view.highlights()) == 1
    workspace.undo_stack.undo()
    assert view.highlights() == [] and block.layout().formats() == []
    assert not _tinted(view, _painted(view, start, end))


def test_clicking_a_stripe_selects_the_exact_coding(view, workspace, qtbot):
    source_id, text = _source(workspace, "resident-group")
    view.show_source(source_id)
    start = text.index("The antisocial")
    end = text.index("at night now.") + len("at night now.")
    coding_id = _code(workspace, source_id, "Benefits for residents", start, end)
    rect = view.stripes.bar_rect(coding_id)
    assert rect is not None
    with qtbot.waitSignal(view.coding_selected) as selected:
        qtbot.mouseClick(view.stripes, Qt.MouseButton.LeftButton, pos=rect.center())
    assert selected.args == [coding_id]
    assert view.selected_span() == (start, end)
    assert view.selected_coding == coding_id
    strong = _tints(view)[0].background().color().alpha()
    assert strong > 100
    # Moving the selection elsewhere drops the strong highlight.
    view.select_span(0, 5)
    assert view.selected_coding is None
    assert _tints(view)[0].background().color().alpha() < strong


def test_uncode_from_the_context_menu(view, workspace):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("The cuts.")
    end = text.index("own systems.") + len("own systems.")
    _code(workspace, source_id, "Barriers", start, end)
    _code(workspace, source_id, "Facilitators", start, end)
    middle = text.index("the youth service")
    view.select_span(middle, middle + len("the youth service"))
    menu = view.build_context_menu(middle)
    submenu = menu.findChild(QMenu, "uncode_menu")
    assert submenu is not None
    barriers = _theme(workspace, "Barriers")
    names = [action.objectName() for action in submenu.actions()]
    assert f"uncode_{barriers}" in names and len(names) == 2
    next(a for a in submenu.actions() if a.objectName() == f"uncode_{barriers}").trigger()
    assert (barriers, start, middle, "") in _codings(workspace)
    assert (barriers, middle + len("the youth service"), end, "") in _codings(workspace)
    assert len(view.stripes.bars()) == 3
    # With one theme left under the selection the menu offers it directly.
    facilitators = _theme(workspace, "Facilitators")
    view.select_span(middle, middle + 5)
    menu = view.build_context_menu(middle)
    single = menu.findChild(QAction, "uncode")
    assert single is not None and "Facilitators" in single.text()
    single.trigger()
    assert all(not (t == facilitators and s <= middle < e) for t, s, e, _m in _codings(workspace))


def test_remove_and_recode_from_a_stripe_menu(view, workspace, qtbot):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("The cuts.")
    coding_id = _code(workspace, source_id, "Barriers", start, start + 9)
    menu = view.build_context_menu(None, coding_id)
    recode = menu.findChild(QAction, "recode")
    assert recode.isEnabled() and "Barriers" in recode.text()
    with qtbot.waitSignal(view.recode_requested) as asked:
        recode.trigger()
    assert asked.args == [coding_id]
    menu.findChild(QAction, "remove_coding").trigger()
    assert _codings(workspace) == []
    assert view.stripes.bars() == [] and view.highlights() == []


def test_the_memo_dialog_stores_the_memo(view, workspace, qtbot):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("Strong leadership")
    coding_id = _code(workspace, source_id, "Facilitators", start, start + 17)
    dialog = view.edit_memo(coding_id)
    assert dialog is view.memo_dialog and dialog.isVisible()
    assert "Strong leadership" in dialog.findChild(QLabel, "memo_passage").text()
    dialog.editor.setPlainText("  Leadership named as the first facilitator.  ")
    ok = dialog.findChild(QDialogButtonBox, "memo_buttons").button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    theme_id = _theme(workspace, "Facilitators")
    assert _codings(workspace) == [(theme_id, start, start + 17, "Leadership named as the first facilitator.")]
    assert view.codings_at(start)[0].memo == "Leadership named as the first facilitator."
    workspace.undo_stack.undo()
    assert _codings(workspace) == [(theme_id, start, start + 17, "")]


def test_a_drag_carries_the_exact_offsets(view, workspace, tmp_path):
    source_id, text = _import_timed(workspace, tmp_path)
    view.show_source(source_id)
    start = text.index("and the council")
    end = start + len("and the council")
    view.select_span(start, end)
    mime = view.text.createMimeDataFromSelection()  # what Qt calls when a drag starts
    assert passage_from_mime(mime) == Passage(source_id, start, end)
    assert mime.text() == text[start:end]


def test_units_at_the_cursor_leave_the_speaker_label_out(view, workspace, qtbot):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    label = text.index("Janet Morris: Strong")
    words = label + len("Janet Morris: ")
    line_end = text.index("\n", words)
    view.select_span(label + 2, label + 2)  # the cursor on the label
    assert view.unit_span("paragraph") == (words, line_end)
    assert view.unit_span("turn") == (words, line_end)
    view.select_span(words + 5, words + 5)
    assert view.unit_span("sentence") == (words, text.index("honestly.") + len("honestly."))
    with qtbot.waitSignal(view.code_requested) as asked:
        view.code_turn_action.trigger()
    assert asked.args == [words, line_end]


def test_keyboard_steps_through_codings_and_removes_one(view, workspace, qtbot):
    source_id, text = _source(workspace, "resident-group")
    view.show_source(source_id)
    first = _code(workspace, source_id, "Barriers", text.index("I'm not so sure"), text.index("round the corner"))
    second = _code(workspace, source_id, "Benefits for residents", text.index("They put patrols"), len(text) - 1)
    view.select_span(0, 0)
    view.activateWindow()
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    with qtbot.waitSignal(view.coding_selected) as selected:
        qtbot.keyClick(view.text, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert selected.args == [first]
    view.next_coding_action.trigger()
    assert view.selected_coding == second
    view.previous_coding_action.trigger()
    assert view.selected_coding == first
    qtbot.keyClick(view.text, Qt.Key.Key_Delete)
    assert [c[1] for c in _codings(workspace)] == [text.index("They put patrols")]
    assert [bar.coding_id for bar in view.stripes.bars()] == [second]


def test_theme_colour_changes_recolour_without_moving_the_reader(view, workspace):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("The cuts.")
    _code(workspace, source_id, "Barriers", start, start + 9)
    view.resize(900, 200)
    view.text.verticalScrollBar().setValue(view.text.verticalScrollBar().maximum())
    scrolled = view.text.verticalScrollBar().value()
    assert scrolled > 0
    with workspace.write("recolour") as session:
        recolour_theme(session, _theme(workspace, "Barriers"), "#123456")
    workspace.announce(Change(frozenset({"themes"})))
    assert _tints(view)[0].background().color().name() == "#123456"
    assert view.text.verticalScrollBar().value() == scrolled
    _code(workspace, source_id, "Facilitators", 3, 10)  # another coding: the reader stays put
    assert view.text.verticalScrollBar().value() == scrolled


def test_zoom_and_stripes_toggle_persist(view, workspace):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    coding_id = _code(workspace, source_id, "Barriers", text.index("The cuts."), text.index("The cuts.") + 9)
    size = view.font_size
    before = view.stripes.bar_rect(coding_id)
    view.zoom_in_action.trigger()
    assert view.font_size == size + 1 and view.text.font().pointSize() == size + 1
    assert Settings().get(FONT_SIZE) == size + 1
    assert view.stripes.bar_rect(coding_id).top() > before.top()  # lines moved down, so did the bar
    view.zoom_reset_action.trigger()
    assert view.font_size == FONT_SIZE.default
    narrow = view.text.viewport().width()
    view.set_line_width(50)
    assert view.text.viewport().width() < narrow and Settings().get(LINE_WIDTH) == 50
    assert view.stripes.geometry().left() > view.text.viewport().geometry().right()  # beside the column
    assert view.stripes.bar_rect(coding_id) is not None
    view.toggle_stripes_action.trigger()
    assert not view.stripes.isVisible() and Settings().get(SHOW_STRIPES) is False
    view.toggle_stripes_action.trigger()
    assert view.stripes.isVisible()


def test_the_menu_key_opens_the_coding_menu_at_the_cursor(view, workspace, qtbot, monkeypatch):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("The cuts.")
    coding_id = _code(workspace, source_id, "Barriers", start, start + 9)
    shown = []
    monkeypatch.setattr(view, "exec_menu", lambda menu, _where: shown.append(
        {action.objectName(): action for action in menu.actions()}))
    view.select_span(start + 3, start + 3)
    view.activateWindow()
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    qtbot.keyClick(view.text, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    assert len(shown) == 1
    assert shown[0]["remove_coding"].isEnabled() and "Barriers" in shown[0]["remove_coding"].text()
    assert not shown[0]["uncode"].isEnabled()  # nothing selected to uncode
    shown[0]["edit_memo"].trigger()
    assert view.memo_dialog is not None and view.memo_dialog.mark.id == coding_id
    view.memo_dialog.reject()


def test_a_stripe_tooltip_names_theme_coder_and_memo(view, workspace, qtbot):
    source_id, text = _source(workspace, "partner-interview")
    view.show_source(source_id)
    start = text.index("Strong leadership")
    command = code_passage(workspace, source_id, _theme(workspace, "Facilitators"), start, start + 17,
                           "Facilitators", memo="Named <first> & foremost")
    assert workspace.run(command)
    rect = view.stripes.bar_rect(command.result_id)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.stripes.mapToGlobal(rect.center()))
    QApplication.sendEvent(view.stripes, event)
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    tip = QToolTip.text()
    assert "<b>Facilitators</b>" in tip and "Test Coder (TC)" in tip and "Named &lt;first&gt; &amp; foremost" in tip
    QToolTip.hideText()


def test_a_source_that_cannot_be_read_is_one_sentence_and_a_deleted_one_clears(view, workspace, monkeypatch):
    shown = []
    monkeypatch.setattr("app.widgets.transcript_view.show_error",
                        lambda _parent, title, message, details="": shown.append(message))
    assert not view.show_source(9999)
    assert shown == ["Source 9999 is no longer in this project."] and view.current_source_id is None
    source_id, _text = _source(workspace, "resident-group")
    view.show_source(source_id)
    with workspace.write("delete source") as session:
        session.delete(session.get(Source, source_id))
    workspace.announce(Change(frozenset({"sources"})))
    assert view.current_source_id is None and view.text.toPlainText() == ""
    view.set_workspace(None)
    assert view.workspace is None and not view.code_turn_action.isEnabled()


def test_keys_the_host_window_binds_are_left_to_it(qtbot, workspace):
    host = QMainWindow()
    qtbot.addWidget(host)
    reset = []
    window_zoom = QAction("Actual Size", host)
    window_zoom.setShortcut(QKeySequence("Ctrl+0"))
    window_zoom.triggered.connect(lambda: reset.append(True))
    host.addAction(window_zoom)
    view = TranscriptView()
    host.setCentralWidget(view)
    view.set_workspace(workspace)
    view.show_source(_source(workspace, "partner-interview")[0])
    host.show()
    qtbot.waitExposed(host)
    view.text.setFocus()
    qtbot.waitUntil(view.text.hasFocus)
    assert view.zoom_reset_action.shortcuts() == []
    qtbot.keyClick(view.text, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert reset == [True]  # the window's action ran: no ambiguous pair cancelling out
    size = view.font_size
    qtbot.keyClick(view.text, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.font_size == size + 1  # a key only the view binds still works


def test_lanes_are_assigned_greedily():
    spans = [(0, 10), (0, 5), (6, 12), (11, 20), (30, 40)]
    assert assign_lanes(spans, gap=0) == [0, 1, 1, 0, 0]
    assert assign_lanes([(0, 10), (10, 20)], gap=2) == [0, 1]


def test_lanes_are_estimated_from_wrapped_lines():
    text = "a" * 25 + "\n" + "b" * 10  # lines of 10 characters: rows 0-2, then row 3
    assert estimate_lanes([], text, 10) == 0
    assert estimate_lanes([(0, 5), (6, 9)], text, 10) == 2        # one row
    assert estimate_lanes([(0, 5), (10, 15)], text, 10) == 1      # the next row
    assert estimate_lanes([(0, 25), (12, 14), (20, 30)], text, 10) == 2
    assert estimate_lanes([(24, 25), (26, 28)], text, 10) == 1    # a line break between


# --- a long transcript -----------------------------------------------------------------

def build_long_source(workspace, words: int = 15_000, codings: int = 300, seed: int = 7) -> int:
    """A source of ``words`` words in alternating interviewer and respondent turns, with
    ``codings`` codings of random lengths on random themes, written through the models."""
    rng = random.Random(seed)
    vocabulary = ("the police and council partners residents meeting ward panel tasking funding leadership "
                  "information sharing trust patrols estate youth service cuts neighbourhood manager").split()
    paragraphs, turns, length, count = [], [], 0, 0
    while count < words:
        speaker = "Interviewer" if len(paragraphs) % 2 == 0 else "Janet Morris"
        size = rng.randint(8, 30) if speaker == "Interviewer" else rng.randint(40, 160)
        spoken = " ".join(rng.choice(vocabulary) for _ in range(size)) + "."
        label = f"{speaker}: "
        turns.append((speaker, length + len(label), length + len(label) + len(spoken)))
        paragraphs.append(label + spoken)
        length += len(label) + len(spoken) + 1
        count += size
    text = "\n".join(paragraphs)
    with workspace.write("long source") as session:
        themes = session.scalars(select(Theme.id)).all()
        coder = session.scalar(select(Coder.id).where(Coder.id == workspace.coder_id))
        interviewer = Participant(name="Long Interviewer", is_interviewer=True)
        janet = Participant(name="Long Janet", participant_type="partner")
        source = Source(name="long-interview", text=text)
        session.add_all([interviewer, janet, source])
        session.flush()
        session.add_all([Turn(source_id=source.id, participant_id=(interviewer if who == "Interviewer" else janet).id,
                              speaker_label=who, start=start, end=end) for who, start, end in turns])
        for _ in range(codings):
            start = rng.randrange(len(text) - 1200)
            session.add(Coding(source_id=source.id, theme_id=rng.choice(themes), coder_id=coder,
                               start=start, end=start + rng.randint(40, 1200)))
        session.flush()
        return source.id


def measure_long_transcript(view, workspace, source_id: int) -> dict[str, float]:
    """Milliseconds to open and paint the source's text, and then its stripes; to write
    a new coding (the database's part); and from the workspace's announcement to the new
    coding's stripe painted."""
    started = time.perf_counter()
    view.show_source(source_id)
    view.text.viewport().repaint()
    opened = time.perf_counter() - started
    view.stripes.settle()  # what the text's first paint asks for next
    view.stripes.repaint()
    settled = time.perf_counter() - started
    text = view.transcript.text
    view.text.verticalScrollBar().setValue(view.text.verticalScrollBar().maximum() // 2)
    offset = view.offsets.to_python(view.text.cursorForPosition(QPoint(10, 40)).position())
    theme_id = _theme(workspace, "Facilitators")
    command = code_passage(workspace, source_id, theme_id, offset, min(len(text), offset + 200), "Facilitators")
    shown = []

    def refresh_and_paint(change) -> None:
        announced = time.perf_counter()
        view._on_changed(change)
        view.text.viewport().repaint()
        view.stripes.repaint()
        shown.append(time.perf_counter() - announced)

    workspace.changed.disconnect(view._on_changed)
    workspace.changed.connect(refresh_and_paint)
    try:
        started = time.perf_counter()
        assert workspace.run(command)
        total = time.perf_counter() - started
    finally:
        workspace.changed.disconnect(refresh_and_paint)
        workspace.changed.connect(view._on_changed)
    assert view.stripes.bar_rect(command.result_id) is not None
    return {"open_ms": opened * 1000, "stripes_open_ms": settled * 1000, "write_ms": (total - shown[0]) * 1000,
            "stripe_ms": shown[0] * 1000}


def test_a_long_coded_transcript_opens_and_recodes_quickly(view, workspace):
    source_id = build_long_source(workspace)
    view.show_source(_source(workspace, "partner-interview")[0])  # warm up fonts and caches
    timings = measure_long_transcript(view, workspace, source_id)
    assert len(view.transcript.codings) == 301
    # The targets are 150 ms and 50 ms; the bounds leave room for a busy test machine.
    assert timings["open_ms"] < 450 and timings["stripes_open_ms"] < 600, timings
    assert timings["stripe_ms"] < 150, timings


def _count_measures(view) -> list[tuple[int, int]]:
    measured = []
    measure = view.stripes.measure

    def counting(start: int, end: int) -> tuple[float, float]:
        measured.append((start, end))
        return measure(start, end)

    view.stripes.measure = counting
    return measured


def test_an_opened_transcript_is_laid_out_once_and_its_stripes_follow_its_text(view, workspace, qtbot):
    source_id = build_long_source(workspace, codings=120)
    view.resize(620, 640)  # a narrow pane: the stripes' margin narrows the column
    measured = _count_measures(view)
    view.show_source(source_id)
    width = view.text.viewport().width()
    assert view.stripes.pending and measured == []  # nothing laid out before the text paints
    view.text.viewport().repaint()
    qtbot.waitUntil(lambda: not view.stripes.pending)
    spans = {(m.start, m.end) for m in view.transcript.codings}
    assert sorted(measured) == sorted(spans)  # each passage once: the column kept its width
    assert view.text.viewport().width() == width
    assert view.stripes.lane_count() > 1 and view.stripes.width() == view.stripes.wanted_width()
    assert view.stripes.geometry().left() > view.text.viewport().geometry().right()
    assert view.stripes.geometry().right() < view.width()


def test_coding_measures_only_the_new_passage_and_never_rewraps_the_text(view, workspace, qtbot):
    source_id = build_long_source(workspace, codings=120)
    view.resize(620, 640)
    view.show_source(source_id)
    lanes = view.stripes.lane_count()
    width = view.text.viewport().width()
    measured = _count_measures(view)
    # A passage beside the coding in the last lane, where all the lanes are taken: the
    # stripes need one more lane, and the text must not re-wrap for it.
    stripes = view.stripes
    top = stripes.marks[stripes._order[stripes._lanes.index(lanes - 1)]]
    other = next(path for path in ("Facilitators", "Barriers") if _theme(workspace, path) != top.theme_id)
    first = _code(workspace, source_id, other, top.start, top.end - 1)
    assert measured == [(top.start, top.end - 1)]
    assert stripes.lane_count() == lanes + 1
    assert view.text.viewport().width() == width
    view.text.viewport().repaint()
    stripes.repaint()
    assert measured == [(top.start, top.end - 1)]  # painting measured nothing more
    # Another passage, in a lane already there; then undoing both measures nothing.
    text = view.transcript.text
    second = _code(workspace, source_id, other, len(text) - 30, len(text) - 5)
    assert measured[1:] == [(len(text) - 30, len(text) - 5)]
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert len(measured) == 2 and {first, second}.isdisjoint(m.id for m in stripes.marks)
    assert view.text.viewport().width() == width
    assert stripes.lane_count() == lanes
