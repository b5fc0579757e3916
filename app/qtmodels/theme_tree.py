"""The framework as a Qt tree: name (with colour swatch), codings and sources per theme.

Thin adapter over ``framework.theme_stats``: one read of every theme (a couple of
milliseconds, on the GUI thread) and the counts, refreshed when the workspace announces
a change. Renames and recolours update rows in place (``dataChanged``), so an open
editor, the expansion and the selection are untouched; a change of the tree's shape
resets the model, and views restore their state by theme id (``THEME_ID_ROLE``), which
``internalId`` carries too.

Counts are read in the background (``app.workers.LatestJob``): all of them when a
project is opened (a quarter of a second at 250,000 codings; the count columns are blank
until then), and after a change only the codings of the sources it names
(``framework.theme_stats.codings_by_source``), added up with what is known of the
others. Changes in quick succession (a redo of several codings) make one read
(``DEBOUNCE_MS``), and the result of a read overtaken by a newer change is dropped.
``counts_loaded`` is emitted when the counts shown are those of the latest change.

Editing and drag and drop become undoable commands run by the workspace:
* editing a name renames the theme;
* a theme dropped between rows moves there; dropped onto another theme, it is merged
  into it once ``confirm_merge`` (provided by the pane) agrees;
* a passage dropped onto a theme codes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from app.commands.coding import code_passage
from app.commands.themes import MergeThemesCommand, MoveThemeCommand, RenameThemeCommand
from app.mime import PASSAGE_MIME, THEME_MIME, passage_from_mime
from app.qtmodels.headers import RIGHT_ALIGNED, counts_header
from app.workers import JobFunction, LatestJob
from app.workspace import USER_ERRORS, Change, Workspace
from framework.codebook import theme_paths
from framework.theme_stats import (
    ThemeCounts,
    ThemeRow,
    codings_by_source,
    counts_from,
    summary_counts,
    theme_parents,
    theme_rows,
)

THEME_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 3
PIN_ROLE = Qt.ItemDataRole.UserRole + 4  # the quick-code key (1-9) a theme is pinned to
GUID_ROLE = Qt.ItemDataRole.UserRole + 5

NAME, CODINGS, SOURCES = range(3)
HEADERS = ("Name", "Codings", "Sources")
HEADER_TIPS = (
    "Theme name; drag to move, drop onto another theme to merge, F2 to rename",
    "Coded passages at this theme and its sub-themes",
    "Transcripts with at least one passage coded at this theme or its sub-themes",
)
Index = QModelIndex | QPersistentModelIndex
#: Changes this close together make one background count.
DEBOUNCE_MS = 50
_UNUSED = ThemeCounts()


def theme_mime(theme_ids: list[int], text: str = "") -> QMimeData:
    """Themes dragged from the tree: a JSON list of theme ids (like the passage format)."""
    data = QMimeData()
    data.setData(THEME_MIME, json.dumps(theme_ids).encode())
    if text:
        data.setText(text)
    return data


def themes_from_mime(data: QMimeData) -> list[int]:
    if not data.hasFormat(THEME_MIME):
        return []
    try:
        return [int(theme_id) for theme_id in json.loads(bytes(data.data(THEME_MIME)).decode())]
    except (ValueError, TypeError):
        return []


@dataclass(eq=False)
class _Node:
    theme: ThemeRow
    parent: _Node | None
    row: int
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class _Count:
    """What a background count reads again: everything (``all``), or the codings of
    ``sources`` (none: totals added up again after themes moved). Requests made before
    a count starts are merged into it (``|``)."""

    all: bool = False
    sources: frozenset[int] = frozenset()

    def __or__(self, other: _Count) -> _Count:
        return _Count(self.all or other.all, self.sources | other.sources)


def _shape(rows: list[ThemeRow]) -> list[tuple[int, int | None]]:
    """What decides the tree's rows: each theme and its parent, in sibling order."""
    return [(row.id, row.parent_id) for row in rows]


FEW_CHANGES = 24  # up to this many changed rows are announced one by one


