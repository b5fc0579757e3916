"""Preferences: who is coding, how transcripts look, and the quick-code keys 1–9.

Everything here is per user and per machine, stored in Settings; the quick-code keys
are per project (by its guid), so they are shown only when a project is open. Nothing
is stored until OK or Apply; ``applied`` then tells the main window to re-read the
transcript settings, and ``coder_changed`` to record the new coder identity.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.settings import FONT_SIZE, LINE_WIDTH, SHOW_STRIPES, Settings
from app.widgets.first_run import CoderFields
from app.workspace import Workspace
from framework.fuzzy import theme_candidates

FONT_SIZES = (8, 32)
LINE_WIDTHS = (50, 140)
PINNED_KEYS = 9
NO_THEME = "(no theme)"


class PreferencesDialog(QDialog):
    """OK stores and closes, Apply stores and stays, Cancel forgets; Restore Defaults
    resets the transcript settings in the form (not the coder or the keys)."""

    applied = Signal()
    coder_changed = Signal(str, str)  # name, initials

    def __init__(self, parent: QWidget | None = None, workspace: Workspace | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.settings = Settings()
        self.workspace = workspace
        layout = QVBoxLayout(self)

        coder = QGroupBox("You")
        coder_layout = QVBoxLayout(coder)
        self.coder_fields = CoderFields(*self.settings.coder())
        note = QLabel("Every coding and edit you make from now on carries this name.")
        note.setWordWrap(True)
        coder_layout.addWidget(self.coder_fields)
        coder_layout.addWidget(note)
        layout.addWidget(coder)

        transcripts = QGroupBox("Transcripts")
        form = QFormLayout(transcripts)
        self.font_size = QSpinBox()
        self.font_size.setObjectName("fontSize")
        self.font_size.setRange(*FONT_SIZES)
        self.font_size.setSuffix(" pt")
        self.font_size.setToolTip("The size of transcript text.")
        self.line_width = QSpinBox()
        self.line_width.setObjectName("lineWidth")
        self.line_width.setRange(*LINE_WIDTHS)
        self.line_width.setSingleStep(5)
        self.line_width.setSuffix(" characters")
        self.line_width.setToolTip("The longest line of transcript text; shorter lines are easier to read.")
        self.show_stripes = QCheckBox("Show coding &stripes beside the text")
        self.show_stripes.setObjectName("showStripes")
        self.show_stripes.setToolTip("A margin with one coloured bar per coded passage, labelled with its theme.")
        form.addRow("&Font size:", self.font_size)
        form.addRow("&Line width:", self.line_width)
        form.addRow(self.show_stripes)
        layout.addWidget(transcripts)

        self.key_boxes: list[QComboBox] = []
        self.candidates = []
        if workspace is not None:
            layout.addWidget(self._build_keys(workspace))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.defaults_button = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        self.defaults_button.setToolTip("Font size, line width and stripes as Charter first had them.")
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.apply_button.clicked.connect(self.apply)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.coder_fields.changed.connect(self._update_buttons)
        self._load()
        self._update_buttons()

    def _build_keys(self, workspace: Workspace) -> QGroupBox:
        """Nine lists of every theme, sharing one model."""
        with workspace.read() as session:
            self.candidates = theme_candidates(session)
        self.themes = QStandardItemModel(self)
        self.themes.appendRow(QStandardItem(NO_THEME))
        for candidate in self.candidates:
            item = QStandardItem("/".join(candidate.segments))
            item.setData(candidate.guid)
            item.setToolTip(candidate.path)
            self.themes.appendRow(item)
        group = QGroupBox(f"Quick-code keys in {workspace.project_name}")
        group.setToolTip("Press a number key while reading a transcript to code the selection to its theme.")
        form = QFormLayout(group)
        for key in range(1, PINNED_KEYS + 1):
            box = QComboBox()
            box.setObjectName(f"pinnedKey{key}")
            box.setModel(self.themes)
            box.setMaxVisibleItems(20)
            box.setAccessibleName(f"Theme on key {key}")
            box.activated.connect(lambda row, key=key: self._unique(key, row))
            form.addRow(f"Key &{key}:", box)
            self.key_boxes.append(box)
        return group

    def _unique(self, key: int, row: int) -> None:
        """A theme sits on one key only: choosing it for this key takes it off another."""
        if row <= 0:
            return
        for other, box in enumerate(self.key_boxes, start=1):
            if other != key and box.currentIndex() == row:
                box.setCurrentIndex(0)

    # --- values ----------------------------------------------------------------------

    def _load(self) -> None:
        self.font_size.setValue(self.settings.get(FONT_SIZE))
        self.line_width.setValue(self.settings.get(LINE_WIDTH))
        self.show_stripes.setChecked(self.settings.get(SHOW_STRIPES))
        if self.workspace is not None:
            rows = {candidate.guid: row for row, candidate in enumerate(self.candidates, start=1)}
            for box, guid in zip(self.key_boxes, self.settings.pinned_themes(self.workspace.project_guid)):
                box.setCurrentIndex(rows.get(guid, 0))

    def pinned_guids(self) -> list[str]:
        """The theme guid on each key, '' for a free key, as the form shows them."""
        return [box.currentData(Qt.ItemDataRole.UserRole + 1) or "" for box in self.key_boxes]

    def restore_defaults(self) -> None:
        self.font_size.setValue(FONT_SIZE.default)
        self.line_width.setValue(LINE_WIDTH.default)
        self.show_stripes.setChecked(SHOW_STRIPES.default)

    def _update_buttons(self) -> None:
        complete = self.coder_fields.is_complete()
        for button in (self.ok_button, self.apply_button):
            button.setEnabled(complete)
            button.setToolTip("" if complete else "Give your name first.")

    def apply(self) -> bool:
        """Store the form; False (nothing stored) while the name is empty."""
        if not self.coder_fields.is_complete():
            return False
        name, initials = self.coder_fields.name(), self.coder_fields.initials()
        coder_changed = (name, initials) != self.settings.coder()
        self.settings.set_coder(name, initials)
        self.settings.set(FONT_SIZE, self.font_size.value())
        self.settings.set(LINE_WIDTH, self.line_width.value())
        self.settings.set(SHOW_STRIPES, self.show_stripes.isChecked())
        if self.workspace is not None:
            self.settings.set_pinned_themes(self.workspace.project_guid, self.pinned_guids())
        if coder_changed:
            self.coder_changed.emit(name, initials)
        self.applied.emit()
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()
