"""The page shown when no project is open: start something, or carry on where you were."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    """New, Open, the demo study, and the recent projects (a short list, so a list widget)."""

    recent_chosen = Signal(str)

    def __init__(self, new_action, open_action, demo_action) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h1>Charter</h1><p>Framework analysis of interviews and focus groups.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for text, action, name in (
            ("New project…", new_action, "welcome_new"),
            ("Open project…", open_action, "welcome_open"),
            ("Open the demo study", demo_action, "welcome_demo"),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.recent_label = QLabel("<b>Recent projects</b>")
        self.recent_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addSpacing(16)
        layout.addWidget(self.recent_label)
        self.recent = QListWidget()
        self.recent.setObjectName("welcome_recent")
        self.recent.setMaximumWidth(560)
        self.recent.setMaximumHeight(220)
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.recent, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_recent(self, locations: list[str]) -> None:
        self.recent.clear()
        for location in locations:
            path = Path(location)
            item = QListWidgetItem(f"{path.stem}  —  {path.parent}" if path.suffix == ".charter" else location)
            item.setData(Qt.ItemDataRole.UserRole, location)
            item.setToolTip(location)
            self.recent.addItem(item)
        self.recent_label.setVisible(bool(locations))
        self.recent.setVisible(bool(locations))
