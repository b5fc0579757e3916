"""The working analytical framework: a tree of themes, changed by small operations.

Themes are addressed on the command line by path, ``Facilitators/Strong leadership``;
a "/" inside a name is written "\\/". Every operation takes a session and plain values,
works inside the caller's transaction, and returns plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from framework.errors import CharterError
from framework.palette import new_theme_colour
from models import Coding, CodingSegment, Summary, Theme
from models.themes import HEX_COLOUR

# Colour-blind-safe defaults (Okabe–Ito, then Paul Tol's "muted"), in order of use.
PATH_SEPARATOR = re.compile(r"(?<!\\)/")


class ThemeInUse(CharterError):
    """Deleting would lose codings; the caller must choose what happens to them."""

    def __init__(self, message: str, codings: int, summaries: int) -> None:
        super().__init__(message)
        self.codings = codings
        self.summaries = summaries


@dataclass(frozen=True)
class ThemeNode:
    id: int
    path: str
    name: str
    colour: str
    children: list[ThemeNode]

    def as_json(self) -> dict:
        return {"id": self.id, "path": self.path, "name": self.name, "colour": self.colour,
                "children": [child.as_json() for child in self.children]}


def _escape(name: str) -> str:
    return name.replace("/", "\\/")


def split_path(path: str) -> list[str]:
    return [part.replace("\\/", "/").strip() for part in PATH_SEPARATOR.split(path.strip().strip("/"))]


def theme_paths(session: Session) -> dict[int, str]:
    """Every theme's path, computed from one query."""
    rows = session.execute(select(Theme.id, Theme.parent_id, Theme.name)).all()
    parents = {row.id: (row.parent_id, row.name) for row in rows}
    paths: dict[int, str] = {}

    def path_of(theme_id: int) -> str:
        if theme_id not in paths:
            parent_id, name = parents[theme_id]
            paths[theme_id] = _escape(name) if parent_id is None else f"{path_of(parent_id)}/{_escape(name)}"
        return paths[theme_id]

    for theme_id in parents:
        path_of(theme_id)
    return paths


def _named(session: Session, parent_id: int | None, name: str) -> list[Theme]:
    """Children of ``parent_id`` called ``name``, ignoring case in every script (SQLite's
    ``lower()`` only folds A–Z, so the comparison is made here)."""
    parent_filter = Theme.parent_id.is_(None) if parent_id is None else Theme.parent_id == parent_id
    wanted = name.casefold()
    return [t for t in session.scalars(select(Theme).where(parent_filter)) if t.name.casefold() == wanted]


def find_theme(session: Session, path: str) -> Theme:
    """A theme by path; a bare name is accepted when only one theme has it."""
    parts = split_path(path)
    theme = None
    for part in parts:
        found = _named(session, None if theme is None else theme.id, part)
        if not found:
            break
        theme = found[0]
    else:
        if theme is not None:
            return theme
    if len(parts) == 1:
        wanted = parts[0].casefold()
        matches = [t for t in session.scalars(select(Theme)) if t.name.casefold() == wanted]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise CharterError(f"{len(matches)} themes are called {parts[0]!r}; give the full path.")
    raise CharterError(f"There is no theme {path!r} in this project.")


def theme_tree(session: Session) -> list[ThemeNode]:
    themes = session.execute(
        select(Theme.id, Theme.parent_id, Theme.name, Theme.colour).order_by(Theme.position, Theme.id)
    ).all()
    paths = theme_paths(session)
    children: dict[int | None, list] = {}
    for theme in themes:
        children.setdefault(theme.parent_id, []).append(theme)

    def build(parent_id: int | None) -> list[ThemeNode]:
        return [ThemeNode(t.id, paths[t.id], t.name, t.colour, build(t.id)) for t in children.get(parent_id, [])]

    return build(None)


def place_for_new_theme(session: Session, path: str, parent_id: int | None = None) -> tuple[int | None, str]:
    """The parent and name of a theme typed as a path, as every command reads a path:
    "Facilitators/Co-location" is "Co-location" under Facilitators (a "/" inside a
    name is written "\\/"), below ``parent_id`` when one is given. The themes named
    before the last "/" must exist already."""
    parts = split_path(path)
    for depth, part in enumerate(parts[:-1], start=1):
        found = _named(session, parent_id, part)
        if not found:
            typed = "/".join(_escape(name) for name in parts[:depth])
            raise CharterError(f"There is no theme {typed!r} to add {parts[-1]!r} under.")
        parent_id = found[0].id
    return parent_id, parts[-1]


def descendant_ids(session: Session, theme_id: int) -> list[int]:
    """The theme and every theme below it."""
    pairs = session.execute(select(Theme.id, Theme.parent_id)).all()
    below: dict[int | None, list[int]] = {}
    for child, parent in pairs:
        below.setdefault(parent, []).append(child)
    result, frontier = [theme_id], [theme_id]
    while frontier:
        frontier = [child for parent in frontier for child in below.get(parent, [])]
        result.extend(frontier)
    return result


def _theme(session: Session, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise CharterError(f"Theme {theme_id} no longer exists.")
    return theme


MAX_NAME = 200


def _check_name(session: Session, name: str, parent_id: int | None, except_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise CharterError("A theme needs a name.")
    if len(name) > MAX_NAME:
        raise CharterError(f"A theme name can have at most {MAX_NAME} characters; {name[:30]!r}… has {len(name)}.")
    if any(t.id != except_id for t in _named(session, parent_id, name)):
        where = "at the top level" if parent_id is None else "under the same parent"
        raise CharterError(f"There is already a theme called {name!r} {where}.")
    return name


def _check_colour(colour: str) -> str:
    if not HEX_COLOUR.match(colour):
        raise CharterError(f"{colour!r} is not a colour; use the form #RRGGBB.")
    return colour.upper()


def _siblings(session: Session, parent_id: int | None, except_id: int | None = None) -> list[Theme]:
    parent_filter = Theme.parent_id.is_(None) if parent_id is None else Theme.parent_id == parent_id
    return [t for t in session.scalars(select(Theme).where(parent_filter).order_by(Theme.position, Theme.id))
            if t.id != except_id]


def _place(siblings: list[Theme], theme: Theme, position: int | None) -> None:
    """Insert ``theme`` among its siblings and number them 0, 1, 2… in order."""
    position = len(siblings) if position is None else max(0, min(position, len(siblings)))
    ordered = siblings[:position] + [theme] + siblings[position:]
    for index, sibling in enumerate(ordered):
        sibling.position = index


def add_theme(
    session: Session, name: str, *, parent_id: int | None = None, colour: str | None = None,
    position: int | None = None, description: str = "", use_when: str = "",
    dont_use_when: str = "", example: str = "",
) -> int:
    """A new theme; without a colour it takes its parent's, or the next palette colour."""
    name = _check_name(session, name, parent_id)
    if parent_id is not None:
        _theme(session, parent_id)  # the parent must exist
    colour = colour or new_theme_colour(session, parent_id)
    theme = Theme(name=name, parent_id=parent_id, colour=_check_colour(colour), description=description,
                  use_when=use_when, dont_use_when=dont_use_when, example=example)
    _place(_siblings(session, parent_id), theme, position)
    session.add(theme)
    session.flush()
    return theme.id


def rename_theme(session: Session, theme_id: int, name: str) -> str:
    """Returns the previous name (for undo)."""
    theme = _theme(session, theme_id)
    previous = theme.name
    theme.name = _check_name(session, name, theme.parent_id, except_id=theme_id)
    session.flush()
    return previous


def recolour_theme(session: Session, theme_id: int, colour: str) -> str:
    theme = _theme(session, theme_id)
    previous = theme.colour
    theme.colour = _check_colour(colour)
    session.flush()
    return previous


DEFINITION_FIELDS = ("description", "use_when", "dont_use_when", "example")


def define_theme(session: Session, theme_id: int, **fields: str) -> dict[str, str]:
    """Change any of the definition fields; returns their previous values."""
    unknown = set(fields) - set(DEFINITION_FIELDS)
    if unknown:
        raise CharterError(f"Unknown definition field {sorted(unknown)[0]!r}.")
    theme = _theme(session, theme_id)
    previous = {field: getattr(theme, field) for field in fields}
    for field, value in fields.items():
        setattr(theme, field, value.strip())
    session.flush()
    return previous


def move_theme(session: Session, theme_id: int, parent_id: int | None, position: int | None = None) -> tuple[int | None, int]:
    """Move under another parent (or reorder among siblings); returns the old place."""
    theme = _theme(session, theme_id)
    old = (theme.parent_id, theme.position)
    if parent_id is not None and parent_id in descendant_ids(session, theme_id):
        raise CharterError(f"Cannot move {theme.name!r} under itself or one of its own sub-themes.")
    _check_name(session, theme.name, parent_id, except_id=theme_id)
    if old[0] != parent_id:
        for index, sibling in enumerate(_siblings(session, old[0], except_id=theme_id)):
            sibling.position = index
    _place(_siblings(session, parent_id, except_id=theme_id), theme, position)
    theme.parent_id = parent_id
    session.flush()
    return old


@dataclass(frozen=True)
class MergeResult:
    codings_moved: int
    codings_combined: int
    summaries_moved: int
    summaries_appended: int
    children_moved: int


def merge_themes(session: Session, source_id: int, target_id: int, *, coder_id: int | None = None) -> MergeResult:
    """Merge theme ``source_id`` into ``target_id`` and delete it.

    Its codings are re-pointed to the target; where the same coder has now coded
    overlapping passages with the target, they are combined into one (so nothing is
    counted twice). Its summaries move to the target, or are appended to the target's
    summary of the same participant with a note. Its sub-themes move under the target.
    """
    from framework.coding import normalise_codings  # coding imports codebook helpers

    if source_id == target_id:
        raise CharterError("A theme cannot be merged into itself.")
    source, target = _theme(session, source_id), _theme(session, target_id)
    if target_id in descendant_ids(session, source_id):
        raise CharterError(f"Cannot merge {source.name!r} into one of its own sub-themes.")
    children = _siblings(session, source_id)
    for child in children:
        _check_name(session, child.name, target_id)
    for child in children:
        move_theme(session, child.id, target_id)

    keys = session.execute(
        select(Coding.source_id, Coding.coder_id).where(Coding.theme_id == source_id).distinct()
    ).all()
    moved = session.execute(
        update(Coding).where(Coding.theme_id == source_id).values(theme_id=target_id)
    ).rowcount
    session.execute(
        update(CodingSegment).where(CodingSegment.theme_id == source_id).values(theme_id=target_id)
    )
    combined = sum(normalise_codings(session, s, target_id, c) for s, c in keys)

    summaries_moved = summaries_appended = 0
    for summary in session.scalars(select(Summary).where(Summary.theme_id == source_id)).all():
        existing = session.scalar(
            select(Summary).where(Summary.theme_id == target_id, Summary.participant_id == summary.participant_id)
        )
        if existing is None:
            summary.theme_id = target_id
            summaries_moved += 1
        else:
            from framework.summaries import append_to_summary

            append_to_summary(session, existing, f"[Merged from {source.name}] {summary.text}",
                              author_id=coder_id or summary.author_id)
            session.delete(summary)
            summaries_appended += 1
    session.flush()
    session.delete(source)
    session.flush()
    return MergeResult(moved, combined, summaries_moved, summaries_appended, len(children))


@dataclass(frozen=True)
class DeleteResult:
    themes_deleted: int
    codings_deleted: int
    codings_moved: int
    summaries_deleted: int


def delete_theme(session: Session, theme_id: int, *, codings: str = "refuse") -> DeleteResult:
    """Delete a theme and its sub-themes.

    ``codings`` says what happens to their codings: "refuse" (the default: raise
    ``ThemeInUse`` if there are any), "move-to-parent" (re-point them, and merge
    summaries, as if merged into the parent), or "delete" (codings and summaries go).
    """
    theme = _theme(session, theme_id)
    subtree = descendant_ids(session, theme_id)
    coding_count = session.scalar(select(func.count()).select_from(Coding).where(Coding.theme_id.in_(subtree))) or 0
    summary_count = session.scalar(select(func.count()).select_from(Summary).where(Summary.theme_id.in_(subtree))) or 0
    if codings not in ("refuse", "move-to-parent", "delete"):
        raise CharterError(f"Unknown choice {codings!r} for the codings of a deleted theme.")
    if codings == "refuse" and (coding_count or summary_count):
        raise ThemeInUse(
            f"{theme.name!r} has {coding_count} coding(s) and {summary_count} summary(ies); "
            "choose to move them to the parent theme or to delete them.",
            coding_count, summary_count,
        )
    if codings == "move-to-parent":
        if theme.parent_id is None:
            raise CharterError(f"{theme.name!r} is a top-level theme: there is no parent to move its codings to.")
        parent_id = theme.parent_id
        for descendant in reversed(subtree):  # deepest first, so each merge is into the parent chain
            merge_themes(session, descendant, parent_id)
        return DeleteResult(len(subtree), 0, coding_count, 0)
    session.execute(Coding.__table__.delete().where(Coding.theme_id.in_(subtree)))
    session.execute(Summary.__table__.delete().where(Summary.theme_id.in_(subtree)))
    for descendant in reversed(subtree):
        session.delete(session.get(Theme, descendant))
        session.flush()
    for index, sibling in enumerate(_siblings(session, theme.parent_id)):
        sibling.position = index
    session.flush()
    return DeleteResult(len(subtree), coding_count, 0, summary_count)
