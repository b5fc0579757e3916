"""Drag-and-drop formats shared by the panes.

A passage dragged from the transcript (or an extract) onto a theme codes it; a theme
dragged inside the framework tree moves it, or onto another theme merges it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData

PASSAGE_MIME = "application/x-charter-passage"
THEME_MIME = "application/x-charter-theme"


@dataclass(frozen=True)
class Passage:
    source_id: int
    start: int
    end: int


def passage_mime(passage: Passage, text: str = "") -> QMimeData:
    data = QMimeData()
    data.setData(PASSAGE_MIME, json.dumps([passage.source_id, passage.start, passage.end]).encode())
    if text:
        data.setText(text)
    return data


def passage_from_mime(data: QMimeData) -> Passage | None:
    if not data.hasFormat(PASSAGE_MIME):
        return None
    try:
        source_id, start, end = json.loads(bytes(data.data(PASSAGE_MIME)).decode())
        return Passage(int(source_id), int(start), int(end))
    except (ValueError, TypeError):
        return None
