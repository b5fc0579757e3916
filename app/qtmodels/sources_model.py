"""The project's sources as a tree: site → method → source, with words and coded share.

The model holds plain rows (``framework.sources.SourceRow`` plus ``SourceStats``), never
ORM objects; the pane fetches them and hands them over. Reloading rows that form the
same tree only updates the values (views keep their expansion, selection and scroll);
a different tree resets the model and the pane restores its state by node key. Coded
share changes are applied per source, with the site and method totals above it; the
rows that changed are announced as one range per group, not one signal per row, so
that recounting 1,000 sources repaints in a few milliseconds.

While the pane is still counting (``set_pending``), rows show their names, words and
coded share read "…" and tooltips say the rest is on its way.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.qtmodels.headers import RIGHT_ALIGNED, counts_header
from app.widgets.icons import method_icon, method_label, site_icon
from framework.source_stats import SourceStats
from framework.sources import SourceRow
from models import METHODS

NO_SITE = "(no site)"
NAME, WORDS, CODED = range(3)
HEADERS = ("Name", "Words", "Coded")
HEADER_TIPS = (
    "Sites, how the sources were collected, and the sources themselves",
    "Words in the transcript, speaker labels included",
    "Share of the words covered by at least one coding, by anyone",
)

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the source id (None for a site or method row)
KIND_ROLE = Qt.ItemDataRole.UserRole + 2  # "site", "method" or "source"
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # a native value to sort by
SHARE_ROLE = Qt.ItemDataRole.UserRole + 4  # coded share, 0.0 … 1.0
KEY_ROLE = Qt.ItemDataRole.UserRole + 5  # a node's stable key, to restore expansion
FILTER_ROLE = Qt.ItemDataRole.UserRole + 6  # casefolded name and speakers of a source

_NOT_FILTERING = Qt.ItemDataRole.UserRole + 99  # a role no model has

#: What changes with a source's coded words (the words too, for a group) ...
COUNT_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE, SHARE_ROLE]
#: ... and with its turns and speakers.
DETAIL_ROLES = [Qt.ItemDataRole.ToolTipRole, FILTER_ROLE]


@dataclass(eq=False)
class Node:
    kind: str
    key: str
    label: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    source: SourceRow | None = None
    method: str = ""
    order: int = 0
    _row: int = 0

    def row(self) -> int:
        if self.parent is None:
            return 0
        siblings = self.parent.children
        # Usually where it was last time (a list scan per call would make announcing
        # every row of a big group quadratic).
        if self._row < len(siblings) and siblings[self._row] is self:
            return self._row
        self._row = siblings.index(self)
        return self._row


PENDING = "…"  # words and coded share of a source not counted yet


def format_share(share: float) -> str:
    return f"{share * 100:.1f} %"


class SourcesModel(QAbstractItemModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.root = Node("root", "", "")
        self.stats: dict[int, SourceStats] = {}
        self._nodes: dict[int, Node] = {}  # source id -> its node
        self._sums: dict[int, tuple[int, int, int, int]] = {}  # id(node) -> its totals
        self.pending = False  # words, coded shares, turns and speakers are still being read

    # --- loading ------------------------------------------------------------------------

    def load(self, rows: Iterable[SourceRow], stats: dict[int, SourceStats],
             site_order: list[str] | None = None, *, pending: bool | None = None) -> bool:
        """Show ``rows``, sites in ``site_order`` (else as they come), sources without a
        site last; True if the tree's shape changed and the model was reset. ``pending``,
        if given, says whether words and coded shares are still being read (``set_pending``)."""
        was_pending = self.pending
        if pending is not None:
            self.pending = pending
        root = self._build(list(rows), site_order or [])
        if _shape(root) == _shape(self.root):
            fresh = {n.source.id: n.source for n in _leaves(root)}
            changed = [node for i, node in self._nodes.items() if node.source != fresh[i]]
            renamed = {id(node) for node in changed if node.source.name != fresh[node.source.id].name}
            for node in changed:
                node.source = fresh[node.source.id]
                node.label = node.source.name
            recounted = {i: s for i, s in stats.items() if self.stats.get(i) != s}
            self.stats = dict(stats)
            if self.pending != was_pending:
                # Every count shows (or hides) at once: one announcement for every row,
                # names and details included (each costs the proxy and view a pass).
                self._sums.clear()
                self._emit_changed([node for node in _walk(self.root) if node is not self.root],
                                   NAME, CODED, COUNT_ROLES + DETAIL_ROLES)
                return False
            self._emit_changed([node for node in changed if id(node) in renamed], NAME, CODED)
            # Turns or speakers only: what a proxy filters on, not what it sorts by.
            self._emit_changed([node for node in changed if id(node) not in renamed], NAME, NAME, DETAIL_ROLES)
            self.update_stats(recounted)
            return False
        self.stats = dict(stats)
        self._sums.clear()
        self.beginResetModel()
        self.root = root
        self._nodes = {n.source.id: n for n in _leaves(root)}
        self.endResetModel()
        return True

    def update_stats(self, stats: dict[int, SourceStats]) -> None:
        """New coded shares for some sources; their rows and the totals above them repaint."""
        self.stats.update(stats)
        self._sums.clear()
        touched: dict[int, Node] = {}
        for source_id in stats:
            node = self._nodes.get(source_id)
            while node is not None and node is not self.root and id(node) not in touched:
                touched[id(node)] = node
                node = node.parent
        self._emit_changed(touched.values(), WORDS, CODED, COUNT_ROLES)

    def set_pending(self, pending: bool) -> None:
        """Whether words and coded shares (and turns and speakers) are still being read:
        while they are, both columns show "…"."""
        if pending == self.pending:
            return
        self.pending = pending
        self._emit_changed([node for node in _walk(self.root) if node is not self.root], WORDS, CODED, COUNT_ROLES)

    def _emit_changed(self, nodes: Iterable[Node], first: int, last: int, roles: list[int] | None = None) -> None:
        """``dataChanged`` for these rows: one signal per run of neighbouring rows under
        the same parent (a proxy and a view handle a range at once). Naming the
        ``roles`` spares a sorting proxy from sorting again when the sort key did not
        change (a thousand rows at a time)."""
        rows: dict[int, tuple[Node, list[int]]] = {}
        for node in nodes:
            parent = node.parent or self.root
            rows.setdefault(id(parent), (parent, []))[1].append(node.row())
        for parent, numbers in rows.values():
            numbers.sort()
            start = previous = numbers[0]
            for number in numbers[1:] + [None]:
                if number is not None and number == previous + 1:
                    previous = number
                    continue
                self.dataChanged.emit(self.createIndex(start, first, parent.children[start]),
                                      self.createIndex(previous, last, parent.children[previous]), roles or [])
                if number is not None:
                    start = previous = number

    def source_ids(self) -> list[int]:
        return list(self._nodes)

    def rows(self) -> list[SourceRow]:
        return [node.source for node in _leaves(self.root)]

    def source_index(self, source_id: int) -> QModelIndex:
        node = self._nodes.get(source_id)
        return self._index(node, NAME) if node is not None else QModelIndex()

    def key_index(self, key: str) -> QModelIndex:
        for node in _walk(self.root):
            if node.key == key:
                return self._index(node, NAME)
        return QModelIndex()

    def _build(self, rows: list[SourceRow], site_order: list[str]) -> Node:
        root = Node("root", "", "")
        sites: dict[str | None, Node] = {}
        methods: dict[tuple[str | None, str], Node] = {}
        places = {name: place for place, name in enumerate(site_order)}
        for row in rows:
            site = sites.get(row.site)
            if site is None:
                label = row.site if row.site is not None else NO_SITE
                order = 10**6 if row.site is None else places.get(row.site, len(places) + len(sites))
                key = "no-site" if row.site is None else f"site:{row.site}"
                site = sites[row.site] = Node("site", key, label, root, order=order)
            method = methods.get((row.site, row.method))
            if method is None:
                order = METHODS.index(row.method) if row.method in METHODS else len(METHODS)
                method = methods[(row.site, row.method)] = Node(
                    "method", f"{site.key}/method:{row.method}", method_label(row.method), site,
                    method=row.method, order=order)
                site.children.append(method)
            method.children.append(Node("source", f"source:{row.id}", row.name, method, source=row,
                                        method=row.method))
        root.children = sorted(sites.values(), key=lambda node: node.order)
        for site in root.children:
            site.children.sort(key=lambda node: node.order)
            for method in site.children:  # in name order: see ``SourcesFilterProxy.sort``
                method.children.sort(key=lambda node: node.label.casefold())
        return root

    # --- totals ---------------------------------------------------------------------------

    def _totals(self, node: Node) -> tuple[int, int, int, int]:
        """(sources, words, coded words, codings) at or under ``node``, summed once per
        change rather than at every paint of a site row."""
        if node.source is not None:
            stats = self.stats.get(node.source.id)
            if stats is None:
                return 1, node.source.words, 0, 0
            return 1, stats.words, stats.coded_words, stats.codings
        sums = self._sums.get(id(node))
        if sums is None:
            parts = [self._totals(child) for child in node.children]
            sums = self._sums[id(node)] = tuple(sum(values) for values in zip(*parts)) if parts else (0, 0, 0, 0)
        return sums

    # --- QAbstractItemModel ---------------------------------------------------------------

    def _node(self, index: QModelIndex | QPersistentModelIndex) -> Node:
        return index.internalPointer() if index.isValid() else self.root

    def _index(self, node: Node, column: int) -> QModelIndex:
        return self.createIndex(node.row(), column, node)

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        # Bounds checked here rather than by ``hasIndex``, which calls back into Python
        # twice: views ask for thousands of indexes when they lay out the tree.
        if parent.isValid():
            if parent.column() != NAME:
                return QModelIndex()
            children = parent.internalPointer().children
        else:
            children = self.root.children
        if not (0 <= row < len(children) and 0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index: QModelIndex | QPersistentModelIndex = QModelIndex()):  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        parent = index.internalPointer().parent
        if parent is None or parent is self.root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return counts_header(HEADERS, HEADER_TIPS, section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        node, column = index.internalPointer(), index.column()
        if role == SORT_ROLE:  # first: the proxy asks for it thousands of times when it sorts
            return self._sort_value(node, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(node, column)
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            return site_icon() if node.kind == "site" else method_icon(node.method)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != NAME:
            return RIGHT_ALIGNED
        if role == SHARE_ROLE:
            _n, words, coded, _c = self._totals(node)
            return coded / words if words else 0.0
        if role == ID_ROLE:
            return node.source.id if node.source is not None else None
        if role == KIND_ROLE:
            return node.kind
        if role == KEY_ROLE:
            return node.key
        if role == FILTER_ROLE:
            if node.source is None:
                return ""
            return " ".join([node.source.name, *node.source.speakers]).casefold()
        return None

    def _display(self, node: Node, column: int) -> str:
        if column == NAME:
            return node.label
        if self.pending:
            return PENDING
        _n, words, coded, _c = self._totals(node)
        if column == WORDS:
            return f"{words:,}"
        return format_share(coded / words if words else 0.0)

    def _sort_value(self, node: Node, column: int):
        if column == NAME:
            return node.label.casefold() if node.kind == "source" else node.order
        _n, words, coded, _c = self._totals(node)
        return words if column == WORDS else (coded / words if words else 0.0)

    def _tooltip(self, node: Node) -> str:
        sources, words, coded, codings = self._totals(node)
        share = format_share(coded / words if words else 0.0)
        coded_line = f"{coded:,} of {words:,} words coded ({share}) in {codings:,} codings"
        if self.pending:
            coded_line = "Counting words…"
        if node.source is None:
            return f"<b>{html.escape(node.label)}</b><br>{sources:,} sources<br>{coded_line}"
        row = node.source
        where = f"{method_label(row.method)} · {row.site or NO_SITE}"
        if self.pending:
            return f"<b>{html.escape(row.name)}</b><br>{html.escape(where)}<br>{coded_line}"
        speakers = ", ".join(row.speakers) if row.speakers else "no speakers recognised"
        return (f"<b>{html.escape(row.name)}</b><br>{html.escape(where)}<br>"
                f"{row.turns:,} turns · speakers: {html.escape(speakers)}<br>{coded_line}")


class SourcesFilterProxy(QSortFilterProxyModel):
    """Keeps sources whose name or speakers contain the filter text (any case), with the
    site and method rows above them; sorts by native values.

    The model keeps every group in name order already (sites and methods in their own
    order), so sorting by name, ascending, shows the model's order as it is: a sort
    here would make thousands of comparisons, each two calls into Python (some 30 ms
    whenever 1,000 sources are laid out). Other orders are sorted here."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.needle = ""
        # The role a change of which filters again: the one ``filterAcceptsRow`` reads,
        # but only while there is a filter (else the speakers of a thousand sources
        # arriving would test every row for nothing).
        self.setFilterRole(_NOT_FILTERING)
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column == NAME and order == Qt.SortOrder.AscendingOrder:
            column = -1  # the model's own order
        super().sort(column, order)

    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        role = FILTER_ROLE if needle else _NOT_FILTERING
        if role != self.filterRole():
            self.needle = needle
            self.setFilterRole(role)  # filters again, with the new text
            return
        self.beginFilterChange()
        self.needle = needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.needle:
            return True
        index = self.sourceModel().index(source_row, NAME, source_parent)
        return self.needle in (index.data(FILTER_ROLE) or "")


def _walk(node: Node) -> Iterable[Node]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _leaves(node: Node) -> list[Node]:
    return [n for n in _walk(node) if n.source is not None]


def _shape(node: Node) -> tuple:
    return node.key, tuple(_shape(child) for child in node.children)
