"""Column headers of the tree models whose first column names a row and whose other
columns count something (the Sources and Framework trees): a title and a tooltip per
column, the counts right-aligned like the numbers under them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt

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
