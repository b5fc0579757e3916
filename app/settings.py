"""Typed application settings, declared once: key, type and default (QSettings underneath).

Per-user, per-machine preferences live here (the coder's name, recent projects, window
layout, font size, pinned themes); anything about the analysis lives in the project.
Tests point QSettings at a temporary folder (tests/app/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QSettings

MAX_RECENT = 10


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str


CODER_NAME = Setting("coder/name", str, "", "The name written on every coding and edit.")
CODER_INITIALS = Setting("coder/initials", str, "", "Short initials shown in stripes and lists.")
RECENT_PROJECTS = Setting("projects/recent", list, [], "Most recently opened projects, newest first.")
FONT_SIZE = Setting("transcript/font_size", int, 12, "Transcript font size in points.")
LINE_WIDTH = Setting("transcript/line_width", int, 80, "Longest transcript line, in characters.")
SHOW_STRIPES = Setting("transcript/show_stripes", bool, True, "Show the coding-stripe margin.")
RECENT_THEMES = Setting("coding/recent", list, [], "Theme ids chosen lately in the palette, by project.")
PINNED_THEMES = Setting("coding/pinned", list, [], "Theme GUIDs on quick-code keys 1-9, by project.")
WINDOW_RECT = Setting("window/rect", QRect, QRect(), "Main window size and place when not maximised.")
WINDOW_MAXIMIZED = Setting("window/maximized", bool, False, "Whether the main window was maximised.")
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray(), "Dock and toolbar layout.")


class Settings:
    """Read and write the declared settings with their types and defaults."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or QSettings()

    def get(self, setting: Setting) -> Any:
        value = self.store.value(setting.key, setting.default)
        if value is None:
            return setting.default
        if setting.type is list:
            # QSettings gives a lone string for a one-item list, and None for an empty one.
            return [value] if isinstance(value, str) else list(value)
        if setting.type is bool and isinstance(value, str):
            return value.lower() == "true"
        if setting.type is int:
            try:
                return int(value)
            except (TypeError, ValueError):
                return setting.default
        return value

    def set(self, setting: Setting, value: Any) -> None:
        self.store.setValue(setting.key, value)

    # --- helpers for settings with some shape ------------------------------------------

    def coder(self) -> tuple[str, str]:
        return self.get(CODER_NAME).strip(), self.get(CODER_INITIALS).strip()

    def set_coder(self, name: str, initials: str) -> None:
        self.set(CODER_NAME, " ".join(name.split()))
        self.set(CODER_INITIALS, initials.strip())

    def recent_projects(self) -> list[str]:
        return [p for p in self.get(RECENT_PROJECTS) if p]

    def add_recent_project(self, location: str) -> None:
        recent = [location] + [p for p in self.recent_projects() if p != location]
        self.set(RECENT_PROJECTS, recent[:MAX_RECENT])

    def remove_recent_project(self, location: str) -> None:
        self.set(RECENT_PROJECTS, [p for p in self.recent_projects() if p != location])

    def pinned_themes(self, project_guid: str) -> list[str]:
        """Theme GUIDs pinned to keys 1-9 in one project ('' for an empty key)."""
        stored = self.store.value(f"{PINNED_THEMES.key}/{project_guid}", [])
        pinned = [stored] if isinstance(stored, str) else list(stored or [])
        return (pinned + [""] * 9)[:9]

    def set_pinned_themes(self, project_guid: str, guids: list[str]) -> None:
        self.store.setValue(f"{PINNED_THEMES.key}/{project_guid}", (list(guids) + [""] * 9)[:9])

    def recent_themes(self, project_guid: str) -> list[int]:
        """Theme ids chosen lately in one project, newest first."""
        stored = self.store.value(f"{RECENT_THEMES.key}/{project_guid}", [])
        values = [stored] if isinstance(stored, str) else list(stored or [])
        return [int(v) for v in values if str(v).isdigit()]

    def set_recent_themes(self, project_guid: str, theme_ids: list[int]) -> None:
        self.store.setValue(f"{RECENT_THEMES.key}/{project_guid}", [str(i) for i in theme_ids])
