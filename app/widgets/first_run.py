"""Who is coding: asked once, on the first run, and editable later in Preferences.

Every coding, summary and edit is stored with its coder, so team members can be told
apart in stripes, the audit log and agreement statistics. The name is asked before the
first project opens; the initials (shown in stripes and lists, where space is short)
are suggested from the name as it is typed and can be changed.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings

MAX_INITIALS = 4
EXPLANATION = "Every coding and edit you make carries this name, so your team can tell who did what."


def suggest_initials(name: str) -> str:
    """Initials for a name: the first letter of each word (hyphenated parts count as
    words), at most three; for a single word, its first two letters."""
    words = [re.sub(r"^[\W_]+", "", word) for word in re.split(r"[\s\-]+", name)]
    words = [word for word in words if word]
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:2].upper()
    if len(words) > 3:
        words = words[:2] + words[-1:]
    return "".join(word[0] for word in words).upper()


class CoderFields(QWidget):
    """A name and an initials field; the initials follow the name until the user gives
    their own (and follow again if that is cleared)."""

    changed = Signal()

    def __init__(self, name: str = "", initials: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit(" ".join(name.split()))
        self.name_edit.setObjectName("coderName")
        self.name_edit.setPlaceholderText("e.g. Janet Morris")
        self.name_edit.setToolTip("Your name as your team knows it; it is stored with every coding and edit.")
        self.name_edit.setMaxLength(120)
        self.initials_edit = QLineEdit(initials.strip() or suggest_initials(name))
        self.initials_edit.setObjectName("coderInitials")
        self.initials_edit.setMaxLength(MAX_INITIALS)
        self.initials_edit.setToolTip("Shown in coding stripes and lists, where a whole name does not fit.")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("&Name:", self.name_edit)
        layout.addRow("&Initials:", self.initials_edit)
        self._suggested = suggest_initials(name)
        self.name_edit.textChanged.connect(self._name_changed)
        self.initials_edit.textChanged.connect(self.changed)

    def _name_changed(self, name: str) -> None:
        current = self.initials_edit.text().strip()
        suggestion = suggest_initials(name)
        if not current or current == self._suggested:
            self.initials_edit.setText(suggestion)
        self._suggested = suggestion
        self.changed.emit()

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def initials(self) -> str:
        return self.initials_edit.text().strip() or suggest_initials(self.name())

    def is_complete(self) -> bool:
        return bool(self.name())


class FirstRunDialog(QDialog):
    """The one question asked before Charter is first used."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome to Charter")
        heading = QLabel("<b>Who is coding?</b>")
        explanation = QLabel(EXPLANATION)
        explanation.setObjectName("firstRunExplanation")
        explanation.setWordWrap(True)
        self.fields = CoderFields(*Settings().coder())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Start")
        self.ok_button.setToolTip("Give your name first.")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.fields)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.fields.changed.connect(self._update_ok)
        self._update_ok()
        self.fields.name_edit.setFocus()
        self.setMinimumWidth(420)

    def _update_ok(self) -> None:
        complete = self.fields.is_complete()
        self.ok_button.setEnabled(complete)
        self.ok_button.setToolTip("" if complete else "Give your name first.")

    def accept(self) -> None:
        if self.fields.is_complete():
            super().accept()

    def identity(self) -> tuple[str, str]:
        return self.fields.name(), self.fields.initials()


def ask_coder(parent: QWidget | None = None) -> tuple[str, str] | None:
    """Ask for the coder's name and initials; None if the user declined."""
    dialog = FirstRunDialog(parent)
    try:
        return dialog.identity() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def ensure_coder_identity(parent: QWidget | None = None) -> tuple[str, str] | None:
    """The stored coder identity, asking for it (and storing it) the first time; None
    if it was never given, in which case nothing can be coded."""
    settings = Settings()
    name, initials = settings.coder()
    if name:
        return name, initials or suggest_initials(name)
    answer = ask_coder(parent)
    if answer is not None:
        settings.set_coder(*answer)
    return answer
