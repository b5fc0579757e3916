"""The import wizard: pick transcripts, say what they are, see what will happen, import.

Five pages. Files: what to import (buttons, or drop files and folders on the list).
Details: the sheets that describe the batch, or defaults for files no sheet describes,
and any custom speaker patterns. Preview: every file parsed exactly as the import will
parse it, off the GUI thread, so problems show before anything is stored. Import: the
batch runs on the writer thread, one transaction per file; cancelling stops after the
current file. Results: one row per file, the warnings, and how to undo. The pages'
tables are the models of ``app.qtmodels.import_models``.

The import is not on the undo stack: imported sources are taken out again by deleting
them. Tests and benchmarks drive the wizard with ``add_paths``, ``start_preview`` and
``start_import`` and wait for ``finished_import``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.qtmodels.import_models import ERROR_COLOUR, PathListModel, PreviewModel, ResultsModel
from app.workers import Job
from app.workspace import Change, Workspace
from importers.preview import FORMAT_NAMES, FilePreview, batch_warnings, describe_sheet, import_choices, preview_files
from importers.service import SUPPORTED_EXTENSIONS, ImportOptions, ImportReport, import_files
from importers.sheets import SheetError
from importers.speakers import SpeakerPatternError, custom_conventions
from models import METHODS

TRANSCRIPT_FILTER = (
    f"Transcripts ({' '.join('*' + ext for ext in SUPPORTED_EXTENSIONS)});;All files (*)"
)
SHEET_FILTER = "Sheets (*.csv *.xlsx *.tsv);;All files (*)"
UNDO_NOTE = ("Imports are not on the Undo list. To take an imported transcript out again, "
             "delete its source from the Sources list.")


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _status_label(name: str) -> QLabel:
    """A one-line status under a control; ``_show_status`` colours it when it is an error."""
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _show_status(label: QLabel, text: str, *, error: bool = False) -> None:
    if bool(label.property("error")) != error:  # restyling is costly: only on a change
        label.setStyleSheet(f"color: {ERROR_COLOUR.name()};" if error else "")
        label.setProperty("error", error)
    label.setText(text)


def _editable_combo(name: str, offered: list[str], placeholder: str, tip: str) -> QComboBox:
    """A default the user may pick from what the project has, or type anew (blank: none)."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setEditable(True)
    combo.addItems([""] + offered)
    combo.lineEdit().setPlaceholderText(placeholder)
    combo.setToolTip(tip)
    return combo


def _column_widths(view: QTreeView, characters: Sequence[int]) -> None:
    """Starting widths in average characters (the last column stretches). Fixed widths,
    not resize-to-contents, which would read every row of a long batch on each change."""
    width = view.fontMetrics().averageCharWidth()
    for column, count in enumerate(characters):
        view.header().resizeSection(column, count * width + 16)


def _warnings_box(name: str) -> QPlainTextEdit:
    """A few lines of warnings, selectable for copying; hidden while there are none."""
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setReadOnly(True)
    box.setTabChangesFocus(True)
    box.setMaximumHeight(box.fontMetrics().lineSpacing() * 5 + 12)
    box.hide()
    return box


