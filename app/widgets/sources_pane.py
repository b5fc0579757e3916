"""The Sources pane: every transcript by site and method, how long it is and how much of
it is coded; open one, edit its attributes, or delete it.

Opening a project shows every source by site and method at once, from one cheap query
(``source_outline``: names, sites, methods); words, turns, speakers and coded shares (a
second at 1,000 sources) are read in the background (``app.workers.LatestJob``) and
filled in when the read finishes, the Words and Coded columns reading "…" meanwhile.
``loaded`` is emitted whenever what the pane shows has caught up with the latest request
(tests wait for it); ``is_loading()`` says whether a read is still queued or running.

It listens to the workspace and refreshes only what a change can have touched: a coding
change recounts the sources it names, at once when they are few (2–3 ms each), else in
the background; an edit of a few sources fetches their rows again at once; an
attributes edit costs nothing unless it renamed a speaker. Whatever needs every source
(a change naming no source, a recount of many) is read in the background, a burst of
changes coalesced into one read (``DEBOUNCE_MS``); a read overtaken by a newer request
is cancelled or its result dropped, and rows changed at once while it ran keep their
newer values. When sources move between groups the tree is rebuilt, keeping which rows
were open and which was selected.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.messages import confirm
from app.qtmodels.headers import CountColumns
from app.qtmodels.sources_model import (
    CODED,
    ID_ROLE,
    KEY_ROLE,
    NAME,
    SHARE_ROLE,
    WORDS,
    SourcesFilterProxy,
    SourcesModel,
    format_share,
)
from app.workers import Cancelled, JobFunction, LatestJob
from app.workspace import USER_ERRORS, Change, Workspace
from framework.attributes import participant_names, site_choices
from framework.source_stats import (
    SourceStats,
    delete_source,
    source_outline,
    source_rows,
    source_stats,
    sources_spoken_in,
)
from framework.sources import SourceRow, list_sources

#: Coding changes in at most this many sources are recounted at once (2–3 ms each at
#: the design scale); more go to the background.
SYNC_SOURCES = 3
#: Changes this close together are read in one background job.
DEBOUNCE_MS = 60


class CodedShareDelegate(QStyledItemDelegate):
    """The percentage, with a thin bar under it as long as the coded share."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        share = index.data(SHARE_ROLE) or 0.0
        rect = QRectF(option.rect).adjusted(4, 0, -4, -2)
        bar = QRectF(rect.left(), rect.bottom() - 2, rect.width(), 2)
        painter.save()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(option.palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(bar)
        painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * min(max(share, 0.0), 1.0), bar.height()))
        painter.restore()


@dataclass(frozen=True)
class _Wanted:
    """What a background read must fetch: every row, every source's stats, or the
    stats of some sources. Requests made before a read starts are merged into it (``|``)."""

    rows: bool = False
    all_stats: bool = False
    stats_of: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.rows or self.all_stats or bool(self.stats_of)

    def __or__(self, other: _Wanted) -> _Wanted:
        return _Wanted(self.rows or other.rows, self.all_stats or other.all_stats, self.stats_of | other.stats_of)


