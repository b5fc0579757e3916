"""What the GUI tests ask of the fixture project (``conftest.workspace``): a source's
id and text, a theme's id (or GUID) by path, where a phrase stands, every coding, and coding a
phrase through the same undoable command the GUI runs."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from app.commands.coding import code_passage
from framework.codebook import find_theme
from models import Coding, Source


class Coded(NamedTuple):
    """A coding made by ``code``: its id and the span it covers."""

    coding_id: int
    source_id: int
    start: int
    end: int


def source(workspace, name: str) -> tuple[int, str]:
    """The id and text of the source called ``name``."""
    with workspace.read() as session:
        found = session.scalar(select(Source).where(Source.name == name))
        return found.id, found.text


def theme_id(workspace, path: str) -> int:
    with workspace.read() as session:
        return find_theme(session, path).id


def theme_guid(workspace, path: str) -> str:
    with workspace.read() as session:
        return find_theme(session, path).guid


def span(workspace, source_name: str, phrase: str) -> tuple[int, int, int]:
    """(source id, start, end) of the first place ``phrase`` stands in the source."""
    source_id, text = source(workspace, source_name)
    start = text.index(phrase)
    return source_id, start, start + len(phrase)


def code(workspace, source_name: str, phrase: str, theme_path: str, *, memo: str = "") -> Coded:
    """Code ``phrase`` (its first occurrence) at ``theme_path``, as one undoable command."""
    source_id, start, end = span(workspace, source_name, phrase)
    command = code_passage(workspace, source_id, theme_id(workspace, theme_path), start, end, theme_path, memo)
    assert workspace.run(command)
    return Coded(command.result_id, source_id, start, end)


def codings(workspace) -> list[tuple[int, int, int, int, str]]:
    """(id, theme id, start, end, memo) of every coding, sorted."""
    with workspace.read() as session:
        return sorted((c.id, c.theme_id, c.start, c.end, c.memo) for c in session.scalars(select(Coding)))