def _table_view(name: str, kind: type[QTreeView] = QTreeView) -> QTreeView:
    view = kind()
    view.setObjectName(name)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(True)
    view.setAlternatingRowColors(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.header().setStretchLastSection(True)
    return view


# --- the drop-target list ---------------------------------------------------------------

class PathDropView(QTreeView):
    """The file list; files and folders dropped on it from a file manager are added.
    A drop is always taken as a copy, so no file manager ever deletes what was dropped."""

    paths_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    @staticmethod
    def _paths(event) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def _accept(self, event) -> None:
        if self._paths(event):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragEnterEvent(self, event) -> None:
        self._accept(event)

    def dragMoveEvent(self, event) -> None:
        self._accept(event)

    def dropEvent(self, event) -> None:
        paths = self._paths(event)
        self._accept(event)
        if paths:
            self.paths_dropped.emit(paths)


# --- pages ------------------------------------------------------------------------------

class FilesPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setObjectName("files_page")
        self.setTitle("Transcripts to import")
        self.setSubTitle("Add transcript files or whole folders, or drop them onto the list. "
                         f"Charter reads {', '.join(sorted(set(FORMAT_NAMES.values())))}.")
        self.model = wizard.paths_model
        self.view = _table_view("file_list", PathDropView)
        self.view.setModel(self.model)
        _column_widths(self.view, (32, 44))
        self.view.setToolTip("Files and folders to import. Drop files or folders here; Delete removes the selected ones.")
        self.view.paths_dropped.connect(wizard.add_paths)

        self.add_files_button = QPushButton("Add &files…")
        self.add_files_button.setObjectName("add_files")
        self.add_files_button.setToolTip("Choose one or more transcript files.")
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button = QPushButton("Add f&older…")
        self.add_folder_button.setObjectName("add_folder")
        self.add_folder_button.setToolTip("Choose a folder; every transcript in it and its sub-folders is imported.")
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.setObjectName("remove_files")
        self.remove_button.setToolTip("Take the selected files or folders off the list (Delete).")
        self.remove_button.clicked.connect(self.remove_selected)
        remove_action = QAction("Remove", self.view)
        remove_action.setShortcut(QKeySequence.StandardKey.Delete)
        remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove_action.triggered.connect(self.remove_selected)
        self.view.addAction(remove_action)

        self.summary = _status_label("files_summary")
        buttons = QHBoxLayout()
        for button in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        self.setTabOrder(self.view, self.add_files_button)
        self.setTabOrder(self.add_files_button, self.add_folder_button)
        self.setTabOrder(self.add_folder_button, self.remove_button)

        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.modelReset):
            signal.connect(self._update_summary)
        self._update_summary()
        self._update_buttons()

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add transcripts", "", TRANSCRIPT_FILTER)
        self.wizard().add_paths([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of transcripts")
        if folder:
            self.wizard().add_paths([Path(folder)])

    def remove_selected(self) -> None:
        rows = [index.row() for index in self.view.selectionModel().selectedRows()]
        self.model.remove_rows(rows)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.view.selectionModel().hasSelection())

    def _update_summary(self) -> None:
        transcripts, problems = self.model.transcripts(), self.model.problems()
        if not self.model.entries:
            text = "Nothing added yet."
        else:
            text = f"{_plural(transcripts, 'transcript')} to read."
            if problems:
                text += f" {_plural(problems, 'item')} cannot be imported (shown in red; hover for why)."
        _show_status(self.summary, text, error=transcripts == 0 and bool(self.model.entries))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.model.transcripts() > 0


class SheetChooser(QWidget):
    """One optional sheet: its path, Choose… and Clear, and what was loaded (or why not)."""

    changed = Signal()

    def __init__(self, kind: str, title: str, tooltip: str) -> None:
        super().__init__()
        self.kind = kind
        self.title = title
        self.path: Path | None = None
        self.error: str | None = None
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName(f"{kind}_sheet_path")
        self.path_edit.setReadOnly(True)
        self.path_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes to Choose…; the path can still be copied
        self.path_edit.setPlaceholderText("None")
        self.path_edit.setToolTip(tooltip)
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setObjectName(f"{kind}_sheet_choose")
        self.choose_button.setToolTip(f"Choose the {title.lower()} (CSV or Excel).")
        self.choose_button.clicked.connect(self._choose)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setObjectName(f"{kind}_sheet_clear")
        self.clear_button.setToolTip(f"Import without a {title.lower()}.")
        self.clear_button.clicked.connect(lambda: self.set_path(None))
        self.status = _status_label(f"{kind}_sheet_status")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.set_path(None)

    def _choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, f"Choose the {self.title.lower()}", "", SHEET_FILTER)
        if chosen:
            self.set_path(Path(chosen))

    def set_path(self, path: Path | None) -> None:
        """Load the sheet as the import will and show what it holds, or its error."""
        self.path, self.error = path, None
        self.path_edit.setText(str(path) if path else "")
        self.clear_button.setEnabled(path is not None)
        if path is None:
            _show_status(self.status, "")
            self.status.hide()
        else:
            try:
                text, warnings = describe_sheet(self.kind, path)
            except SheetError as error:
                self.error = str(error)
                _show_status(self.status, self.error, error=True)
            else:
                if warnings:
                    text += f" {_plural(len(warnings), 'warning')}: {' '.join(warnings)}"
                _show_status(self.status, text)
            self.status.show()
        self.changed.emit()


