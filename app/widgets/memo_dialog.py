"""A coding's memo: a short note on why a passage was coded so, kept with the coding."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.commands.coding import MemoCommand
from app.workspace import Workspace
from framework.transcript import CodingMark

EXCERPT_LENGTH = 240


class MemoDialog(QDialog):
    """Shows the passage and its theme above an editable memo. OK (or Ctrl+Return) saves
    the memo as one undoable change; Cancel (Esc) leaves the coding as it was."""

    def __init__(self, workspace: Workspace, source_id: int, mark: CodingMark, passage: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memo_dialog")
        self.workspace, self.source_id, self.mark = workspace, source_id, mark
        self.setWindowTitle(f"Memo — {mark.theme_name}")
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{html.escape(mark.theme_path)}</b> · coded by {html.escape(mark.coder_name)}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        quoted = " ".join(passage.split())
        if len(quoted) > EXCERPT_LENGTH:
            quoted = quoted[:EXCERPT_LENGTH - 1] + "…"
        excerpt = QLabel(f"“{quoted}”")
        excerpt.setObjectName("memo_passage")
        excerpt.setWordWrap(True)
        excerpt.setTextFormat(Qt.TextFormat.PlainText)
        excerpt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        italic = excerpt.font()
        italic.setItalic(True)  # set apart as a quotation: context, not something to edit
        excerpt.setFont(italic)
        layout.addWidget(excerpt)
        label = QLabel("&Memo:")
        layout.addWidget(label)
        self.editor = QPlainTextEdit(mark.memo)
        label.setBuddy(self.editor)
        self.editor.setObjectName("memo_text")
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText("Why this passage belongs to this theme, doubts, links to other passages…")
        self.editor.setAccessibleName("Memo")
        layout.addWidget(self.editor, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("memo_buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip("Save the memo (Ctrl+Return)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.accept)
        self.resize(460, 320)
        self.editor.setFocus()
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def memo(self) -> str:
        return self.editor.toPlainText().strip()

    def accept(self) -> None:
        """Save (if the memo changed) and close; if the project refused, stay open so the
        text typed is not lost (the workspace has already told the user why)."""
        if self.memo() != self.mark.memo.strip():
            command = MemoCommand(self.workspace, self.mark.id, self.memo(), self.source_id)
            if not self.workspace.run(command):
                return
        super().accept()
