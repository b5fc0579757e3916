"""The window fits the screen it opens on (a 1366×768 laptop, 1280×720 at 150 %
scaling), a saved size is reused only while it still fits, the panes give their width
to the names rather than to the numbers beside them, the Memos table keeps every column
in a narrow pane, and the Extracts filters wrap rather than run off the pane's edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication

from app.main_window import MainWindow, fitted_geometry
from app.qtmodels.extracts_model import MemosModel
from app.qtmodels.sources_model import CODED, WORDS
from app.qtmodels.theme_tree import CODINGS, SOURCES
from app.widgets.extracts_pane import ExtractsPane
from app.widgets.framework_pane import FrameworkPane
from app.widgets.memos_pane import MemosPane
from app.widgets.sources_pane import SourcesPane
from framework.source_stats import SourceStats
from tests.app.helpers import code, source

pytestmark = pytest.mark.usefixtures("no_job_left_running")

SCREENS = [
    QRect(0, 0, 1280, 720),  # 1920×1080 at 150 %
    QRect(0, 0, 1366, 768),
    QRect(0, 0, 1366, 728),  # the same, under a 40 px panel
    QRect(0, 27, 1920, 1053),  # a full-HD screen under a top bar
    QRect(1920, 0, 2560, 1440),  # a second monitor to the right
    QRect(0, 0, 3840, 2160),
    QRect(0, 0, 800, 600),
]


@pytest.mark.parametrize("available", SCREENS, ids=lambda r: f"{r.width()}x{r.height()}+{r.x()}+{r.y()}")
def test_the_first_window_fits_the_screen_and_is_centred_on_it(available):
    rect = fitted_geometry(available)
    assert available.contains(rect)
    assert abs(rect.center().x() - available.center().x()) <= 1
    assert abs(rect.center().y() - available.center().y()) <= 1
    # Room to work on a small screen (most of it), not a wall of window on a big one.
    assert rect.width() >= min(available.width() * 0.85, 1400)
    assert rect.height() >= min(available.height() * 0.85, 900)
    assert rect.width() <= 1600 and rect.height() <= 1000


def _screen_area() -> QRect:
    return QGuiApplication.primaryScreen().availableGeometry()


def _open(qtbot) -> MainWindow:
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_a_new_window_lies_within_the_screen(window):
    available = window.screen().availableGeometry()
    assert available.contains(window.frameGeometry())
    assert window.geometry() == fitted_geometry(available)


def _close_at(qtbot, rect: QRect) -> None:
    """Open a window, leave it at ``rect`` as a user would, and close it."""
    main = _open(qtbot)
    main.setGeometry(rect)
    qtbot.waitUntil(lambda: main.geometry() == rect)
    main.close()


def test_a_saved_place_is_reused_only_while_it_fits_on_a_screen(qtbot):
    available = _screen_area()
    inside = QRect(available.left() + 20, available.top() + 30,
                   available.width() * 3 // 4, available.height() * 3 // 4)
    _close_at(qtbot, inside)
    assert _open(qtbot).geometry() == inside
    # Left on a monitor since unplugged, or larger than this screen: fitted afresh.
    for elsewhere in (inside.translated(available.width() + 500, 0),
                      QRect(available.topLeft(), available.size() * 1.5)):
        _close_at(qtbot, elsewhere)
        assert _open(qtbot).geometry() == fitted_geometry(available)


def test_a_maximised_window_opens_maximised_over_a_size_that_fits(qtbot):
    available = _screen_area()
    first = _open(qtbot)
    first.showMaximized()
    qtbot.waitUntil(lambda: first.isMaximized())
    first.close()
    second = _open(qtbot)
    assert second.isMaximized()
    assert available.contains(second.normalGeometry())
    second.showNormal()
    qtbot.waitUntil(lambda: not second.isMaximized())
    second.close()
    third = _open(qtbot)
    assert not third.isMaximized()
    assert available.contains(third.geometry())


# --- the panes' columns -----------------------------------------------------------------


def _widths(view, columns):
    header = view.header()
    return [header.sectionSize(column) for column in columns]


def test_source_names_get_the_width_the_counts_do_not_need(open_pane, qtbot):
    pane = open_pane(SourcesPane(), 300, 400, wait_loaded=True)
    name, words, coded = _widths(pane.tree, (0, WORDS, CODED))
    assert name > words + coded
    metrics = pane.tree.fontMetrics()
    header = pane.tree.header()
    # Each count column is as wide as its header or its widest number, give or take margins.
    site_words = pane.proxy.index(0, WORDS).data()
    assert site_words == "200"
    assert words <= max(header.sectionSizeHint(WORDS), metrics.horizontalAdvance(site_words) + 20)
    assert coded <= max(header.sectionSizeHint(CODED), metrics.horizontalAdvance("100.0 %") + 20)
    assert name + words + coded <= pane.tree.viewport().width()


def test_sorting_by_a_count_column_makes_room_for_its_arrow(open_pane, qtbot):
    pane = open_pane(SourcesPane(), 300, 400, wait_loaded=True)
    header = pane.tree.header()
    unsorted = header.sectionSize(WORDS)
    pane.tree.sortByColumn(WORDS, Qt.SortOrder.DescendingOrder)
    arrow = header.fontMetrics().height()
    qtbot.waitUntil(lambda: header.sectionSize(WORDS) >= unsorted + arrow)
    pane.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: header.sectionSize(WORDS) == unsorted)


def test_theme_names_get_the_width_the_counts_do_not_need(open_pane, workspace, qtbot):
    code(workspace, "partner-interview", "Strong leadership", "Facilitators/Strong leadership and commitment")
    pane = open_pane(FrameworkPane(), 300, 500, wait_loaded=True)
    name, codings, sources = _widths(pane.tree, (0, CODINGS, SOURCES))
    assert name > codings + sources
    assert name + codings + sources <= pane.tree.viewport().width()


def test_a_count_column_widens_when_its_numbers_grow(open_pane, workspace, qtbot):
    """Measured from the totals, the largest numbers, so none is ever cut to "1,2…"."""
    pane = open_pane(SourcesPane(), 300, 400, wait_loaded=True)
    before = pane.tree.header().sectionSize(WORDS)
    partner_id, _text = source(workspace, "partner-interview")
    pane.model.update_stats({partner_id: SourceStats(123_456_789, 0, 0.0, 0)})
    site = pane.proxy.index(0, WORDS)
    assert site.data() == f"{123_456_789 + 101:,}"
    needed = pane.tree.fontMetrics().horizontalAdvance(site.data())
    qtbot.waitUntil(lambda: pane.tree.header().sectionSize(WORDS) >= needed + 8)
    assert pane.tree.header().sectionSize(WORDS) > before


def test_every_memo_column_shows_in_a_narrow_pane(open_pane, workspace, qtbot):
    """Docked beside the framework: the memo itself must not scroll out of sight."""
    code(workspace, "partner-interview", "it started with the ward panel really", "Facilitators",
         memo="Origin story: the ward panel")
    pane = open_pane(MemosPane(), 300, 300)
    view = pane.view
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    header = view.horizontalHeader()
    widths = [header.sectionSize(column) for column in range(4)]
    assert sum(widths) <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0
    assert all(width >= header.sectionSizeHint(column) for column, width in enumerate(widths))  # titles whole
    pane.resize(900, 300)
    qtbot.waitUntil(lambda: view.viewport().width() > 800)
    wide = [header.sectionSize(column) for column in range(4)]
    assert wide[MemosModel.MEMO] == max(wide)  # a wide pane gives the extra to the memo
    assert sum(wide) <= view.viewport().width()


# --- the Extracts pane's filters --------------------------------------------------------


def _filters(pane: ExtractsPane):
    return [pane.site_filter, pane.type_filter, pane.coder_filter, pane.subthemes]


def test_the_extracts_filters_are_all_on_screen_in_a_fitted_window(window, qtbot, tmp_path):
    assert window.create_location(str(tmp_path / "study.charter"), "neighbourhood-policing")
    qtbot.waitUntil(lambda: window.extracts.isVisible())
    available = window.screen().availableGeometry()
    for widget in _filters(window.extracts):
        box = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
        assert widget.isVisible() and available.contains(box), widget.objectName()
        assert widget.width() >= widget.minimumSizeHint().width()


@pytest.mark.parametrize("width", [300, 420, 1100])
def test_the_extracts_filters_wrap_in_a_narrow_pane_rather_than_being_cut(open_pane, qtbot, width):
    pane = open_pane(ExtractsPane(), width, 400)
    qtbot.waitUntil(lambda: pane.width() == width)
    # The layout settles once the event loop runs, as it does before anyone sees it.
    qtbot.waitUntil(lambda: all(w.width() >= w.minimumSizeHint().width() for w in _filters(pane)), timeout=2000)
    rows = set()
    for widget in _filters(pane):
        box = QRect(widget.mapTo(pane, widget.rect().topLeft()), widget.size())
        assert pane.rect().contains(box), (widget.objectName(), box, pane.rect())
        assert widget.width() >= widget.minimumSizeHint().width()
        rows.add(box.center().y() // 10)
    assert len(rows) == (1 if width >= 1100 else 4 if width <= 300 else 2)
