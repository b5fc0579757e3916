"""The Search pane: find words across every transcript and read them in context.

Results are a keyword-in-context table (a concordance), one row per matching turn, read
a page at a time; the total comes first ("1,204 hits in 87 sources"). A query the parser
cannot read is explained inline in one sentence, in red, under the query; nothing else
happens. Clicking a row (or Enter) jumps to the hit in its transcript. "Code All Results
to…" codes every hit of the query, not only the rows fetched so far, as one undoable
step.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.commands.coding import CodingEditCommand
from app.messages import confirm
from app.qtmodels.search_model import SearchResultsModel
from app.widgets.extracts_pane import plural
from app.widgets.filters import FilterBar, fill_combo, filter_combo, read_filter_values
from app.widgets.passage_delegate import ElidingDelegate
from app.workspace import USER_ERRORS, Change, Workspace, one_sentence
from framework.extracts import code_passages
from framework.search import SearchHit, count_hits_and_sources, search

WORDS, PHRASE = "Words", "Phrase"


@dataclass(frozen=True)
class SearchSpec:
    """One search as run: the query as sent and its options (what "Code All" codes)."""

    query: str
    lemma: bool
    site: str | None
    participant_type: str | None
    include_interviewer: bool

    def options(self) -> dict:
        return {"lemma": self.lemma, "site": self.site, "participant_type": self.participant_type,
                "include_interviewer": self.include_interviewer}


def as_phrase(text: str) -> str:
    """The words typed, searched as one phrase: quotes inside are dropped, not nested."""
    words = " ".join(text.replace('"', " ").split())
    return f'"{words}"' if words else ""


class SearchPane(QWidget):
    passage_activated = Signal(int, int, int)  # source id, start, end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total_sources = 0
        self.workspace: Workspace | None = None
        self.shown: SearchSpec | None = None  # the search whose results are in the table
        self._last_emitted: tuple[int, int, int] | None = None
        self._since_emitted = QElapsedTimer()

        self.query = QLineEdit()
        self.query.setObjectName("search_query")
        self.query.setPlaceholderText('Search: words, "a phrase", prefix*, AND, OR, NOT, NEAR(a b, 5)')
        self.query.setToolTip("Type a query and press Enter. Accents and case are ignored.")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run_search)
        self.search_button = QPushButton("Search")
        self.search_button.setObjectName("search_button")
        self.search_button.setToolTip("Search every transcript (Enter)")
        self.search_button.clicked.connect(self.run_search)

        self.mode = QComboBox()
        self.mode.setObjectName("search_mode")
        self.mode.addItems([WORDS, PHRASE])
        self.mode.setToolTip("Words: the query as typed. Phrase: the words together, in this order.")
        self.lemmas = QCheckBox("Lemmas")
        self.lemmas.setObjectName("search_lemmas")
        self.lemmas.setToolTip("Also find the other forms of each word (tell → told, lose → lost)")
        self.site = filter_combo("search_site", "Only turns of this site")
        self.participant_type = filter_combo("search_type", "Only turns of this type of participant")
        self.interviewers = QCheckBox("Interviewers")
        self.interviewers.setObjectName("search_interviewers")
        self.interviewers.setChecked(True)
        self.interviewers.setToolTip("Include what interviewers and moderators said")
        for control in (self.mode, self.site, self.participant_type):
            control.currentIndexChanged.connect(self._options_changed)
        for box in (self.lemmas, self.interviewers):
            box.toggled.connect(self._options_changed)

        self.error = QLabel()
        self.error.setObjectName("search_error")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        self.count = QLabel()
        self.count.setObjectName("search_count")
        self.code_all_button = QPushButton("Code All Results to…")
        self.code_all_button.setObjectName("search_code_all")
        self.code_all_button.setToolTip("Code every hit of this search to a theme, as one step you can undo")
        self.code_all_button.clicked.connect(self.code_all_results)

        self.model = SearchResultsModel(self)
        self.model.rowsInserted.connect(self._show_count)
        self.view = QTableView()
        self.view.setObjectName("search_results")
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(SearchResultsModel.LEFT,
                                          ElidingDelegate(Qt.TextElideMode.ElideLeft, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        for column, mode in ((SearchResultsModel.LEFT, QHeaderView.ResizeMode.Stretch),
                             (SearchResultsModel.RIGHT, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        for column, width in ((SearchResultsModel.HIT, 110), (SearchResultsModel.SOURCE, 140),
                              (SearchResultsModel.SPEAKER, 120)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(column, width)
        self.view.setAccessibleName("Search results")
        self.view.clicked.connect(self._activate)
        self.view.activated.connect(self._activate)

        first = QHBoxLayout()
        first.addWidget(self.query, 1)
        first.addWidget(self.search_button)
        groups: list[tuple[QWidget, ...]] = [(self.mode,), (self.lemmas,)]
        for label, combo in (("Site", self.site), ("Type", self.participant_type)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(combo)
            groups.append((caption, combo))
        groups.append((self.interviewers,))
        self.options = FilterBar(groups)
        third = QHBoxLayout()
        third.addWidget(self.count, 1)
        third.addWidget(self.code_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(first)
        layout.addWidget(self.options)
        layout.addWidget(self.error)
        layout.addLayout(third)
        layout.addWidget(self.view, 1)
        order = [self.query, self.search_button, self.mode, self.lemmas, self.site, self.participant_type,
                 self.interviewers, self.code_all_button, self.view]
        for before, after in zip(order, order[1:]):
            QWidget.setTabOrder(before, after)
        self.setFocusProxy(self.query)
        self._show_count()

    # --- public -----------------------------------------------------------------------

    def set_workspace(self, workspace: Workspace | None) -> None:
        if self.workspace is not None:
            self.workspace.changed.disconnect(self._on_changed)
        self.workspace = workspace
        if workspace is not None:
            workspace.changed.connect(self._on_changed)
        self._load_filters()
        self._clear()

    def set_query(self, text: str) -> None:
        """Put ``text`` in the query box (the search runs on Enter or ``run_search``)."""
        self.query.setText(text)

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def current_spec(self) -> SearchSpec:
        """The search the controls describe now."""
        text = self.query.text().strip()
        return SearchSpec(
            as_phrase(text) if self.mode.currentText() == PHRASE else text,
            self.lemmas.isChecked(), self.site.currentData(), self.participant_type.currentData(),
            self.interviewers.isChecked(),
        )

    def run_search(self) -> bool:
        """Search with the query and options shown; False (and the reason shown inline)
        if the query cannot be read. An empty query clears the results."""
        spec = self.current_spec()
        if self.workspace is None or not spec.query:
            self._clear()
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with self.workspace.read() as session:
                total, self.total_sources = count_hits_and_sources(session, spec.query, **spec.options())
            self.error.hide()
            self.shown = spec
            self.model.show_results(total, lambda offset, limit: self._fetch(spec, offset, limit))
        except USER_ERRORS as error:
            self._show_error(one_sentence(error))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._show_count()
        return self.error.isHidden()

    # --- the dialogs, overridable in tests ---------------------------------------------

    def ask_theme(self):
        """The theme to code the results to (a ``ThemeChoice``), or None if cancelled."""
        from app.widgets.code_palette import choose_theme

        return choose_theme(self, self.workspace, title="Code all results to…")

    def confirm_code_all(self, hits: int, sources: int, theme_path: str) -> bool:
        return confirm(self, "Code all results",
                       f"Code {plural(hits, 'hit')} in {plural(sources, 'source')} to “{theme_path}”? "
                       "Undo takes them all back in one step.", "Code", destructive=False)

    def code_all_results(self) -> bool:
        """Code every hit of the shown search (one coding per hit) as one undoable step."""
        spec, workspace = self.shown, self.workspace
        if workspace is None or spec is None or self.model.total == 0:
            return False
        choice = self.ask_theme()
        if choice is None:
            return False
        try:
            with workspace.read() as session:
                hits = search(session, spec.query, **spec.options())
        except USER_ERRORS as error:
            self._show_error(one_sentence(error))
            return False
        sources = {hit.source_id for hit in hits}
        if not hits or not self.confirm_code_all(len(hits), len(sources), choice.path):
            return False
        spans = [(hit.source_id, hit.start, hit.end) for hit in hits]
        coder = workspace.coder_id
        command = CodingEditCommand(
            workspace, f"Code {plural(len(spans), 'search hit')} to {choice.name}",
            lambda session: [code_passages(session, spans, choice.id, coder)], sources)
        return workspace.run(command)

    # --- behind the scenes ------------------------------------------------------------

    def _fetch(self, spec: SearchSpec, offset: int, limit: int) -> list[SearchHit]:
        if self.workspace is None:
            return []
        try:
            with self.workspace.read() as session:
                return search(session, spec.query, limit=limit, offset=offset, **spec.options())
        except USER_ERRORS as error:
            self._show_error(one_sentence(error), keep_results=True)
            return []

    def _activate(self, index: QModelIndex) -> None:
        """Jump to the hit. A double-click is a click and an activation: jump once."""
        hit = self.model.hit(index.row())
        if hit is None:
            return
        target = (hit.source_id, hit.start, hit.end)
        if target == self._last_emitted and self._since_emitted.isValid() \
                and self._since_emitted.elapsed() < QGuiApplication.styleHints().mouseDoubleClickInterval():
            return
        self._last_emitted = target
        self._since_emitted.start()
        self.passage_activated.emit(*target)

    def _options_changed(self, *_args) -> None:
        if self.shown is not None:
            self.run_search()

    def _on_changed(self, change: Change) -> None:
        if change.touches("sources") or change.touches("attributes"):
            self._load_filters()
            if self.shown is not None:
                self.run_search()

    def _load_filters(self) -> None:
        values = read_filter_values(self.workspace)
        fill_combo(self.site, [(site, site) for site in values.sites])
        fill_combo(self.participant_type, [(kind, kind) for kind in values.participant_types])

    def _show_error(self, message: str, *, keep_results: bool = False) -> None:
        self.error.setText(message)
        self.error.show()
        if not keep_results:
            self.shown = None
            self.model.clear()
        self._show_count()

    def _clear(self) -> None:
        self.shown = None
        self.error.hide()
        self.model.clear()
        self._show_count()

    def _show_count(self, *_args) -> None:
        self.code_all_button.setEnabled(self.shown is not None and self.model.total > 0)
        if self.shown is None:
            self.count.setText("")
        elif self.model.total == 0:
            self.count.setText("No hits.")
        else:
            found = f"{plural(self.model.total, 'hit')} in {plural(self.total_sources, 'source')}"
            self.count.setText(found if self.model.complete else f"{found} · first {self.model.fetched:,} shown")
