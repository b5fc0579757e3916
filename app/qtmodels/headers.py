"""Column headers and widths. The tree models whose first column names a row and whose
other columns count something (the Sources and Framework trees) get a title and a
tooltip per column, the counts right-aligned like the numbers under them, and count
columns kept as narrow as what they show so the names get the rest of the pane
(``CountColumns``). Tables of text (Memos) keep their columns in proportion to the
pane (``ShareColumns``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView, QTreeView

RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def counts_header(titles: Sequence[str], tips: Sequence[str], section: int, orientation: Qt.Orientation,
                  role: int):
    """``headerData`` for such a model."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(titles):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return titles[section]
    if role == Qt.ItemDataRole.ToolTipRole:
        return tips[section]
    if role == Qt.ItemDataRole.TextAlignmentRole and section != 0:
        return RIGHT_ALIGNED
    return None


class CountColumns(QObject):
    """Keeps a tree's name column (the first) stretching over the pane and its count
    columns as wide as their header or their widest number, whichever is wider: a pane
    is narrow, and every pixel a count column does not need is one more letter of a
    source's or theme's name.

    Only the top-level rows are measured: they hold the totals, the largest numbers in
    the tree, and measuring every row at each recount would take a second in a big
    project. ``widest`` names a column's widest possible text where the totals are not
    the widest (a share reads at most "100.0 %"). The widths follow the numbers as they
    change (a digit more, a digit fewer), and a column the user widened stays so until
    its numbers need another width."""

    def __init__(self, view: QTreeView, columns: Sequence[int], widest: Mapping[int, str] | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.columns = list(columns)
        self.widest = dict(widest or {})
        self.fitted: dict[int, int] = {}
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in self.columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        # Many changes at once (a recount announces every row) make one measure.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                       model.dataChanged, header.sortIndicatorChanged):
            signal.connect(self._timer.start)
        self.fit()

    def header_width(self, column: int) -> int:
        """Room for the column's title, and for the sort arrow only while it is sorted by
        it (Qt's own size hint keeps room for an arrow on every column of a sortable
        tree: 20 pixels a count column never uses until the user sorts by it)."""
        header = self.view.header()
        margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
        title = str(self.view.model().headerData(column, Qt.Orientation.Horizontal) or "")
        width = header.fontMetrics().horizontalAdvance(title) + 2 * margin + 6
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == column:
            width += header.fontMetrics().height() + margin
        return width

    def width_for(self, column: int) -> int:
        """What ``column`` needs: its header, or its widest total with the margins the
        style puts around an item's text, whichever is wider."""
        model, metrics = self.view.model(), self.view.fontMetrics()
        texts = [str(model.index(row, column).data() or "") for row in range(model.rowCount())]
        texts.append(self.widest.get(column, ""))
        margin = self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1
        text_width = max(metrics.horizontalAdvance(text) for text in texts) + 2 * margin + 4
        return max(self.header_width(column), text_width)

    def fit(self) -> None:
        """Resize the count columns whose need changed since the last fit."""
        header = self.view.header()
        for column in self.columns:
            width = self.width_for(column)
            if self.fitted.get(column) != width:
                self.fitted[column] = width
                header.resizeSection(column, width)


class ShareColumns(QObject):
    """Keeps a table's columns in proportion to its width, the last column taking the
    rest, so every column shows in a narrow pane instead of the last ones scrolling out
    of sight. ``shares`` gives each other column's share of the width and the most it
    takes (in a wide pane the last column gets the extra). Once the user drags a
    column's edge, the widths are theirs and stay as they left them."""

    def __init__(self, view: QTableView, shares: Mapping[int, tuple[float, int]]) -> None:
        super().__init__(view)
        self.view = view
        self.shares = dict(shares)
        self.user_sized = False
        self._fitting = False
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The last column is sized here too: stretched by the header, it would keep at
        # least its default width and push the table past a narrow pane's edge.
        header.setStretchLastSection(False)
        header.sectionResized.connect(self._resized)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        if self.user_sized:
            return
        header = self.view.horizontalHeader()
        width = self._viewport.width()
        # No column narrower than its title, unless the titles alone overflow the pane.
        smallest = {column: header.sectionSizeHint(column) for column in range(header.count())}
        if sum(smallest.values()) > width:
            smallest = dict.fromkeys(smallest, header.minimumSectionSize())
        self._fitting = True
        try:
            used = 0
            for column, (share, most) in self.shares.items():
                size = max(smallest[column], min(int(width * share), most))
                self.view.setColumnWidth(column, size)
                used += size
            last = header.count() - 1
            if last >= 0 and last not in self.shares:
                self.view.setColumnWidth(last, max(smallest[last], width - used))
        finally:
            self._fitting = False

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting:  # only the user resizes the columns otherwise
            self.user_sized = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return super().eventFilter(watched, event)
