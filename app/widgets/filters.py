"""The filter combos the Extracts and Search panes share: site, participant type and
coder, "All" first, filled from what the project holds (``framework.extracts.filter_values``)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

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
