"""The Extracts pane: every passage coded at the selected theme, to read side by side.

The main window calls ``show_themes`` when a theme (or a matrix cell) is selected. Rows
read like quotations: source, speaker, type and site over the passage in its context.
Filters narrow by site, participant type and coder. Enter or a double-click jumps to the
passage in its transcript (``passage_activated``); a row dragged onto another theme codes
the same words there too. Edits (memo, removal) are undoable commands; the list follows
every change the workspace announces, re-reading only the sources an edit touched, and
keeps the current passage selected.

Lists are read in the background (``app.workers.LatestJob``): a top-level theme can
hold tens of thousands of passages (a second to read at the design scale). Selecting
another theme empties the list at once and says "Loading passages…" until the read
finishes; other re-reads keep the rows shown meanwhile. Requests a few milliseconds
apart (``DEBOUNCE_MS``: walking the framework with the arrow keys, a redo of several
codings) make one read, and the result of a read overtaken by a newer request is never
shown. ``loaded`` is emitted when the list shown is that of the latest request (tests
wait for it); ``is_loading()`` says whether a read is queued or running.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from app.commands.coding import MemoCommand, delete_codings
from app.messages import confirm
from app.qtmodels.extracts_model import ExtractsModel, Loader, quotation, reading_order
from app.widgets.filters import FilterBar, fill_combo, filter_combo, read_filter_values
from app.widgets.passage_delegate import PassageDelegate
from app.workers import Cancelled, JobFunction, LatestJob
from app.workspace import USER_ERRORS, Change, Workspace
from framework.extracts import Extract, list_extracts, with_passages

LOADING = "Loading passages…"
#: Requests this close together make one background read.
DEBOUNCE_MS = 40


def passage_loader(workspace: Callable[[], Workspace | None]) -> Loader:
    """Reads the texts of a page of extracts in a short session; on failure the user is
    told once and the rows show without text rather than the pane breaking."""

    def load(extracts: list[Extract]) -> list[Extract]:
        current = workspace()
        if current is None or not extracts:
            return list(extracts)
        try:
            with current.read() as session:
                return with_passages(session, extracts)
        except USER_ERRORS as error:
            current.report("Read the coded passages", error)
            return list(extracts)

    return load


def ask_memo_text(parent: QWidget, extract: Extract) -> str | None:
    """The memo dialog: the current memo to edit; None if cancelled."""
    snippet = " ".join(extract.text.split())
    if len(snippet) > 80:
        snippet = snippet[:80].rsplit(" ", 1)[0] + "…"
    text, accepted = QInputDialog.getMultiLineText(
        parent, "Edit memo", f"Memo on “{snippet}” ({extract.reference}):", extract.memo)
    return text if accepted else None


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class _Read:
    """What a background read fetches: every extract (``all``; ``keep``: as many rows
    loaded as are shown, the same list re-read after an edit), or only the extracts of
    ``sources``. Requests made before a read starts are merged into it (``|``)."""

    all: bool = False
    sources: frozenset[int] = frozenset()
    keep: bool = True

    def __or__(self, other: _Read) -> _Read:
        return _Read(self.all or other.all, self.sources | other.sources, self.keep and other.keep)

    @property
    def new_list(self) -> bool:
        """Other themes or filters: the rows shown so far do not belong to it."""
        return self.all and not self.keep


class ExtractsPane(QWidget):
    passage_activated = Signal(int, int, int)  # source id, start, end
    #: The list shown is that of the latest request (themes, filters, or a change the
    #: workspace announced): the background read finished, failed, or there was
    #: nothing to read. Not emitted for a read overtaken by a newer request.
    loaded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.theme_ids: list[int] = []
        self.participant_ids: list[int] | None = None
        self._stale = False
        self._reads = LatestJob(self._read_job, delay_ms=DEBOUNCE_MS, parent=self)
        self._reads.finished.connect(self._read_finished)
        self._reads.failed.connect(self._read_failed)
        self._read_failed_last = False  # the latest read failed: say so rather than "none"

        self.title = QLabel("Select a theme in the framework to read its coded passages.")
        self.title.setObjectName("extracts_title")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)

        self.site_filter = self._combo("extracts_site", "Only passages from this site")
        self.type_filter = self._combo("extracts_type", "Only passages said by this type of participant")
        self.coder_filter = self._combo("extracts_coder", "Only this coder's codings")
        self.subthemes = QCheckBox("Sub-themes")
        self.subthemes.setObjectName("extracts_subthemes")
        self.subthemes.setChecked(True)
        self.subthemes.setToolTip("Include passages coded at the theme's sub-themes")
        self.subthemes.toggled.connect(self.refresh)

        self.count = QLabel()
        self.count.setObjectName("extracts_count")

        self.model = ExtractsModel(passage_loader(lambda: self.workspace), self)
        self.delegate = PassageDelegate(self)
        self.view = QListView()
        self.view.setObjectName("extracts_list")
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activate)
        self.view.setAccessibleName("Coded passages")
        self.view.selectionModel().currentChanged.connect(self._update_actions)

        self.jump_action = self._action("Jump to Transcript", self.jump_to_transcript, None,
                                        "Show this passage in its transcript (Enter)")
        self.copy_action = self._action("Copy Passage", self.copy_passage, QKeySequence.StandardKey.Copy,
                                        "Copy the passage with its source and speaker")
        self.memo_action = self._action("Edit Memo…", self.edit_memo, QKeySequence(Qt.Key.Key_F2),
                                        "Write or change the memo on this coding")
        self.remove_action = self._action("Remove Coding…", self.remove_coding, QKeySequence.StandardKey.Delete,
                                          "Remove this coding (the text stays; undo brings it back)")

        groups = []
        for label, combo in (("Site", self.site_filter), ("Type", self.type_filter), ("Coder", self.coder_filter)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            groups.append((caption, combo))
        groups.append((self.subthemes,))
        self.filters = FilterBar(groups)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.filters)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.site_filter, self.type_filter)
        QWidget.setTabOrder(self.type_filter, self.coder_filter)
        QWidget.setTabOrder(self.coder_filter, self.subthemes)
        QWidget.setTabOrder(self.subthemes, self.view)
        self.setFocusProxy(self.view)
        self._show_count()
        self._update_actions()

    def _combo(self, name: str, tip: str) -> QComboBox:
        combo = filter_combo(name, tip)
        combo.currentIndexChanged.connect(self.refresh)
        return combo

    def _action(self, text: str, slot, shortcut, tip: str) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    # --- public -----------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        """Follow a newly opened project (or none)."""
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._on_changed)
        self._forget_reads()
        self.workspace = workspace
        self.theme_ids, self.participant_ids = [], None
        self.title.setText("Select a theme in the framework to read its coded passages.")
        if workspace is not None:
            workspace.changed.connect(self._on_changed)
        self._load_filters()
        self.refresh()

    def show_themes(self, theme_ids: list[int], title: str, *, participant_ids: list[int] | None = None) -> None:
        """Show the passages coded at ``theme_ids`` (and their sub-themes, if ticked);
        with ``participant_ids``, only what those people said (a matrix cell). The list
        is emptied at once and filled when the background read finishes (``loaded``)."""
        people = None if participant_ids is None else list(participant_ids)
        if list(theme_ids) != self.theme_ids or people != self.participant_ids:
            self.model.clear()  # another theme's passages must not stand under this title
        self.theme_ids = list(theme_ids)
        self.participant_ids = people
        self.title.setText(title)
        self.refresh()

    def current_extract(self) -> Extract | None:
        return self.model.extract(self.view.currentIndex().row())

    def extracts(self) -> list[Extract]:
        """Every extract the filters let through, shown or not yet fetched."""
        return self.model.all_extracts()

    def refresh(self) -> None:
        """Read the list again, from its first page (after new themes or filters), in
        the background: ``loaded`` tells when it is shown."""
        self._reload(None, keep_loaded=False)

    def is_loading(self) -> bool:
        """Whether a background read is queued or running."""
        return self._reads.is_busy()

    # --- the dialogs, overridable in tests ---------------------------------------------

    def ask_memo(self, extract: Extract) -> str | None:
        return ask_memo_text(self, extract)

    def confirm_remove(self, extract: Extract) -> bool:
        return confirm(self, "Remove coding",
                       f"Remove the coding of this passage at “{extract.theme_path}”? "
                       "The transcript is not changed, and Undo brings the coding back.", "Remove")

    # --- actions ----------------------------------------------------------------------

    def jump_to_transcript(self) -> None:
        extract = self.current_extract()
        if extract is not None:
            self.passage_activated.emit(extract.source_id, extract.start, extract.end)

    def copy_passage(self) -> None:
        extract = self.current_extract()
        if extract is not None and extract.has_text:
            QGuiApplication.clipboard().setText(quotation(extract))

    def edit_memo(self) -> None:
        extract = self.current_extract()
        if extract is None or self.workspace is None:
            return
        memo = self.ask_memo(extract)
        if memo is not None and memo.strip() != extract.memo:
            self.workspace.run(MemoCommand(self.workspace, extract.coding_id, memo, extract.source_id))

    def remove_coding(self) -> None:
        extract = self.current_extract()
        if extract is None or self.workspace is None or not self.confirm_remove(extract):
            return
        self.workspace.run(delete_codings(self.workspace, [extract.coding_id], {extract.source_id}))

    # --- behind the scenes ------------------------------------------------------------

    def _activate(self, index: QModelIndex) -> None:
        extract = self.model.extract(index.row())
        if extract is not None:
            self.passage_activated.emit(extract.source_id, extract.start, extract.end)

    def _context_menu(self, position: QPoint) -> None:
        if self.current_extract() is None:
            return
        menu = QMenu(self)
        for action in (self.jump_action, self.copy_action, None, self.memo_action, None, self.remove_action):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(self.view.viewport().mapToGlobal(position))

    def _update_actions(self, *_args) -> None:
        has = self.current_extract() is not None
        for action in (self.jump_action, self.copy_action, self.memo_action, self.remove_action):
            action.setEnabled(has)

    def _filters(self) -> dict:
        return {
            "site": self.site_filter.currentData(),
            "participant_type": self.type_filter.currentData(),
            "coder_id": self.coder_filter.currentData(),
            "participant_ids": self.participant_ids,
            "include_subthemes": self.subthemes.isChecked(),
        }

    def _load_filters(self) -> None:
        values = read_filter_values(self.workspace)
        fill_combo(self.site_filter, [(site, site) for site in values.sites])
        fill_combo(self.type_filter, [(kind, kind) for kind in values.participant_types])
        fill_combo(self.coder_filter, [(name, coder_id) for coder_id, name in values.coders])

    def _on_changed(self, change: Change) -> None:
        if change.touches("sources") or change.touches("attributes"):
            self._load_filters()
        if not change.kinds & {"codings", "themes", "sources", "attributes"}:
            return
        if not self.isVisible():
            self._stale = True  # read again when shown: a hidden pane costs nothing
            return
        # Coding edits name their sources: re-read only those. Anything else can change
        # every row (a theme's path, a source's name or site): re-read everything.
        only_codings = change.kinds == {"codings"} and bool(change.source_ids)
        self._reload(change.source_ids if only_codings else None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._reload(None)

    def _reload(self, source_ids, *, keep_loaded: bool = True) -> None:
        """Read the extracts again (all of them, or only those of ``source_ids``) in the
        background, keeping the current passage current; ``keep_loaded`` keeps as many
        rows loaded as there are (the same list, re-read after an edit)."""
        self._stale = False
        self._read_failed_last = False
        if self.workspace is None or not self.theme_ids:
            self._forget_reads()  # nothing to read: the empty state, at once
            self.model.set_extracts([])
            self._show_count()
            self._update_actions()
            self.loaded.emit()
            return
        self._reads.request(_Read(all=True, keep=keep_loaded) if source_ids is None
                            else _Read(sources=frozenset(source_ids)))
        self._show_count()

    def _forget_reads(self) -> None:
        """Drop every queued or running read (another project or theme list is shown)."""
        self._reads.forget()
        self.view.viewport().unsetCursor()

    def _read_job(self, wanted: _Read) -> JobFunction | None:
        """The background read of what ``wanted`` says, or None if there is nothing to read."""
        if self.workspace is None or not self.theme_ids or not (wanted.all or wanted.sources):
            return None
        read_all, keep = wanted.all, wanted.keep
        workspace, theme_ids, filters = self.workspace, list(self.theme_ids), self._filters()
        only = None if read_all else wanted.sources
        first_page = max(ExtractsModel.BATCH, self.model.rowCount()) if keep else ExtractsModel.BATCH

        def read(_progress, is_cancelled):
            try:
                with workspace.read() as session:
                    extracts = list_extracts(session, theme_ids, source_ids=only, with_text=False, **filters)
                    if is_cancelled():
                        raise Cancelled
                    extracts.sort(key=reading_order)
                    if read_all:  # the texts of the first page, so the GUI need not read them
                        extracts[:first_page] = with_passages(session, extracts[:first_page])
            except USER_ERRORS as error:
                return error
            return extracts

        if wanted.new_list:
            self.view.viewport().setCursor(Qt.CursorShape.BusyCursor)
        return read

    def _read_finished(self, wanted: _Read, extracts) -> None:
        self.view.viewport().unsetCursor()
        if isinstance(extracts, BaseException):
            self._read_failed_last = True
            if self.workspace is not None:
                self.workspace.report("Read the coded passages", extracts)
        else:
            current = self.current_extract()
            if wanted.all:
                self.model.set_extracts(extracts, keep_loaded=wanted.keep, presorted=True)
            else:
                self.model.replace_sources(wanted.sources, extracts)
            self._restore_current(current, nearest=wanted.keep)
        self._show_count()
        self._update_actions()
        self.loaded.emit()

    def _read_failed(self, _wanted: _Read, message: str) -> None:
        """A bug in the read (errors users meet come back as results): say so and stop
        waiting."""
        self.view.viewport().unsetCursor()
        self._read_failed_last = True
        if self.workspace is not None:
            self.workspace.failed.emit("Read the coded passages", message)
        self._show_count()
        self.loaded.emit()

    def _restore_current(self, previous: Extract | None, *, nearest: bool) -> None:
        """Select the passage that was current; if its coding was merged or split by an
        edit (``nearest``), the passage now nearest to where it was."""
        extracts = self.model.all_extracts()
        if previous is None or not extracts:
            return
        row = self.model.row_of(previous.coding_id)
        if row < 0 and not nearest:
            return
        if row < 0:
            keys = [reading_order(e) for e in extracts]
            position = min(bisect_left(keys, reading_order(previous)), len(extracts) - 1)
            row = self.model.row_of(extracts[position].coding_id)
        index = self.model.index(row)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    def _show_count(self) -> None:
        if self.workspace is None:
            self.count.setText("No project is open.")
        elif not self.theme_ids:
            self.count.setText("")
        elif self._reading_new_list():
            self.count.setText(LOADING)
        elif self._read_failed_last:
            self.count.setText("The passages could not be read.")
        elif self.model.total == 0:
            self.count.setText("No passages coded here yet." if not self._filtered() else
                               "No passages match these filters.")
        else:
            self.count.setText(f"{plural(self.model.total, 'passage')} in {plural(self.model.source_count, 'source')}")

    def _reading_new_list(self) -> bool:
        """Whether a new list (other themes or filters) is being read: re-reads after an
        edit keep the rows and count shown until they finish."""
        return any(wanted is not None and wanted.new_list for wanted in (self._reads.pending, self._reads.running))

    def _filtered(self) -> bool:
        return any(combo.currentData() is not None
                   for combo in (self.site_filter, self.type_filter, self.coder_filter))
