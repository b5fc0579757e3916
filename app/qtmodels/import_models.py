"""The import wizard's tables: the paths picked, the preview of each file (with its
speakers), and the results of the import.

Rows are formatted once, when a model is filled: views call ``data()`` for every visible
cell and role on each paint, so it must be a lookup, not formatting. Files the import
would skip or could not read are shown in ``ERROR_COLOUR``, interviewers in italics.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from importers.preview import FilePreview, PathSummary, describe_path
from importers.service import ImportReport

ERROR_COLOUR = QColor("#b00020")

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class _Row:
    display: tuple[str, ...]
    tooltip: str
    problem: bool = False  # shown in the error colour
    italic: bool = False  # interviewers: present, never counted


def _italic_font() -> QFont:
    font = QFont()
    font.setItalic(True)
    return font


class _Preformatted:
    """What a model of preformatted rows answers the same way, flat or a tree: the
    column titles, and each cell from the ``_Row`` that ``_row_at`` finds for it."""

    COLUMNS: tuple[str, ...] = ()
    NUMERIC: tuple[int, ...] = ()  # right-aligned columns

    def _row_at(self, index: QModelIndex) -> _Row:
        raise NotImplementedError

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=DISPLAY):
        if not index.isValid():
            return None
        row, column = self._row_at(index), index.column()
        if role == DISPLAY:
            return row.display[column]
        if role == TOOLTIP:
            return row.tooltip
        if role == FOREGROUND:
            return ERROR_COLOUR if row.problem else None
        if role == ALIGNMENT:
            return RIGHT_ALIGNED if column in self.NUMERIC else None
        if role == FONT and row.italic:
            return _italic_font()
        return None


class _RowTable(_Preformatted, QAbstractTableModel):
    """A flat table of preformatted rows."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[_Row] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def _row_at(self, index: QModelIndex) -> _Row:
        return self.rows[index.row()]


class PathListModel(_RowTable):
    """The files and folders picked for import, each described (folders counted, types
    Charter cannot read flagged, the reason in the tooltip)."""

    COLUMNS = ("Name", "What it is", "Location")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[PathSummary] = []

    def add(self, paths: Iterable[Path]) -> int:
        """Append paths not listed yet (compared resolved); how many were added."""
        known = {entry.path.resolve() for entry in self.entries}
        new: list[PathSummary] = []
        for path in paths:
            path = Path(path).absolute()
            if path.resolve() not in known:
                known.add(path.resolve())
                new.append(describe_path(path))
        if new:
            self.beginInsertRows(QModelIndex(), len(self.entries), len(self.entries) + len(new) - 1)
            self.entries.extend(new)
            self.rows.extend(
                _Row((e.path.name or str(e.path), e.description, str(e.path.parent)),
                     e.problem or str(e.path), problem=e.problem is not None)
                for e in new
            )
            self.endInsertRows()
        return len(new)

    def remove_rows(self, rows: Iterable[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.entries[row], self.rows[row]
            self.endRemoveRows()

    def paths(self) -> list[Path]:
        return [entry.path for entry in self.entries]

    def transcripts(self) -> int:
        return sum(entry.transcripts for entry in self.entries if entry.problem is None)

    def problems(self) -> int:
        return sum(1 for entry in self.entries if entry.problem)


class PreviewModel(_Preformatted, QAbstractItemModel):
    """Files (top level) and their speakers (children), as the preview found them."""

    COLUMNS = ("File / speaker", "Status", "Problem or notes", "Speakers", "Turns", "Words", "Convention",
               "Site", "Method")
    NUMERIC = (4, 5)
    STATUS_TEXT = {"ready": "Ready", "duplicate": "Duplicate: skipped", "failed": "Failed: skipped"}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.previews: list[FilePreview] = []
        self._files: list[_Row] = []
        self._speakers: list[list[_Row]] = []

    def set_previews(self, previews: Sequence[FilePreview]) -> None:
        self.beginResetModel()
        self.previews = list(previews)
        self._files = [self._file_row(p) for p in self.previews]
        self._speakers = [[self._speaker_row(s) for s in p.speakers] for p in self.previews]
        self.endResetModel()

    def _file_row(self, preview: FilePreview) -> _Row:
        notes = " ".join(filter(None, [preview.error, *preview.notes]))
        tooltip = "\n".join(filter(None, [preview.error, preview.file,
                                          preview.encoding and f"Encoding: {preview.encoding}", *preview.notes]))
        status = self.STATUS_TEXT[preview.status]
        if preview.status == "failed":
            return _Row((preview.name, status, notes, "", "", "", "", "", ""), tooltip, problem=True)
        respondents = ", ".join(s.label or s.participant for s in preview.speakers if not s.is_interviewer)
        interviewers = ", ".join(preview.interviewers)
        speakers = respondents + (f" · interviewer: {interviewers}" if interviewers else "")
        return _Row((preview.name, status, notes, speakers, f"{preview.turns:,}", f"{preview.words:,}",
                     preview.convention or "", preview.site or "", preview.method or ""),
                    tooltip, problem=preview.status != "ready")

    @staticmethod
    def _speaker_row(speaker) -> _Row:
        kind = "Interviewer" if speaker.is_interviewer else (speaker.participant_type or "")
        if not speaker.label:  # a file without speaker labels: all its text is one person's
            return _Row((speaker.participant, kind, "No speaker labels: all the text is theirs", "",
                         f"{speaker.turns:,}", f"{speaker.words:,}", "", "", ""),
                        f"The file has no speaker labels: all its text is filed as {speaker.participant}'s.")
        name = speaker.label if speaker.participant == speaker.label else f"{speaker.label} → {speaker.participant}"
        tooltip = f"{speaker.label} is filed as {speaker.participant}" + (
            ", an interviewer: present in the text, never counted." if speaker.is_interviewer else ".")
        return _Row((name, kind, "", "", f"{speaker.turns:,}", f"{speaker.words:,}", "", "", ""),
                    tooltip, italic=speaker.is_interviewer)

    def index(self, row, column, parent=QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)  # a speaker: id = its file's row + 1

    def parent(self, index=None):
        if index is None:
            return super().parent()  # QObject.parent()
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._files)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return len(self._speakers[parent.row()])

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.COLUMNS)

    def _row_at(self, index: QModelIndex) -> _Row:
        file_row = index.internalId()
        return self._files[index.row()] if file_row == 0 else self._speakers[file_row - 1][index.row()]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(self.STATUS_TEXT, 0)
        for preview in self.previews:
            counts[preview.status] += 1
        return counts


class ResultsModel(_RowTable):
    """One row per file of a finished import: what happened, and why if it failed."""

    COLUMNS = ("File", "Result", "Source", "Turns", "Speakers", "Reason and notes")
    NUMERIC = (2, 3)
    STATUS_TEXT = {"imported": "Imported", "duplicate": "Duplicate: skipped", "failed": "Failed"}

    def set_report(self, report: ImportReport | None) -> None:
        self.beginResetModel()
        self.rows = [
            _Row((Path(r.file).name, self.STATUS_TEXT[r.status], "" if r.source_id is None else str(r.source_id),
                  f"{r.turns:,}", ", ".join(r.speakers), " ".join(filter(None, [r.error, *r.notes]))),
                 "\n".join(filter(None, [r.error, r.file, *r.notes])), problem=r.status == "failed")
            for r in (report.results if report else [])
        ]
        self.endResetModel()