class DetailsPage(QWizardPage):
    GUESS_METHOD = "Decide from the speakers"

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setObjectName("details_page")
        self.setTitle("About these transcripts")
        self.setSubTitle("Sheets can describe each file; the defaults below apply to whatever no sheet says.")

        self.sheets = {
            "attributes": SheetChooser(
                "attributes", "Attributes sheet",
                "One row per file: file, site, method, date, interviewer, participant type; "
                "any other column becomes a source attribute."),
            "speakers": SheetChooser(
                "speakers", "Speaker map",
                "Who each speaker label is: file, speaker, participant, participant type, interviewer."),
            "sites": SheetChooser(
                "sites", "Sites sheet", "One row per site: site, then one column per site attribute."),
        }
        sheets_box = QGroupBox("Sheets (optional)")
        sheets_form = QFormLayout(sheets_box)
        for chooser in self.sheets.values():
            sheets_form.addRow(f"{chooser.title}:", chooser)
            chooser.changed.connect(self.completeChanged)

        choices = wizard.choices
        self.site = _editable_combo(
            "default_site", choices.sites, "No site",
            "The case-study site of files no sheet places; type a new name to add a site.")
        self.participant_type = _editable_combo(
            "default_participant_type", choices.participant_types, "Not said",
            "The participant type of speakers no sheet describes (interviewers excepted).")
        self.method = QComboBox()
        self.method.setObjectName("default_method")
        self.method.addItem(self.GUESS_METHOD, None)
        for method in METHODS:
            self.method.addItem(method.replace("-", " ").capitalize(), method)
        self.method.setToolTip("Without a method, three or more respondents make a focus group, else an interview.")
        self.use_date = QCheckBox("&Date:")
        self.use_date.setObjectName("use_default_date")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("default_date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("d MMMM yyyy")
        self.date.setEnabled(False)
        self.use_date.toggled.connect(self.date.setEnabled)
        self.use_date.setToolTip("The date of files no sheet dates (a date written in a transcript's header wins).")
        defaults_box = QGroupBox("Defaults for files no sheet describes")
        defaults_form = QFormLayout(defaults_box)
        defaults_form.addRow("&Site:", self.site)
        defaults_form.addRow("Participant &type:", self.participant_type)
        defaults_form.addRow("&Method:", self.method)
        defaults_form.addRow(self.use_date, self.date)

        self.patterns = QPlainTextEdit()
        self.patterns.setObjectName("speaker_patterns")
        self.patterns.setTabChangesFocus(True)
        self.patterns.setPlaceholderText(r"One per line, e.g.  ^(?P<name>[A-Z]{2,4})\s*>\s*")
        self.patterns.setToolTip("Regular expressions matched at the start of a paragraph, each with a "
                                 "(?P<name>…) group and optionally (?P<time>…); tried before the built-in ones.")
        self.patterns.setMaximumHeight(self.patterns.fontMetrics().lineSpacing() * 4 + 12)
        self.patterns.textChanged.connect(self._check_patterns)
        self.patterns_status = _status_label("speaker_patterns_status")
        self.pattern_error: str | None = None
        patterns_box = QGroupBox("Custom speaker labels (optional)")
        patterns_layout = QVBoxLayout(patterns_box)
        patterns_layout.addWidget(self.patterns)
        patterns_layout.addWidget(self.patterns_status)

        layout = QVBoxLayout(self)
        layout.addWidget(sheets_box)
        layout.addWidget(defaults_box)
        layout.addWidget(patterns_box)
        layout.addStretch()
        self._check_patterns()

    def speaker_patterns(self) -> list[str]:
        return [line.strip() for line in self.patterns.toPlainText().splitlines() if line.strip()]

    def _check_patterns(self) -> None:
        patterns = self.speaker_patterns()
        try:
            custom_conventions(patterns)
        except SpeakerPatternError as error:
            self.pattern_error = str(error)
            _show_status(self.patterns_status, self.pattern_error, error=True)
        else:
            self.pattern_error = None
            _show_status(self.patterns_status, f"{_plural(len(patterns), 'pattern')}, all valid." if patterns
                         else "Built-in labels only (Name:, Interviewer:, [00:12:34] Speaker 2:, bold names…).")
        self.completeChanged.emit()

    def errors(self) -> list[str]:
        errors = [chooser.error for chooser in self.sheets.values() if chooser.error]
        return errors + ([self.pattern_error] if self.pattern_error else [])

    def isComplete(self) -> bool:
        return not self.errors()

    def options(self, coder_id: int | None) -> ImportOptions:
        date = self.date.date().toPython() if self.use_date.isChecked() else None
        return ImportOptions(
            site=self.site.currentText().strip() or None,
            participant_type=self.participant_type.currentText().strip() or None,
            method=self.method.currentData(),
            date=date if isinstance(date, dt.date) else None,
            attributes_sheet=self.sheets["attributes"].path,
            speaker_map=self.sheets["speakers"].path,
            sites_sheet=self.sheets["sites"].path,
            speaker_patterns=self.speaker_patterns(),
            coder_id=coder_id,
        )


class PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setObjectName("preview_page")
        self.setTitle("Check before importing")
        self.setSubTitle("Each file as the import will read it. Files marked failed or duplicate are skipped; "
                         "fix or remove them first if they matter.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.view = _table_view("preview_table")
        self.view.setRootIsDecorated(True)  # files open onto their speakers
        self.view.setModel(wizard.preview_model)
        _column_widths(self.view, (26, 17, 34, 30, 6, 7, 13, 10))
        self.view.setToolTip("Expand a file to see its speakers; interviewers are in italics and never counted.")
        self.progress = QProgressBar()
        self.progress.setObjectName("preview_progress")
        self.summary = _status_label("preview_summary")
        self.again_button = QPushButton("Check &again")
        self.again_button.setObjectName("preview_again")
        self.again_button.setToolTip("Read the files again, after changing or fixing some of them.")
        self.again_button.clicked.connect(wizard.start_preview)
        self.warnings = _warnings_box("preview_warnings")
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.again_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.progress)
        layout.addLayout(row)
        layout.addWidget(self.warnings)

    def initializePage(self) -> None:
        self.wizard().start_preview()

    def cleanupPage(self) -> None:  # Back to the details: a running preview is moot
        self.wizard().cancel_preview()

    def isComplete(self) -> bool:
        wizard = self.wizard()
        return not wizard.preview_running and wizard.preview_model.counts()["ready"] > 0


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setObjectName("import_page")
        self.setTitle("Importing")
        self.setSubTitle("Each file is saved on its own as soon as it is read. Cancelling stops after the "
                         "current file; the files already imported stay in the project.")
        self.current = _status_label("import_current")
        self.progress = QProgressBar()
        self.progress.setObjectName("import_progress")
        self.cancel_button = QPushButton("&Stop after this file")
        self.cancel_button.setObjectName("cancel_import")
        self.cancel_button.setToolTip("Stop the import once the file being saved now is done.")
        self.cancel_button.clicked.connect(wizard.cancel_import)
        self.error = _status_label("import_error")
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        layout.addStretch()

    def initializePage(self) -> None:
        wizard = self.wizard()
        if wizard.import_job is None and wizard.report is None:
            wizard.start_import()

    def isComplete(self) -> bool:
        return self.wizard().report is not None


class ResultsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.setObjectName("results_page")
        self.setTitle("Import finished")
        self.summary = _status_label("results_summary")
        self.view = _table_view("results_table")
        self.view.setModel(wizard.results_model)
        _column_widths(self.view, (28, 18, 7, 6, 30))
        self.warnings = _warnings_box("results_warnings")
        self.undo_note = QLabel(UNDO_NOTE)
        self.undo_note.setObjectName("results_undo_note")
        self.undo_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.warnings)
        layout.addWidget(self.undo_note)

    def show_report(self, report: ImportReport) -> None:
        _show_status(self.summary, summarise(report), error=bool(report.failed))
        self.warnings.setPlainText("\n".join(report.warnings))
        self.warnings.setVisible(bool(report.warnings))


