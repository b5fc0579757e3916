"""The "Code to…" palette: filtering, keyboard choice, recent themes, pinned keys and
creating a theme from what was typed (undoably)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.settings import Settings
from app.widgets.code_palette import (
    BLOCKED,
    CREATE,
    HINT,
    NOTHING_CHOSEN,
    THEME,
    CodePalette,
    PaletteModel,
    ThemeChoice,
    choose_theme,
    palette_geometry,
    remember_theme,
)
from models import Theme
from tests.app.helpers import theme_guid, theme_id


@pytest.fixture
def palette(qtbot, workspace):
    widget = CodePalette(workspace)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _kinds(palette):
    return [row.kind for row in palette.model.rows]


def test_the_palette_model_passes_qt_checks(qtmodeltester, palette):
    qtmodeltester.check(palette.model)
    palette.set_filter("Barriers/Parking")
    qtmodeltester.check(palette.model)
    palette.set_filter("Nowhere/Parking")
    qtmodeltester.check(palette.model)


def test_typing_filters_and_enter_chooses_the_best_match(qtbot, palette, workspace):
    qtbot.keyClicks(palette.filter_edit, "tsk")
    expected = ThemeChoice(theme_id(workspace, "Information sharing/Tasking meetings"),
                           "Information sharing/Tasking meetings", "Tasking meetings")
    assert palette.current_choice() == expected
    first = palette.model.index(0)
    assert first.data() == "Tasking meetings"
    path = first.data(PaletteModel.TextRole)
    assert [path[p] for p in first.data(PaletteModel.PositionsRole)] == ["T", "s", "k"]
    with qtbot.waitSignal(palette.chosen) as chosen:
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chosen.args == [expected] and palette.choice == expected
    assert palette.result() == palette.DialogCode.Accepted


def test_arrow_and_page_keys_move_the_highlight(qtbot, palette, workspace):
    qtbot.keyClicks(palette.filter_edit, "bar")
    assert palette.current_choice().path == "Barriers"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    second = palette.current_choice()
    assert second.path.startswith("Barriers/")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)  # wraps to the last row
    assert palette.list_view.currentIndex().row() == palette.model.rowCount() - 1
    palette.set_filter("ba")  # a new filter highlights its first row again
    assert palette.list_view.currentIndex().row() == 0
    assert palette.model.rowCount() > 12
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_PageDown)
    assert palette.list_view.currentIndex().row() == 11
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_PageUp)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_PageUp)  # stops at the top
    assert palette.list_view.currentIndex().row() == 0
    palette.set_filter("bar")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    assert palette.current_choice() == second
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Enter)
    assert palette.choice == second


def test_nothing_is_highlighted_until_the_user_types_or_moves(qtbot, workspace):
    remember_theme(workspace, theme_id(workspace, "Barriers"))  # even with a recent theme on top
    palette = CodePalette(workspace)
    qtbot.addWidget(palette)
    palette.show()
    qtbot.waitExposed(palette)

    def type_and_erase():  # nothing typed again: nothing chosen again
        qtbot.keyClicks(palette.filter_edit, "b")
        assert palette.current_row() is not None  # typing highlights the best match
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Backspace)
        assert palette.current_row() is None and palette.list_view.verticalScrollBar().value() == 0

    assert palette.current_row() is None and palette.list_view.verticalScrollBar().value() == 0
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert palette.isVisible() and palette.choice is None
    assert palette.message.text() == NOTHING_CHOSEN
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)  # from nothing: the first row
    assert palette.list_view.currentIndex().row() == 0 and palette.message.text() == HINT
    type_and_erase()
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Up)  # from nothing: the last row
    assert palette.list_view.currentIndex().row() == palette.model.rowCount() - 1
    type_and_erase()
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_PageDown)
    assert palette.list_view.currentIndex().row() == 0
    type_and_erase()
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Tab)  # nothing to fill in: starts at the top
    assert palette.list_view.currentIndex().row() == 0 and palette.filter_edit.text() == ""
    with qtbot.waitSignal(palette.chosen) as chosen:
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    assert chosen.args[0].path == "Barriers"


def test_a_click_chooses_the_row_clicked(qtbot, palette):
    index = palette.model.index(3)
    expected = index.data(PaletteModel.PathRole)
    rect = palette.list_view.visualRect(index)
    with qtbot.waitSignal(palette.chosen) as chosen:
        qtbot.mouseClick(palette.list_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chosen.args[0].path == expected and palette.result() == palette.DialogCode.Accepted


@pytest.mark.parametrize("window, available, expected", [
    # Centred across the window, an eighth of the way down.
    (QRect(64, 36, 1152, 648), QRect(0, 0, 1280, 720), QRect(294, 117, 691, 362)),
    (QRect(2000, 100, 1600, 1000), QRect(1920, 0, 2560, 1440), QRect(2420, 225, 760, 362)),  # second screen
    # A window partly off the screen: the palette stays wholly on it.
    (QRect(900, 500, 800, 400), QRect(0, 0, 1366, 768), QRect(886, 406, 480, 362)),
    # A screen shorter than the palette: as tall as the screen, at its top.
    (QRect(0, 0, 700, 300), QRect(0, 0, 700, 300), QRect(110, 0, 480, 300)),
])
def test_the_palette_sits_across_the_top_of_the_window_and_on_the_screen(window, available, expected):
    rect = palette_geometry(window, available, 362)
    assert rect == expected and available.contains(rect)


def test_escape_cancels_without_a_choice(qtbot, palette):
    qtbot.keyClicks(palette.filter_edit, "lead")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Escape)
    assert palette.result() == palette.DialogCode.Rejected and palette.choice is None
    assert not palette.isVisible()


def test_recent_themes_come_first_when_nothing_is_typed(qtbot, workspace):
    cuts = theme_id(workspace, "Barriers/Public spending cuts")
    tasking = theme_id(workspace, "Information sharing/Tasking meetings")
    remember_theme(workspace, cuts)
    remember_theme(workspace, tasking)
    palette = CodePalette(workspace)
    qtbot.addWidget(palette)
    ids = [row.candidate.id for row in palette.model.rows]
    assert ids[:2] == [tasking, cuts]
    assert palette.model.index(0).data(PaletteModel.NoteRole) == "recently used"
    assert len(ids) == len(set(ids))  # listed once, not again in framework order
    palette.set_filter("lead")
    palette.accept_current()
    again = CodePalette(workspace)
    qtbot.addWidget(again)
    assert again.model.rows[0].candidate.path == "Facilitators/Strong leadership and commitment"


def test_pinned_themes_show_their_key(qtbot, workspace):
    Settings().set_pinned_themes(workspace.project_guid, ["", "", theme_guid(workspace, "Barriers")])
    palette = CodePalette(workspace)
    qtbot.addWidget(palette)
    palette.set_filter("barriers")
    top = palette.model.index(0)
    assert top.data(PaletteModel.PinnedKeyRole) == 3
    assert "quick-code key 3" in top.data(Qt.ItemDataRole.ToolTipRole)
    assert palette.model.index(1).data(PaletteModel.PinnedKeyRole) is None


def test_a_typed_parent_names_where_a_new_theme_goes(palette):
    palette.set_filter("Barriers/Parking problems")
    assert _kinds(palette)[-1] == CREATE
    assert palette.model.rows[-1].text == "Create theme “Parking problems” under Barriers"
    palette.set_filter("/Parking problems")
    assert palette.model.rows[-1].text == "Create theme “Parking problems” at the top level"
    palette.set_filter("Nowhere/Parking")
    assert _kinds(palette) == [BLOCKED]
    assert not palette.accept_current() and palette.isVisible()
    palette.set_filter("Barriers/Public spending cuts")  # exists: no offer to create it
    assert CREATE not in _kinds(palette)
    palette.set_filter("Barriers/")
    assert set(_kinds(palette)) == {THEME}
    palette.set_filter("barriers/stable funding")  # a name used elsewhere, not under Barriers
    assert palette.model.rows[-1].text == "Create theme “stable funding” under Barriers"
    palette.set_filter("stable funding")  # a theme's exact name
    assert CREATE not in _kinds(palette)
    palette.set_filter("/barriers")
    assert CREATE not in _kinds(palette)


def test_without_a_parent_the_new_theme_joins_the_highlighted_themes_siblings(qtbot, palette):
    qtbot.keyClicks(palette.filter_edit, "cuts")
    assert palette.current_choice().path == "Barriers/Public spending cuts"
    assert palette.model.rows[-1].text == "Create theme “cuts” under Barriers"
    palette.set_filter("tasking meetings")  # a theme's exact name: nothing to create
    assert _kinds(palette) == [THEME]
    palette.set_filter("meet")
    first = palette.current_choice()
    parent = first.path.rsplit("/", 1)[0]
    assert palette.model.rows[-1].text == f"Create theme “meet” under {parent}"
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    now = palette.current_choice()
    assert palette.model.rows[-1].text == f"Create theme “meet” under {now.path.rsplit('/', 1)[0]}"


def test_tab_fills_in_the_highlighted_path(qtbot, palette):
    qtbot.keyClicks(palette.filter_edit, "barr")
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Tab)
    assert palette.filter_edit.text() == "Barriers/"
    assert palette.filter_edit.hasFocus() or not palette.isActiveWindow()


def test_creating_from_the_palette_adds_a_theme_under_its_parent_and_undo_removes_it(qtbot, palette, workspace):
    barriers = theme_id(workspace, "Barriers")
    qtbot.keyClicks(palette.filter_edit, "Barriers/Parking problems")
    for _ in range(palette.model.rowCount() - 1 - palette.list_view.currentIndex().row()):
        qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Down)
    assert palette.current_row().kind == CREATE
    changes = []
    workspace.changed.connect(changes.append)
    qtbot.keyClick(palette.filter_edit, Qt.Key.Key_Return)
    choice = palette.choice
    assert choice is not None and choice.path == "Barriers/Parking problems" and choice.name == "Parking problems"
    with workspace.read() as session:
        theme = session.get(Theme, choice.id)
        assert (theme.name, theme.parent_id) == ("Parking problems", barriers)
    assert changes and changes[-1].touches("themes")
    assert workspace.undo_stack.count() == 1
    workspace.undo_stack.undo()
    with workspace.read() as session:
        assert session.scalar(select(Theme).where(Theme.name == "Parking problems")) is None
    workspace.undo_stack.redo()
    with workspace.read() as session:
        assert session.get(Theme, choice.id).parent_id == barriers


def test_a_refused_creation_is_explained_in_the_palette(qtbot, palette, workspace):
    palette.set_filter("Barriers/" + "x" * 250)
    palette.list_view.setCurrentIndex(palette.model.index(palette.model.rowCount() - 1))
    assert not palette.accept_current()
    assert palette.isVisible() and palette.choice is None
    assert "at most 200 characters" in palette.message.text()
    assert workspace.undo_stack.count() == 0


def test_without_creation_only_themes_are_offered(qtbot, workspace):
    palette = CodePalette(workspace, allow_create=False)
    qtbot.addWidget(palette)
    palette.set_filter("Barriers/Parking")
    assert palette.model.rowCount() == 0 and not palette.accept_current()


def test_choose_theme_returns_the_choice_of_a_modal_palette(qtbot, workspace):
    def type_and_choose():
        palette = QApplication.activeModalWidget()
        assert isinstance(palette, CodePalette) and palette.windowTitle() == "Move to…"
        palette.set_filter("info/tsk")
        palette.accept_current()

    QTimer.singleShot(0, type_and_choose)
    choice = choose_theme(None, workspace, title="Move to…")
    assert choice is not None and choice.path == "Information sharing/Tasking meetings"

    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert choose_theme(None, workspace) is None


def test_recent_themes_outlive_the_session(workspace):
    """They are kept in the settings of this project, not in memory."""
    from PySide6.QtCore import QSettings

    from app.widgets.code_palette import recent_themes

    first, second = theme_id(workspace, "Barriers"), theme_id(workspace, "Facilitators")
    remember_theme(workspace, first)
    remember_theme(workspace, second)
    remember_theme(workspace, first)
    stored = QSettings().value(f"coding/recent/{workspace.project_guid}")
    assert [int(v) for v in stored] == [first, second]
    assert recent_themes(workspace) == [first, second]
