"""What the Extracts and Search panes' filters share: the combos (site, participant
type and coder, "All" first, filled from what the project holds, see
``framework.extracts.filter_values``) and the bar that lays them out."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QGridLayout, QWidget

from app.workspace import USER_ERRORS, Workspace
from framework.extracts import FilterValues, filter_values

NO_FILTER = "All"


def filter_combo(name: str, tip: str) -> QComboBox:
    """An empty filter combo (only "All"), narrow enough for a pane's row of filters."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.addItem(NO_FILTER, None)
    return combo


def fill_combo(combo: QComboBox, values: list[tuple[str, object]]) -> None:
    """Replace a filter combo's choices ("All" first), keeping the chosen one if it is
    still there."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(NO_FILTER, None)
    for label, value in values:
        combo.addItem(label, value)
    position = combo.findData(chosen) if chosen is not None else 0
    combo.setCurrentIndex(max(position, 0))
    combo.blockSignals(False)


def read_filter_values(workspace: Workspace | None) -> FilterValues:
    """What the project's passages can be filtered by; nothing (the user told why) if
    it cannot be read, or there is no project."""
    if workspace is not None:
        try:
            with workspace.read() as session:
                return filter_values(session)
        except USER_ERRORS as error:
            workspace.report("Read the filters", error)
    return FilterValues([], [], [])


class FilterBar(QWidget):
    """A row of filters that wraps when the pane is too narrow for it (docked at the
    side, or on a small screen): as many filters to a row as fit, down to one. A filter
    cut off at the pane's edge could not be used, and a pane whose filters would not
    let it shrink would push the window off a small screen.

    Each group is a label and its combo, or one widget alone (a check box); combos
    share the width left over on their row. The Search pane's options use it too."""

    def __init__(self, groups: list[tuple[QWidget, ...]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups = groups
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.per_row = 0
        self._arrange(len(groups))

    def _group_width(self, group: tuple[QWidget, ...]) -> int:
        spacing = max(0, self.grid.horizontalSpacing())
        widths = [widget.minimumSizeHint().width() if isinstance(widget, QComboBox) else widget.sizeHint().width()
                  for widget in group]
        return sum(widths) + spacing * (len(widths) - 1)

    def width_needed(self, per_row: int) -> int:
        """The narrowest the bar can be with ``per_row`` groups to a row."""
        spacing = max(0, self.grid.horizontalSpacing())
        rows = [self.groups[i:i + per_row] for i in range(0, len(self.groups), per_row)]
        return max(sum(self._group_width(g) for g in row) + spacing * (len(row) - 1) for row in rows)

    def _arrange(self, per_row: int) -> None:
        if per_row == self.per_row:
            return
        self.per_row = per_row
        for group in self.groups:
            for widget in group:
                self.grid.removeWidget(widget)
        for column in range(2 * len(self.groups)):
            self.grid.setColumnStretch(column, 0)
        for number, group in enumerate(self.groups):
            row, slot = divmod(number, per_row)
            if len(group) == 2:
                self.grid.addWidget(group[0], row, 2 * slot)
                self.grid.addWidget(group[1], row, 2 * slot + 1)
                self.grid.setColumnStretch(2 * slot + 1, 1)
            else:
                self.grid.addWidget(group[0], row, 2 * slot, 1, 2)
        self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        self._arrange(next((n for n in range(len(self.groups), 0, -1) if self.width_needed(n) <= width), 1))

    def minimumSizeHint(self) -> QSize:
        # As narrow as one filter a row: the pane may shrink that far, and wraps meanwhile.
        return QSize(self.width_needed(1), super().minimumSizeHint().height())
