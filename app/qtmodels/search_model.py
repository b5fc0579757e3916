"""The search results table: keyword in context, one row per matching turn, paged.

The model knows the total from ``count_hits`` and fetches the hits themselves a page at
a time through a function the pane supplies (``search(…, limit=…, offset=…)``), so a
query with 30,000 hits shows its first rows at once and reads the rest as the user
scrolls. Columns are the classic concordance: left context (right-aligned, so every hit
lines up), the hit in bold, right context, then source and speaker.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from framework.search import MATCH_MARKS, SearchHit

HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the SearchHit of a row

PageFetcher = Callable[[int, int], list[SearchHit]]  # (offset, limit) -> hits
Index = QModelIndex | QPersistentModelIndex


def kwic_parts(hit: SearchHit) -> tuple[str, str, str]:
    """``hit.context`` split into the words before the hit, the hit, and the words after.

    The context marks the hit «thus»; the text itself may contain guillemets too (French
    quotations), so the opening mark is the one followed, the hit's length later, by the
    closing mark. Whitespace squeezed inside a phrase can shorten it: then the first
    opening mark that has a closing one after it is taken.
    """
    opening, closing = MATCH_MARKS
    context, length = hit.context, hit.end - hit.start
    candidates = [i for i, char in enumerate(context) if char == opening]
    for i in candidates:
        if context[i + 1 + length:i + 2 + length] == closing:
            return context[:i], context[i + 1:i + 1 + length], context[i + 2 + length:]
    for i in candidates:
        end = context.find(closing, i + 1)
        if end != -1:
            return context[:i], context[i + 1:end], context[end + 1:]
    return "", context, ""


class SearchResultsModel(QAbstractTableModel):
    LEFT, HIT, RIGHT, SOURCE, SPEAKER = range(5)
    HEADERS = ("Before", "Hit", "After", "Source", "Speaker")
    PAGE = 200

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._parts: list[tuple[str, str, str]] = []
        self._total = 0
        self._fetch_page: PageFetcher | None = None
        self._exhausted = True
        self._bold = QFont()
        self._bold.setBold(True)

    # --- what the pane asks -----------------------------------------------------------

    @property
    def total(self) -> int:
        """Hits of the query (from ``count_hits``), fetched or not."""
        return self._total

    @property
    def fetched(self) -> int:
        return len(self._hits)

    @property
    def complete(self) -> bool:
        """Whether every hit has been fetched."""
        return self._exhausted

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def hit(self, row: int) -> SearchHit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def show_results(self, total: int, fetch_page: PageFetcher) -> None:
        """A new query's results: ``total`` hits, the first page fetched now."""
        self.beginResetModel()
        self._total, self._fetch_page = total, fetch_page
        self._hits, self._parts, self._exhausted = [], [], total <= 0
        self._append(fetch_page(0, self.PAGE) if total > 0 else [])
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._hits, self._parts, self._total, self._fetch_page, self._exhausted = [], [], 0, None, True
        self.endResetModel()

    def _append(self, page: list[SearchHit]) -> None:
        self._hits.extend(page)
        self._parts.extend(kwic_parts(hit) for hit in page)
        # A short page means the end, whatever the count said (the index changed since).
        if len(page) < self.PAGE or len(self._hits) >= self._total:
            self._exhausted = True

    # --- Qt ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._exhausted and self._fetch_page is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        page = self._fetch_page(len(self._hits), self.PAGE)
        if not page:
            self._exhausted = True
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._append(page)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == self.LEFT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit, column = self._hits[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column <= self.RIGHT:
                return self._parts[index.row()][column].strip()
            if column == self.SOURCE:
                return hit.source
            return hit.speaker or ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column == self.LEFT else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and column == self.HIT:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            left, word, right = self._parts[index.row()]
            about = " · ".join(part for part in (hit.source, hit.speaker, hit.participant_type, hit.site) if part)
            return (f"<p>{html.escape(left)}<b>{html.escape(word)}</b>{html.escape(right)}</p>"
                    f"<p><i>{html.escape(about)}</i></p>")
        if role == HIT_ROLE:
            return hit
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
