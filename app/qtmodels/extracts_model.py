"""Item models over coded extracts: the Extracts list and the Memos table.

Both hold the whole filtered list of extracts without their text (cheap: ids, names,
offsets) and show it a page at a time: each ``fetchMore`` reads the texts of the next
page only (``framework.extracts.with_passages``, through a loader the pane supplies, so
the model never opens a session). A refresh keeps the texts already read for extracts
that did not change, and keeps as many rows loaded as before, so the view does not jump.

Lists of tens of thousands arrive from a background read already in reading order
(``presorted``), and an edit in a few sources splices their extracts in place rather
than sorting the whole list again, so that handing a list over costs the GUI thread a
few milliseconds.
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable, Collection

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from app.mime import PASSAGE_MIME, Passage, passage_mime
from framework.extracts import Extract

EXTRACT_ROLE = Qt.ItemDataRole.UserRole + 1  # the Extract of a row
CODING_ID_ROLE = Qt.ItemDataRole.UserRole + 2  # its coding id
THEME_LABEL_ROLE = Qt.ItemDataRole.UserRole + 3  # the theme path, when rows differ in theme

Loader = Callable[[list[Extract]], list[Extract]]
Index = QModelIndex | QPersistentModelIndex


def _bare(extract: Extract) -> Extract:
    return extract._replace(text="", before="", after="", has_text=False)


def reading_order(extract: Extract) -> tuple:
    """Rows are shown by source name, then by position in the source."""
    return extract.source.casefold(), extract.source, extract.start, extract.coding_id


def quotation(extract: Extract) -> str:
    """A passage as it is quoted in a report: “…” (source, speakers)."""
    return f"“{extract.text.strip()}” ({extract.reference})"


def one_line(text: str, limit: int = 0) -> str:
    """Text on one line (runs of whitespace squeezed), cut to ``limit`` characters."""
    line = " ".join(text.split())
    if limit and len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0] + "…"
    return line


class _Batches:
    """The full ordered list and the loaded prefix, shared by both models below."""

    BATCH = 200

    def _init_batches(self, loader: Loader) -> None:
        self._all: list[Extract] = []
        self._rows: list[Extract] = []
        self._loader = loader
        self._source_count: int | None = None

    # --- what the views and panes ask ------------------------------------------------

    @property
    def total(self) -> int:
        """Extracts in the list, loaded or not."""
        return len(self._all)

    @property
    def source_count(self) -> int:
        if self._source_count is None:
            self._source_count = len({e.source_id for e in self._all})
        return self._source_count

    def all_extracts(self) -> list[Extract]:
        return list(self._all)

    def extract(self, row: int) -> Extract | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, coding_id: int) -> int:
        """The row of a coding, loading pages until it is shown; -1 if not in the list."""
        for position, extract in enumerate(self._all):
            if extract.coding_id == coding_id:
                while position >= len(self._rows) and self._can_fetch():
                    self.fetchMore(QModelIndex())
                return position
        return -1

    # --- changing the list ------------------------------------------------------------

    def set_extracts(self, extracts: list[Extract], *, keep_loaded: bool = False, presorted: bool = False) -> None:
        """Show ``extracts`` (in any order, or already in ``reading_order`` if
        ``presorted``; shown by source, then text position). With ``keep_loaded`` (the
        same list, re-read after an edit) as many rows stay loaded as were, so the view
        does not jump; otherwise the first page is loaded."""
        self._replace(list(extracts) if presorted else sorted(extracts, key=reading_order), keep_loaded)

    def replace_sources(self, source_ids: Collection[int], extracts: list[Extract]) -> None:
        """Swap the extracts of ``source_ids`` for ``extracts`` (after an edit there).

        A source's extracts are neighbours in reading order (source names are unique),
        so each source's new ones go in at one place found by bisection."""
        changed = set(source_ids)
        merged = [e for e in self._all if e.source_id not in changed]
        by_source: dict[int, list[Extract]] = {}
        for extract in sorted(extracts, key=reading_order):
            by_source.setdefault(extract.source_id, []).append(extract)
        for group in by_source.values():
            at = bisect_left(merged, reading_order(group[0]), key=reading_order)
            merged[at:at] = group
        self._replace(merged, True)

    def clear(self) -> None:
        self._replace([], False)

    def _replace(self, extracts: list[Extract], keep_loaded: bool) -> None:
        read = {e.coding_id: e for e in self._rows if e.has_text}
        merged = extracts if not read else []
        for extract in extracts if read else ():
            known = read.get(extract.coding_id)
            merged.append(known if known is not None and _bare(known) == _bare(extract) else extract)
        keep = max(self.BATCH, len(self._rows)) if keep_loaded else self.BATCH
        self.beginResetModel()
        self._all = merged
        self._source_count = None
        self._rows = self._loader(merged[:keep]) if merged else []
        self._after_reset()
        self.endResetModel()

    def _after_reset(self) -> None:
        """Subclasses recompute what depends on the whole list."""

    def _can_fetch(self) -> bool:
        return len(self._rows) < len(self._all)

    def _fetch(self, first_row: int) -> None:
        batch = self._loader(self._all[first_row:first_row + self.BATCH])
        if not batch:
            return
        self.beginInsertRows(QModelIndex(), first_row, first_row + len(batch) - 1)
        self._rows.extend(batch)
        self.endInsertRows()