class SourcesPane(QWidget):
    source_activated = Signal(int)  # open this source in the reader
    attributes_requested = Signal(int)  # show this source in the attributes editor
    #: What the pane shows has caught up with the latest request: the background read
    #: started by ``set_workspace`` or by a change finished (or failed, or there was
    #: nothing to read). Not emitted for a read whose result was superseded.
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.model = SourcesModel(self)
        self.proxy = SourcesFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._groups_before_filter: dict[str, bool] | None = None
        self._participant_names: dict[int, str] = {}
        # Background reads: only the result of the latest request is applied.
        self._reads = LatestJob(self._read_job, delay_ms=DEBOUNCE_MS, parent=self)
        self._reads.finished.connect(self._read_finished)
        self._reads.failed.connect(self._read_failed)
        self._touched: set[int] = set()  # sources updated at once since the job started

        self.filter_box = QLineEdit()
        self.filter_box.setObjectName("sources_filter")
        self.filter_box.setPlaceholderText("Filter by source or speaker")
        self.filter_box.setToolTip("Show only sources whose name or speakers contain this text")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self._filter_changed)
        self.filter_box.returnPressed.connect(self._focus_first_match)
        self.filter_box.installEventFilter(self)

        self.tree = QTreeView()
        self.tree.setObjectName("sources_tree")
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setItemDelegateForColumn(CODED, CodedShareDelegate(self.tree))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_menu)
        self.tree.activated.connect(self._activated)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.count_columns = CountColumns(self.tree, (WORDS, CODED), widest={CODED: format_share(1.0)})
        self.tree.setIndentation(14)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.tree)
        self.setFocusProxy(self.tree)
        self.setTabOrder(self.filter_box, self.tree)
        self._build_actions()
        self._update_actions()

    def _build_actions(self) -> None:
        def action(text: str, tip: str, slot, shortcut=None, name: str = "") -> QAction:
            act = QAction(text, self)
            act.setToolTip(tip)
            act.setObjectName(name)
            act.triggered.connect(slot)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self.tree.addAction(act)
            return act

        self.open_action = action("&Open", "Read this source", self._open_current, name="open_source")
        self.attributes_action = action("&Attributes…", "Edit this source's site, method, date and attributes",
                                        self._attributes_of_current, "Alt+Return", "source_attributes")
        self.delete_action = action("&Delete Source…", "Delete this source with its codings (cannot be undone)",
                                    self.delete_current, QKeySequence.StandardKey.Delete, "delete_source")

    # --- the workspace ------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Show ``workspace``'s sources by site and method at once, the rest (words,
        turns, speakers, coded shares) when the background read finishes (``loaded``)."""
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._workspace_changed)
        self._forget_reads()
        self.workspace = workspace
        self.filter_box.clear()
        if workspace is None:
            self.model.load([], {}, pending=False)
            self._update_actions()
            self.loaded.emit()
            return
        workspace.changed.connect(self._workspace_changed)
        with workspace.read() as session:
            sites = [name for _id, name in site_choices(session)]
            outline = source_outline(session)
            self._participant_names = participant_names(session)
        self.model.load(outline, {}, sites, pending=True)
        self.tree.expandAll()
        self._update_actions()
        self._request(rows=True, all_stats=True, delay=0)

    def is_loading(self) -> bool:
        """Whether a background read is queued or running."""
        return self._reads.is_busy()

    def refresh(self, *, stats: bool = True, source_ids: frozenset[int] | None = None) -> None:
        """Reload the list, or only the rows of ``source_ids``; with ``stats``, recount
        every source's coded words too (else only those of sources new to the pane).
        The rows of a few named sources are read at once; everything else in the
        background (``loaded`` tells when it is shown)."""
        if self.workspace is None:
            return
        if source_ids is None or len(source_ids) > SYNC_SOURCES:  # e.g. after an import
            self._request(rows=True, all_stats=stats)
            return
        self._relist_now(source_ids)
        if stats:
            self._request(all_stats=True)

    def _relist_now(self, source_ids: frozenset[int]) -> None:
        """Fetch the rows of a few sources again (renamed, moved, added, deleted), and
        the stats of those new to the pane."""
        groups, current = self._view_state()
        known = self.model.stats
        with self.workspace.read() as session:
            fresh = {row.id: row for row in source_rows(session, source_ids)}
            rows = [fresh.pop(row.id, row) for row in self.model.rows()
                    if row.id not in source_ids or row.id in fresh]
            rows += fresh.values()  # sources new to the pane
            sites = [name for _id, name in site_choices(session)]
            self._participant_names = participant_names(session)
            counts = {row.id: known[row.id] for row in rows if row.id in known}
            listed = {row.id for row in rows}
            missing = [i for i in source_ids if i not in known and i in listed]
            if missing:
                counts.update(source_stats(session, missing))
        self._touched |= source_ids
        if self.model.load(rows, counts, sites):
            self._restore_view_state(groups, current, {row.id for row in rows} - set(known))

    def _workspace_changed(self, change: Change) -> None:
        """Refresh only what the change can have touched: rows of the sources named, all
        rows when it names none, coded shares of the sources recoded."""
        if self.workspace is None:
            return
        relist: frozenset[int] | None = frozenset()
        if change.touches("sources"):
            relist = change.source_ids or None
        elif change.touches("attributes"):
            relist = self._sources_of_renamed_speakers()
        recount_all = change.touches("codings") and not change.source_ids
        if relist != frozenset():
            self.refresh(stats=recount_all, source_ids=relist)
        elif recount_all:
            self.refresh()
        if change.touches("codings") and change.source_ids:
            if len(change.source_ids) <= SYNC_SOURCES:
                with self.workspace.read() as session:
                    self.model.update_stats(source_stats(session, change.source_ids))
                self._touched |= change.source_ids
            else:
                self._request(stats_of=change.source_ids)

    # --- background reads -------------------------------------------------------------

    def _request(self, *, rows: bool = False, all_stats: bool = False, stats_of: frozenset[int] = frozenset(),
                 delay: int | None = None) -> None:
        """Ask for a background read; requests within ``delay`` ms (``DEBOUNCE_MS`` unless
        given) make one read, and the result of any read already running is dropped (its
        work is redone)."""
        self._reads.request(_Wanted(rows, all_stats, frozenset(stats_of)), delay_ms=delay)

    def _forget_reads(self) -> None:
        """Drop every queued or running read (another project, or none, is shown)."""
        self._reads.forget()

    def _read_job(self, wanted: _Wanted) -> JobFunction | None:
        """The background read of what ``wanted`` says, or None if there is nothing to read."""
        if self.workspace is None or not wanted:
            return None
        self._touched = set()
        workspace = self.workspace
        known = frozenset(self.model.stats)
        rows, all_stats, stats_of = wanted.rows, wanted.all_stats, wanted.stats_of

        def read(_progress, is_cancelled) -> dict:
            found: dict = {}
            try:
                with workspace.read() as session:
                    if rows:
                        found["rows"] = list_sources(session)
                        found["sites"] = [name for _id, name in site_choices(session)]
                        found["names"] = participant_names(session)
                    if is_cancelled():
                        raise Cancelled
                    if all_stats:
                        found["stats"] = source_stats(session)
                    else:
                        wanted_ids = set(stats_of)
                        if rows:  # sources new to the pane are counted too
                            wanted_ids |= {row.id for row in found["rows"] if row.id not in known}
                        found["stats"] = source_stats(session, wanted_ids) if wanted_ids else {}
            except USER_ERRORS as error:
                return {"error": error}
            return found

        return read

    def _read_finished(self, running: _Wanted, found: dict) -> None:
        if self.workspace is None:
            return
        if "error" in found:
            self.model.set_pending(False)
            self.workspace.report("Read the sources", found["error"])
            self.loaded.emit()
            return
        touched = self._touched
        stats: dict[int, SourceStats] = found["stats"]
        # Sources changed at once while the job ran keep their (newer) rows and stats.
        model_stats = self.model.stats
        for source_id in touched:
            if source_id in model_stats:
                stats[source_id] = model_stats[source_id]
            else:
                stats.pop(source_id, None)
        if running.rows:
            shown = {row.id: row for row in self.model.rows()}
            rows: list[SourceRow] = [shown[row.id] if row.id in touched else row for row in found["rows"]
                                     if row.id not in touched or row.id in shown]
            listed = {row.id for row in rows}
            rows += [shown[i] for i in touched if i in shown and i not in listed]
            if not running.all_stats:
                stats = {**{row.id: model_stats[row.id] for row in rows if row.id in model_stats}, **stats}
            groups, current = self._view_state()
            known = set(model_stats)
            self._participant_names = found["names"]
            if self.model.load(rows, stats, found["sites"], pending=False):
                self._restore_view_state(groups, current, {row.id for row in rows} - known)
        else:
            self.model.set_pending(False)
            self.model.update_stats({i: s for i, s in stats.items() if model_stats.get(i) != s})
        self._update_actions()
        self.loaded.emit()

    def _read_failed(self, _running: _Wanted, message: str) -> None:
        """A bug in the read (user errors come back as results): say so, show what is
        known, and stop waiting."""
        self.model.set_pending(False)
        if self.workspace is not None:
            self.workspace.failed.emit("Read the sources", message)
        self.loaded.emit()

    def _sources_of_renamed_speakers(self) -> frozenset[int]:
        """An attributes change may have renamed a participant, whom the tooltips name
        as a speaker: the sources whose rows must be fetched again (usually none)."""
        with self.workspace.read() as session:
            names = participant_names(session)
            renamed = {i for i, name in names.items() if self._participant_names.get(i) != name}
            self._participant_names = names
            return frozenset(sources_spoken_in(session, renamed)) if renamed else frozenset()

    # --- selection ------------------------------------------------------------------------

    def select_source(self, source_id: int) -> bool:
        """Select and show a source (clearing a filter that hides it); False if unknown."""
        index = self.model.source_index(source_id)
        if not index.isValid():
            return False
        if not self.proxy.mapFromSource(index).isValid():
            self.filter_box.clear()
        view_index = self.proxy.mapFromSource(index)
        self.tree.setCurrentIndex(view_index)
        self.tree.scrollTo(view_index)
        return True

    def selected_source_id(self) -> int | None:
        return self.tree.currentIndex().data(ID_ROLE)

    def _view_state(self) -> tuple[dict[str, bool], str | None]:
        """Which group rows exist and are open, and the current row's key: all survive a
        reset of the model."""
        groups = {index.data(KEY_ROLE): self.tree.isExpanded(index) for index in self._proxy_indexes()}
        return groups, self.tree.currentIndex().data(KEY_ROLE)

    def _restore_view_state(self, groups: dict[str, bool], current: str | None, new_ids: set[int]) -> None:
        """Open what was open, and groups that did not exist before (a new site, or a
        method a source was just moved to); show sources that are new."""
        for index in self._proxy_indexes():
            if groups.get(index.data(KEY_ROLE), True):
                self.tree.expand(index)
        for source_id in new_ids:
            index = self.proxy.mapFromSource(self.model.source_index(source_id))
            while index.parent().isValid():
                index = index.parent()
                self.tree.expand(index)
        index = self.proxy.mapFromSource(self.model.key_index(current)) if current else QModelIndex()
        if index.isValid():
            # Scrolling to a row opens collapsed rows above it: only scroll to a visible one.
            visible = all(self.tree.isExpanded(parent) for parent in _ancestors(index))
            self.tree.setAutoScroll(visible)
            self.tree.setCurrentIndex(index)
            self.tree.setAutoScroll(True)

    def _proxy_indexes(self) -> list[QModelIndex]:
        """The site and method rows shown (sources have no children to open)."""
        groups = []
        for site_row in range(self.proxy.rowCount()):
            site = self.proxy.index(site_row, NAME)
            groups.append(site)
            groups.extend(self.proxy.index(row, NAME, site) for row in range(self.proxy.rowCount(site)))
        return groups

    # --- filtering ------------------------------------------------------------------------

    def _filter_changed(self, text: str) -> None:
        if text.strip() and self._groups_before_filter is None:
            self._groups_before_filter = self._view_state()[0]
        current = self.tree.currentIndex().data(KEY_ROLE)
        self.proxy.set_filter_text(text)
        if text.strip():
            self.tree.expandAll()
        elif self._groups_before_filter is not None:
            self.tree.collapseAll()
            self._restore_view_state(self._groups_before_filter, current, set())
            self._groups_before_filter = None
        self._update_actions()

    def _focus_first_match(self) -> None:
        index = self.proxy.index(0, NAME)
        while self.proxy.hasChildren(index):
            index = self.proxy.index(0, NAME, index)
        if index.isValid():
            self.tree.setCurrentIndex(index)
        self.tree.setFocus()

    def eventFilter(self, watched, event) -> bool:
        """Down from the filter box goes to the first source shown."""
        if (watched is self.filter_box and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            self._focus_first_match()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.filter_box.text():
            self.filter_box.clear()
            return
        super().keyPressEvent(event)

    # --- actions --------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        source_id = index.data(ID_ROLE)
        if source_id is not None:
            self.source_activated.emit(source_id)

    def _open_current(self) -> None:
        self._activated(self.tree.currentIndex())

    def _attributes_of_current(self) -> None:
        source_id = self.selected_source_id()
        if source_id is not None:
            self.attributes_requested.emit(source_id)

    def _update_actions(self) -> None:
        is_source = self.selected_source_id() is not None and self.workspace is not None
        for act in (self.open_action, self.attributes_action, self.delete_action):
            act.setEnabled(is_source)

    def _show_menu(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        if not index.isValid() or index.data(ID_ROLE) is None:
            return
        self.tree.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.attributes_action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    def delete_current(self) -> bool:
        """Delete the selected source after the user confirms; not undoable, so the undo
        history (which may refer to its codings and speakers) is cleared."""
        source_id = self.selected_source_id()
        if source_id is None or self.workspace is None:
            return False
        with self.workspace.read() as session:
            counts = source_stats(session, [source_id]).get(source_id)
        name = self.tree.currentIndex().data(Qt.ItemDataRole.DisplayRole)
        codings = counts.codings if counts else 0
        lost = {0: "It has no codings.", 1: "Its 1 coding goes too."}.get(codings, f"Its {codings:,} codings go too.")
        message = (f"Delete '{name}'? {lost} This cannot be undone, "
                   "and the undo history is cleared.")
        if not confirm(self, "Delete source", message, "Delete"):
            return False
        try:
            with self.workspace.write(f"Delete source {name}") as session:
                delete_source(session, source_id)
        except USER_ERRORS as error:
            self.workspace.report(f"Delete source {name}", error)
            return False
        self.workspace.undo_stack.clear()
        self.workspace.announce(Change(frozenset({"sources", "codings", "attributes", "summaries"}),
                                       frozenset({source_id})))
        return True


def _ancestors(index: QModelIndex) -> list[QModelIndex]:
    parents = []
    while index.parent().isValid():
        index = index.parent()
        parents.append(index)
    return parents
