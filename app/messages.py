"""Message boxes in one style: a one-sentence message, technical details folded away."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """An error the user can act on: what went wrong in one sentence; details on demand."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def confirm(parent: QWidget | None, title: str, message: str, action: str, *, destructive: bool = True) -> bool:
    """Ask before doing something that is hard to take back; ``action`` names the button
    ("Delete", "Merge"), and Cancel is the default so Enter never destroys by accident."""
    box = QMessageBox(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question,
                      title, message, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole if destructive
                        else QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes
