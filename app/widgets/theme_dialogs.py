"""The small dialogs of the Framework pane: a theme's definition, its colour, what to do
with its codings when it is deleted, and which theme to merge it into.

Each has a function that shows it and returns the answer, or None when cancelled, so
the pane stays short and tests can replace one function instead of driving a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from framework.palette import PALETTE

DEFINITION_LABELS = (
    ("description", "&Description", "What this theme captures, in a sentence or two"),
    ("use_when", "&Use when", "The kind of passage that belongs here"),
    ("dont_use_when", "Do &not use when", "Near misses, and the theme they belong to instead"),
    ("example", "E&xample quote", "A typical passage, as a participant said it"),
)


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 coding", "3 codings"; ``words`` for irregular plurals."""
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


class DefinitionDialog(QDialog):
    """The four parts of a codebook definition, as coders read them in the tooltip."""

    def __init__(self, name: str, values: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Definition of {name}")
        self.setObjectName("definition_dialog")
        self.editors: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        for field, label, hint in DEFINITION_LABELS:
            editor = QPlainTextEdit(values.get(field, ""))
            editor.setObjectName(f"definition_{field}")
            editor.setPlaceholderText(hint)
            editor.setTabChangesFocus(True)
            editor.setMinimumWidth(420)
            editor.setFixedHeight(editor.fontMetrics().lineSpacing() * (4 if field == "description" else 3) + 12)
            caption = QLabel(label)
            caption.setBuddy(editor)
            form.addRow(caption, editor)
            self.editors[field] = editor
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip("Save the definition (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {field: editor.toPlainText().strip() for field, editor in self.editors.items()}


def edit_definition(parent: QWidget | None, name: str, values: dict[str, str]) -> dict[str, str] | None:
    """The fields the user changed (empty if none), or None if cancelled."""
    dialog = DefinitionDialog(name, values, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return {field: value for field, value in dialog.values().items() if value != values.get(field, "")}


def ask_colour(parent: QWidget | None, name: str, current: str) -> str | None:
    """A colour as #RRGGBB; the palette's colour-blind-safe colours are offered first."""
    for slot in range(min(QColorDialog.customCount(), len(PALETTE))):
        QColorDialog.setCustomColor(slot, QColor(PALETTE[slot]))
    colour = QColorDialog.getColor(QColor(current), parent, f"Colour of {name}")
    return colour.name(QColor.NameFormat.HexRgb).upper() if colour.isValid() else None


class DeleteThemeDialog(QDialog):
    """States what deleting a theme takes with it and, when it has been used, asks
    whether its codings and summaries go to the parent theme or are deleted too.
    Cancel is the default button, so Enter never deletes by accident."""

    def __init__(self, name: str, parent_name: str | None, codings: int, summaries: int, sub_themes: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delete Theme")
        self.setObjectName("delete_theme_dialog")
        self.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        what = f"Delete the theme “{name}”"
        if sub_themes:
            what += f" and its {plural(sub_themes, 'sub-theme')}"
        question = QLabel(what + "?")
        question.setWordWrap(True)
        layout.addWidget(question)
        self.choices = QButtonGroup(self)
        self.move_choice = self.delete_choice = None
        used = codings or summaries
        if used:
            facts = QLabel(f"{'They have' if sub_themes else 'It has'} {plural(codings, 'coded passage')} "
                           f"and {plural(summaries, 'charted summary', 'charted summaries')}.")
            facts.setWordWrap(True)
            layout.addWidget(facts)
            self.move_choice = QRadioButton(
                f"&Move them to “{parent_name}”" if parent_name else "&Move them to the parent theme")
            self.move_choice.setObjectName("delete_move_to_parent")
            self.move_choice.setEnabled(parent_name is not None)
            if parent_name is None:
                self.move_choice.setToolTip("A top-level theme has no parent theme to take its codings.")
            self.delete_choice = QRadioButton("&Delete them too")
            self.delete_choice.setObjectName("delete_codings_too")
            for button in (self.move_choice, self.delete_choice):
                self.choices.addButton(button)
                layout.addWidget(button)
            (self.move_choice if parent_name is not None else self.delete_choice).setChecked(True)
        note = QLabel("You can undo this with Edit › Undo.")
        note.setEnabled(False)
        layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.delete_button = buttons.addButton("Delete", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setObjectName("delete_confirm")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)
        cancel.setAutoDefault(True)
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        cancel.setFocus()

    def choice(self) -> str:
        """The core's choice: "refuse" when there is nothing to decide."""
        if self.move_choice is not None and self.move_choice.isChecked():
            return "move-to-parent"
        if self.delete_choice is not None and self.delete_choice.isChecked():
            return "delete"
        return "refuse"


def ask_delete(parent: QWidget | None, name: str, parent_name: str | None, codings: int, summaries: int,
               sub_themes: int) -> str | None:
    dialog = DeleteThemeDialog(name, parent_name, codings, summaries, sub_themes, parent)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


class MergeTargetDialog(QDialog):
    """Choose the theme to merge into, by typing any part of its path."""

    def __init__(self, name: str, choices: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge {name} Into…")
        self.setObjectName("merge_target_dialog")
        self.targets = QComboBox()
        self.targets.setObjectName("merge_target")
        self.targets.setEditable(True)
        self.targets.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for theme_id, path in choices:
            self.targets.addItem(path, theme_id)
        completer = self.targets.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        caption = QLabel(f"Merge “{name}” &into:")
        caption.setBuddy(self.targets)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.targets)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def target_id(self) -> int | None:
        index = self.targets.findText(self.targets.currentText())
        return self.targets.itemData(index) if index >= 0 else None


def ask_merge_target(parent: QWidget | None, name: str, choices: list[tuple[int, str]]) -> int | None:
    dialog = MergeTargetDialog(name, choices, parent)
    return dialog.target_id() if dialog.exec() == QDialog.DialogCode.Accepted else None