class ExtractsModel(_Batches, QAbstractListModel):
    """One row per coded passage; the delegate paints it, the roles carry the extract.

    Rows can be dragged: a drag carries the passage (``app.mime``), so dropping an
    extract on another theme codes the same words there too.
    """

    #: Rows loaded at a time. The list view measures every loaded row (the delegate
    #: lays out each passage, about half a millisecond), so a page is a few screens'
    #: worth rather than the memo table's 200: the view asks for more as it scrolls.
    BATCH = 50

    def __init__(self, loader: Loader, parent=None) -> None:
        QAbstractListModel.__init__(self, parent)
        self._init_batches(loader)
        self._several_themes = False

    def _after_reset(self) -> None:
        self._several_themes = len({e.theme_id for e in self._all}) > 1

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._can_fetch()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not parent.isValid() and self._can_fetch():
            self._fetch(len(self._rows))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        extract = self.extract(index.row()) if index.isValid() else None
        if extract is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            who = ", ".join(extract.speakers)
            return f"{extract.source}{' · ' + who if who else ''}: {one_line(extract.text, 200)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(extract)
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(extract.colour)
        if role == EXTRACT_ROLE:
            return extract
        if role == CODING_ID_ROLE:
            return extract.coding_id
        if role == THEME_LABEL_ROLE:
            return extract.theme_path if self._several_themes else ""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemNeverHasChildren)

    def mimeTypes(self) -> list[str]:
        return [PASSAGE_MIME, "text/plain"]

    def mimeData(self, indexes) -> QMimeData | None:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        extract = self.extract(rows[0]) if rows else None
        if extract is None:
            return None
        return passage_mime(Passage(extract.source_id, extract.start, extract.end), quotation(extract))

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


class MemosModel(_Batches, QAbstractTableModel):
    """Codings with memos: theme, source, the passage's opening words, the memo.

    The memo column is editable; an edit is handed to ``edit_memo`` (the pane runs it as
    an undoable command) and shows once the workspace announces the change.
    """

    THEME, SOURCE, PASSAGE, MEMO = range(4)
    HEADERS = ("Theme", "Source", "Passage", "Memo")

    def __init__(self, loader: Loader, edit_memo: Callable[[Extract, str], bool], parent=None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self._init_batches(loader)
        self._edit_memo = edit_memo

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._can_fetch()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not parent.isValid() and self._can_fetch():
            self._fetch(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        extract = self.extract(index.row()) if index.isValid() else None
        if extract is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(extract, column)
        if role == Qt.ItemDataRole.EditRole:
            return extract.memo if column == self.MEMO else self._display(extract, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(extract)
        if role == Qt.ItemDataRole.DecorationRole and column == self.THEME:
            return QColor(extract.colour)
        if role == EXTRACT_ROLE:
            return extract
        if role == CODING_ID_ROLE:
            return extract.coding_id
        return None

    def _display(self, extract: Extract, column: int) -> str:
        if column == self.THEME:
            return extract.theme_path
        if column == self.SOURCE:
            who = ", ".join(extract.speakers)
            return f"{extract.source} · {who}" if who else extract.source
        if column == self.PASSAGE:
            return one_line(extract.text, 80)
        return one_line(extract.memo)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == self.MEMO:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        extract = self.extract(index.row()) if index.isValid() else None
        if extract is None or index.column() != self.MEMO or role != Qt.ItemDataRole.EditRole:
            return False
        memo = str(value or "").strip()
        if memo == extract.memo:
            return False
        return self._edit_memo(extract, memo)


def _tooltip(extract: Extract) -> str:
    """The whole passage and its particulars, for hovering over a row."""
    lines = [
        f"<b>{html.escape(extract.theme_path)}</b>",
        html.escape(" · ".join(part for part in (extract.source, ", ".join(extract.speakers),
                                                  ", ".join(extract.participant_types), extract.site or "") if part)),
        f"<i>Coded by {html.escape(extract.coder)}, characters {extract.start}–{extract.end}</i>",
    ]
    if extract.has_text:
        lines.append(html.escape(one_line(extract.text, 1000)))
    if extract.memo:
        lines.append(f"<b>Memo:</b> {html.escape(extract.memo).replace(chr(10), '<br>')}")
    return f"<p>{'<br>'.join(lines)}</p>"