def summarise(report: ImportReport) -> str:
    """One line for the results page: how many of each outcome, and what a cancel kept."""
    counts = {status: sum(1 for r in report.results if r.status == status)
              for status in ("imported", "duplicate", "failed")}
    turns = sum(r.turns for r in report.results if r.status == "imported")
    parts = [f"{_plural(counts['imported'], 'file')} imported ({_plural(turns, 'turn')})"]
    if counts["duplicate"]:
        parts.append(f"{counts['duplicate']:,} already in the project")
    if counts["failed"]:
        parts.append(f"{counts['failed']:,} failed")
    text = "; ".join(parts) + "."
    if report.cancelled:
        text = f"Import cancelled: {text} Files not reached were not imported."
    if report.warnings:
        text += f" {_plural(len(report.warnings), 'warning')} below."
    return text


# --- the wizard -------------------------------------------------------------------------

class ImportWizard(QWizard):
    """Import transcripts into ``workspace``'s project. Emits ``imported(source ids)`` and
    ``finished_import(report)`` when an import ends (also when cancelled part-way)."""

    imported = Signal(list)
    finished_import = Signal(object)

    FILES, DETAILS, PREVIEW, IMPORT, RESULTS = range(5)

    def __init__(self, workspace: Workspace, paths: Sequence[Path] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_wizard")
        self.setWindowTitle("Import transcripts")
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.setMinimumSize(820, 560)
        self.workspace = workspace
        with workspace.read() as session:
            self.choices = import_choices(session)
        self.paths_model = PathListModel(self)
        self.preview_model = PreviewModel(self)
        self.results_model = ResultsModel(self)
        self.preview_job: Job | None = None
        self.import_job: Job | None = None
        self.report: ImportReport | None = None
        self.preview_error: str | None = None
        self.files_page = FilesPage(self)
        self.details_page = DetailsPage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        self.results_page = ResultsPage(self)
        for number, page in enumerate((self.files_page, self.details_page, self.preview_page,
                                       self.import_page, self.results_page)):
            self.setPage(number, page)
        self.add_paths(paths)

    # --- files ------------------------------------------------------------------------

    def add_paths(self, paths: Iterable[Path]) -> int:
        """Add files or folders to the list (already listed ones are passed over)."""
        return self.paths_model.add(Path(p) for p in paths)

    def options(self) -> ImportOptions:
        return self.details_page.options(self.workspace.coder_id)

    # --- preview ----------------------------------------------------------------------

    @property
    def preview_running(self) -> bool:
        return self.preview_job is not None and self.preview_job.is_running

    def start_preview(self) -> Job:
        """Read every file off the GUI thread, as the import will; the preview page shows
        progress, then the result. A preview already running is abandoned."""
        self.cancel_preview()
        paths, options, project = self.paths_model.paths(), self.options(), self.workspace.project

        def preview(progress, is_cancelled) -> tuple[list[FilePreview], list[str]]:
            files = preview_files(paths, options, project=project, progress=progress, is_cancelled=is_cancelled)
            return files, batch_warnings(paths, options)

        job = Job(preview)
        self.preview_job, self.preview_error = job, None
        page = self.preview_page
        self.preview_model.set_previews([])
        page.warnings.hide()
        page.progress.setRange(0, 0)
        page.progress.show()
        page.again_button.setEnabled(False)
        _show_status(page.summary, "Reading the files…")
        job.progress.connect(lambda done, total, name: self._preview_progress(job, done, total, name))
        job.finished.connect(lambda result: self._preview_finished(job, *result))
        job.failed.connect(lambda message, _details: self._preview_failed(job, message))
        job.done.connect(page.completeChanged)
        job.start()
        page.completeChanged.emit()
        return job

    def cancel_preview(self) -> None:
        if self.preview_running:
            self.preview_job.cancel()
        self.preview_job = None

    def _preview_progress(self, job: Job, done: int, total: int, name: str) -> None:
        if job is not self.preview_job:
            return
        self.preview_page.progress.setRange(0, total)
        self.preview_page.progress.setValue(done)
        if name:
            _show_status(self.preview_page.summary, f"Reading {name} ({done + 1:,} of {total:,})…")

    def _preview_finished(self, job: Job, previews: list[FilePreview], warnings: list[str]) -> None:
        if job is not self.preview_job or job.is_cancelled():
            return
        page = self.preview_page
        self.preview_model.set_previews(previews)
        page.warnings.setPlainText("\n".join(warnings))
        page.warnings.setVisible(bool(warnings))
        if len(previews) <= 20:  # a short batch shows its speakers at once
            page.view.expandAll()
        page.progress.hide()
        page.again_button.setEnabled(True)
        counts = self.preview_model.counts()
        words = sum(p.words for p in previews if p.status == "ready")
        text = f"{_plural(counts['ready'], 'file')} ready to import ({_plural(words, 'word')})"
        skipped = [f"{counts['duplicate']:,} already in the project or repeated"] if counts["duplicate"] else []
        skipped += [f"{counts['failed']:,} cannot be read"] if counts["failed"] else []
        text += f"; {' and '.join(skipped)}, skipped." if skipped else "."
        if not counts["ready"]:
            text += " There is nothing to import: go back and add other files."
        _show_status(page.summary, text, error=not counts["ready"] or bool(counts["failed"]))

    def _preview_failed(self, job: Job, message: str) -> None:
        if job is not self.preview_job:
            return
        self.preview_error = message
        self.preview_page.progress.hide()
        self.preview_page.again_button.setEnabled(True)
        _show_status(self.preview_page.summary, message, error=True)

    # --- import -----------------------------------------------------------------------

    def start_import(self) -> Job:
        """Import the listed files on the writer thread, one transaction per file."""
        if self.import_job is not None and self.import_job.is_running:
            raise RuntimeError("An import is already running.")
        self.cancel_preview()
        paths, options, project = self.paths_model.paths(), self.options(), self.workspace.project
        job = Job(lambda progress, is_cancelled: import_files(
            project, paths, options, progress=progress, is_cancelled=is_cancelled), writes=True)
        self.import_job, self.report = job, None
        page = self.import_page
        page.progress.setRange(0, 0)
        page.cancel_button.setEnabled(True)
        _show_status(page.error, "")
        _show_status(page.current, "Starting…")
        job.progress.connect(self._import_progress)
        job.finished.connect(self._import_finished)
        job.failed.connect(self._import_failed)
        job.start()
        return job

    def cancel_import(self) -> None:
        if self.import_job is not None and self.import_job.is_running and not self.import_job.is_cancelled():
            self.import_job.cancel()
            self.import_page.cancel_button.setEnabled(False)
            _show_status(self.import_page.current, "Stopping after the current file…")

    def _import_progress(self, done: int, total: int, name: str) -> None:
        page = self.import_page
        page.progress.setRange(0, total)
        page.progress.setValue(done)
        if name and not self.import_job.is_cancelled():
            _show_status(page.current, f"Importing {name} ({done + 1:,} of {total:,})…")

    def _import_finished(self, report: ImportReport) -> None:
        self.report = report
        self.import_page.cancel_button.setEnabled(False)
        _show_status(self.import_page.current, "Done." if not report.cancelled else "Cancelled.")
        self.results_model.set_report(report)
        self.results_page.show_report(report)
        ids = [r.source_id for r in report.results if r.status == "imported" and r.source_id is not None]
        self.workspace.announce(Change(frozenset({"sources", "attributes"}), frozenset(ids)))
        self.import_page.completeChanged.emit()
        if self.currentId() == self.IMPORT:
            self.next()
        self.imported.emit(ids)
        self.finished_import.emit(report)

    def _import_failed(self, message: str, _details: str) -> None:
        self.import_page.cancel_button.setEnabled(False)
        _show_status(self.import_page.current,
                     "The import stopped; any file imported before the problem stays in the project.")
        _show_status(self.import_page.error, message, error=True)
        self.workspace.announce(Change(frozenset({"sources", "attributes"})))

    # --- closing ----------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel while importing stops after the current file and stays to show what was
        imported; otherwise the wizard closes (a running preview is abandoned)."""
        if self.import_job is not None and self.import_job.is_running:
            self.cancel_import()
            return
        self.cancel_preview()
        super().reject()