class ThemeTreeModel(QAbstractItemModel):
    #: A drop merged theme ``source`` into theme ``target`` (after confirmation).
    merged = Signal(int, int)
    #: The counts shown are those of the latest change (or of the project just opened):
    #: the background count finished, failed, or there was nothing to count. Not
    #: emitted for a count overtaken by a newer change.
    counts_loaded = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self._roots: list[_Node] = []
        self._nodes: dict[int, _Node] = {}
        self._order: list[tuple[int, int | None]] = []
        self._paths: dict[int, str] = {}
        self._counts: dict[int, ThemeCounts] = {}
        self._pins: dict[int, int] = {}
        self._swatches: dict[str, QIcon] = {}
        # Background counts. ``_by_source`` is what the last count read (codings per
        # source and theme), so a change re-reads only the sources it names; None until
        # the first count, which reads everything.
        self._by_source: dict[int, dict[int, int]] | None = None
        self._counted = False  # False until the first count: the count columns are blank
        self._counting = LatestJob(self._count_job, delay_ms=DEBOUNCE_MS, parent=self)
        self._counting.finished.connect(self._count_finished)
        self._counting.failed.connect(self._count_failed)
        #: Asked before a drop merges theme ``source`` into ``target``; without it,
        #: dropping a theme onto another is not offered.
        self.confirm_merge: Callable[[int, int], bool] | None = None

    # --- the workspace ----------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace``'s framework at once; its counts when they are read
        (``counts_loaded``)."""
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._workspace_changed)
        self._forget_counts()
        self.workspace = workspace
        if workspace is not None:
            workspace.changed.connect(self._workspace_changed)
        self.beginResetModel()
        self._counted = workspace is None
        self._load()
        self.endResetModel()
        if workspace is None:
            self.counts_loaded.emit()
        else:
            self._request_counts(None, delay=0)

    def _workspace_changed(self, change: Change) -> None:
        if change.touches("themes"):
            self.reload()
        if change.kinds & {"themes", "codings", "summaries"}:
            # A change naming no source may have recoded anywhere; one that moved themes
            # only changes totals, added up again from what is known.
            recount_all = change.touches("codings") and not change.source_ids
            self._request_counts(None if recount_all else change.source_ids)

    def _load(self) -> list[ThemeRow]:
        """Read every theme (not the counts); returns the rows in tree order."""
        if self.workspace is None:
            rows, self._paths, self._counts = [], {}, {}
        else:
            with self.workspace.read() as session:
                rows = theme_rows(session)
                self._paths = theme_paths(session)
            self._counts = {}
        self._build(rows)
        return rows

    def _build(self, rows: list[ThemeRow]) -> None:
        children: dict[int | None, list[ThemeRow]] = {}
        for row in rows:
            children.setdefault(row.parent_id, []).append(row)
        self._nodes = {}
        ordered: list[ThemeRow] = []

        def build(parent: _Node | None) -> list[_Node]:
            nodes = []
            for number, row in enumerate(children.get(parent.theme.id if parent else None, [])):
                node = _Node(row, parent, number)
                self._nodes[row.id] = node
                ordered.append(row)
                node.children = build(node)
                nodes.append(node)
            return nodes

        self._roots = build(None)
        self._order = _shape(ordered)

    def reload(self) -> None:
        """Re-read the framework: rows change in place unless the tree changed shape.
        The counts are kept until the count a change asks for is read."""
        if self.workspace is None:
            return
        with self.workspace.read() as session:
            rows = theme_rows(session)
            paths = theme_paths(session)
        by_id = {row.id: row for row in rows}
        shape = [(row.id, row.parent_id) for row in self._tree_order(rows)]
        if shape != self._order:
            self.beginResetModel()
            self._paths = paths
            self._build(rows)
            self.endResetModel()
            return
        changed = [node for node in self._nodes.values()
                   if node.theme != by_id[node.theme.id] or paths.get(node.theme.id) != self._paths.get(node.theme.id)]
        for node in changed:
            node.theme = by_id[node.theme.id]
        self._paths = paths
        for node in changed:
            self.dataChanged.emit(self._index(node, NAME), self._index(node, NAME))

    @staticmethod
    def _tree_order(rows: list[ThemeRow]) -> list[ThemeRow]:
        children: dict[int | None, list[ThemeRow]] = {}
        for row in rows:
            children.setdefault(row.parent_id, []).append(row)
        ordered: list[ThemeRow] = []

        def walk(parent_id: int | None) -> None:
            for row in children.get(parent_id, []):
                ordered.append(row)
                walk(row.id)

        walk(None)
        return ordered

    def refresh_counts(self) -> None:
        """Count everything again, in the background (``counts_loaded`` when shown)."""
        if self.workspace is not None:
            self._request_counts(None)

    def is_counting(self) -> bool:
        """Whether a background count is queued or running."""
        return self._counting.is_busy()

    def _request_counts(self, source_ids: frozenset[int] | None, *, delay: int | None = None) -> None:
        """Ask for a count: of everything (``None``), or of the codings of these sources
        (none: totals added up again after themes moved). Requests within ``delay`` ms
        (``DEBOUNCE_MS`` unless given) make one count; a count already running is
        overtaken (its work is redone)."""
        self._counting.request(_Count(all=True) if source_ids is None else _Count(sources=frozenset(source_ids)),
                               delay_ms=delay)

    def _forget_counts(self) -> None:
        self._counting.forget()
        self._by_source = None

    def _count_job(self, wanted: _Count) -> JobFunction | None:
        if self.workspace is None:
            return None
        known = self._by_source  # replaced, never changed in place: safe to read in the job
        count_all = wanted.all or known is None
        workspace, recount = self.workspace, wanted.sources

        def count(_progress, _is_cancelled):
            try:
                with workspace.read() as session:
                    parents, summaries = theme_parents(session), summary_counts(session)
                    if count_all:
                        by_source = codings_by_source(session)
                    else:
                        by_source = dict(known)
                        for source_id, themes in codings_by_source(session, recount).items():
                            if themes:
                                by_source[source_id] = themes
                            else:
                                by_source.pop(source_id, None)
            except USER_ERRORS as error:
                return error
            return by_source, counts_from(parents, by_source, summaries)

        return count

    def _count_finished(self, _wanted: _Count, found) -> None:
        if isinstance(found, BaseException):
            if self.workspace is not None:
                self.workspace.report("Count the codings", found)
        else:
            self._by_source, counts = found
            first = not self._counted
            self._counted = True
            self._set_counts(counts, force=first)
        self.counts_loaded.emit()

    def _count_failed(self, _wanted: _Count, message: str) -> None:
        """A bug in the count (errors users meet come back as results): say so and stop
        waiting."""
        if self.workspace is not None:
            self.workspace.failed.emit("Count the codings", message)
        self.counts_loaded.emit()

    def _set_counts(self, counts: dict[int, ThemeCounts], *, force: bool = False) -> None:
        if counts == self._counts and not force:
            return
        changed = [i for i in self._nodes if counts.get(i) != self._counts.get(i)]
        self._counts = counts
        if not force and len(changed) <= FEW_CHANGES:
            # After one coding only its theme and their ancestors change: repaint those
            # rows, not every row of the tree (each change costs the views a relayout).
            for theme_id in changed:
                node = self._nodes[theme_id]
                self.dataChanged.emit(self._index(node, CODINGS), self._index(node, SOURCES))
            return
        for parent in [None, *self._nodes.values()]:
            siblings = self._roots if parent is None else parent.children
            if siblings:
                self.dataChanged.emit(self._index(siblings[0], CODINGS), self._index(siblings[-1], SOURCES))

    def set_pins(self, pins: dict[int, int]) -> None:
        """Which theme is on which quick-code key: {theme id: key 1-9}."""
        touched = set(pins.items()) ^ set(self._pins.items())
        self._pins = dict(pins)
        for theme_id in {theme_id for theme_id, _key in touched}:
            node = self._nodes.get(theme_id)
            if node is not None:
                self.dataChanged.emit(self._index(node, NAME), self._index(node, NAME))

    # --- questions the pane asks ------------------------------------------------------

    def theme(self, theme_id: int) -> ThemeRow | None:
        node = self._nodes.get(theme_id)
        return node.theme if node else None

    def path(self, theme_id: int) -> str:
        return self._paths.get(theme_id, "")

    def counts(self, theme_id: int) -> ThemeCounts:
        return self._counts.get(theme_id, _UNUSED)

    def theme_ids(self) -> list[int]:
        """Every theme, in tree order."""
        return [theme_id for theme_id, _parent in self._order]

    def children_of(self, theme_id: int | None) -> list[int]:
        nodes = self._roots if theme_id is None else self._nodes[theme_id].children
        return [node.theme.id for node in nodes]

    def subtree(self, theme_id: int) -> set[int]:
        """The theme and everything below it."""
        found, stack = set(), [self._nodes[theme_id]] if theme_id in self._nodes else []
        while stack:
            node = stack.pop()
            found.add(node.theme.id)
            stack.extend(node.children)
        return found

    def row_of(self, theme_id: int) -> int:
        return self._nodes[theme_id].row

    def theme_index(self, theme_id: int, column: int = NAME) -> QModelIndex:
        node = self._nodes.get(theme_id)
        return self._index(node, column) if node else QModelIndex()

    def theme_id_at(self, index: Index) -> int | None:
        return index.internalId() if index.isValid() else None

    # --- the item model -----------------------------------------------------------------

    def _index(self, node: _Node, column: int) -> QModelIndex:
        return self.createIndex(node.row, column, node.theme.id)

    def _node(self, index: Index) -> _Node | None:
        return self._nodes.get(index.internalId()) if index.isValid() else None

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != NAME:
            return QModelIndex()
        siblings = self._roots if not parent.isValid() else self._nodes[parent.internalId()].children
        if row >= len(siblings):
            return QModelIndex()
        return self._index(siblings[row], column)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self._index(node.parent, NAME)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._roots)
        if parent.column() != NAME:
            return 0
        node = self._node(parent)
        return len(node.children) if node else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        return counts_header(HEADERS, HEADER_TIPS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        node = self._node(index)
        if node is None:
            return None
        theme, column = node.theme, index.column()
        if role == THEME_ID_ROLE:
            return theme.id
        if role == PATH_ROLE:
            return self._paths.get(theme.id, theme.name)
        if role == COLOUR_ROLE:
            return theme.colour
        if role == GUID_ROLE:
            return theme.guid
        if role == PIN_ROLE:
            return self._pins.get(theme.id)
        if column == NAME:
            return self._name_data(node, role)
        return self._count_data(theme.id, column, role)

    def _name_data(self, node: _Node, role: int):
        theme = node.theme
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return theme.name
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatch(theme.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(theme)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            key = self._pins.get(theme.id)
            return f"Theme {self._paths.get(theme.id, theme.name)}" + (f", quick-code key {key}" if key else "")
        return None

    def _count_data(self, theme_id: int, column: int, role: int):
        if not self._counted:  # blank until the first count is read
            return "Counting…" if role == Qt.ItemDataRole.ToolTipRole else (
                "" if role == Qt.ItemDataRole.DisplayRole else None)
        counts = self._counts.get(theme_id, _UNUSED)
        total = counts.total_codings if column == CODINGS else counts.total_sources
        if role == Qt.ItemDataRole.DisplayRole:
            return str(total)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT_ALIGNED
        if role == Qt.ItemDataRole.ForegroundRole and total == 0:
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CODINGS:
                return (f"{counts.total_codings} coded passage(s): {counts.codings} at this theme, "
                        f"{counts.total_codings - counts.codings} in its sub-themes; "
                        f"{counts.summaries} summary(ies) charted at this theme")
            return f"{counts.total_sources} transcript(s); {counts.sources} coded at this theme itself"
        return None

    def _swatch(self, colour: str) -> QIcon:
        icon = self._swatches.get(colour)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor(colour))
            painter.setPen(QColor(colour).darker(140))
            painter.drawRoundedRect(0.5, 0.5, 11, 11, 3, 3)
            painter.end()
            icon = self._swatches[colour] = QIcon(pixmap)
        return icon

    def _tooltip(self, theme: ThemeRow) -> str:
        parts = [f"<b>{escape(self._paths.get(theme.id, theme.name))}</b>"]
        key = self._pins.get(theme.id)
        if key:
            parts[0] += f" &nbsp;<span>· quick-code key {key}</span>"
        if theme.description:
            parts.append(f"<p>{escape(theme.description)}</p>")
        if theme.use_when:
            parts.append(f"<p><b>Use when:</b> {escape(theme.use_when)}</p>")
        if theme.dont_use_when:
            parts.append(f"<p><b>Do not use when:</b> {escape(theme.dont_use_when)}</p>")
        if theme.example:
            parts.append(f"<p><i>“{escape(theme.example)}”</i></p>")
        if len(parts) == 1:
            parts.append("<p>No definition yet (Alt+Enter to write one).</p>")
        return "<qt>" + "".join(parts) + "</qt>"

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # dropping on the empty area: the top level
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                 | Qt.ItemFlag.ItemIsDropEnabled)
        if index.column() == NAME:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        node = self._node(index)
        if node is None or index.column() != NAME or role != Qt.ItemDataRole.EditRole or self.workspace is None:
            return False
        name = " ".join(str(value).split())
        if name == node.theme.name:
            return False
        return self.workspace.run(RenameThemeCommand(self.workspace, node.theme.id, name))

    def removeRows(self, row: int, count: int, parent: Index = QModelIndex()) -> bool:
        """Never: themes are removed only by commands. (After a move drag the view asks to
        remove the dragged rows from their old place; the move command already did.)"""
        return False

    # --- drag and drop ------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [THEME_MIME, PASSAGE_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = list(dict.fromkeys(index.internalId() for index in indexes if index.isValid()))
        return theme_mime(ids, "\n".join(self._paths.get(theme_id, "") for theme_id in ids))

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return self._drop_plan(data, row, parent) is not None

    def _drop_plan(self, data: QMimeData, row: int, parent: Index):
        """What a drop would do: ("code", passage, theme), ("merge", source, target),
        ("move", theme, parent, position) — or None if the drop makes no sense."""
        if self.workspace is None:
            return None
        target = self._node(parent)  # any column of a theme's row stands for the theme
        passage = passage_from_mime(data)
        if passage is not None:
            return ("code", passage, target.theme.id) if target is not None and row == -1 else None
        ids = [theme_id for theme_id in themes_from_mime(data) if theme_id in self._nodes]
        if len(ids) != 1:
            return None
        moving = ids[0]
        if target is not None and target.theme.id in self.subtree(moving):
            return None  # onto or under itself
        if target is not None and row == -1:
            return ("merge", moving, target.theme.id) if self.confirm_merge is not None else None
        new_parent = target.theme.id if target is not None else None
        node = self._nodes[moving]
        old_parent = node.parent.theme.id if node.parent else None
        if row == -1:
            position = None
        elif old_parent == new_parent and node.row < row:
            position = row - 1  # the theme leaves its old place first
        else:
            position = row
        siblings = len(self.children_of(new_parent))
        if old_parent == new_parent and (position if position is not None else siblings - 1) == node.row:
            return None  # dropped where it already is
        return ("move", moving, new_parent, position)

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        plan = self._drop_plan(data, row, parent)
        if plan is None or action == Qt.DropAction.IgnoreAction:
            return False
        kind = plan[0]
        if kind == "code":
            _kind, passage, theme_id = plan
            command = code_passage(self.workspace, passage.source_id, theme_id, passage.start, passage.end,
                                   self._paths.get(theme_id, ""))
            return self.workspace.run(command)
        if kind == "move":
            _kind, theme_id, parent_id, position = plan
            return self.workspace.run(MoveThemeCommand(self.workspace, theme_id, parent_id, position))
        # A merge asks first; a modal question inside a drop event can leave the
        # platform's drag half-finished, so it is asked once the drop is over.
        _kind, source_id, target_id = plan
        QTimer.singleShot(0, self, lambda: self.merge(source_id, target_id))
        return True

    def merge(self, source_id: int, target_id: int) -> bool:
        """Merge after ``confirm_merge`` agrees; True if the themes were merged."""
        if self.workspace is None or source_id not in self._nodes or target_id not in self._nodes:
            return False
        if self.confirm_merge is None or not self.confirm_merge(source_id, target_id):
            return False
        text = f"Merge {self._nodes[source_id].theme.name} into {self._nodes[target_id].theme.name}"
        if not self.workspace.run(MergeThemesCommand(self.workspace, source_id, target_id, text)):
            return False
        self.merged.emit(source_id, target_id)
        return True
