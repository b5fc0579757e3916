"""Snapshots of part of the framework, so that merging, deleting and adding themes can
be undone and redone exactly, with every id unchanged.

Merging or deleting a theme touches many tables at once: codings are re-pointed,
combined or deleted (and with them their segments, comments and citations), summaries
are moved, appended to or deleted (with their revisions, citations, comments and review
events), sub-themes move and siblings are renumbered. Rather than invert each of those
steps, ``capture`` copies every row that the operation can change, and ``restore`` puts
exactly those rows back, deleting whatever the operation created in between. Later
commands on the undo stack refer to themes, codings and summaries by id, which is why
rows come back with the ids, GUIDs and timestamps they had.

Coding segments are restored from the snapshot too: they were exact when captured (the
text of a coded source cannot change), and copying them back avoids re-reading every
transcript a large theme touches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from framework.errors import CharterError
from models import (
    Coding,
    CodingSegment,
    Comment,
    ReviewEvent,
    Summary,
    SummaryCitation,
    SummaryRevision,
    Theme,
)

Row = dict[str, object]


@dataclass(frozen=True, eq=False)
class ThemeState:
    """Plain copies of rows, safe to keep on an undo stack across sessions.

    ``owned`` are the themes whose own codings and summaries were captured; ``places``
    holds every theme's (parent, position) at capture time, so sibling order comes back
    too. Rows of a theme's tree are ordered parents first.
    """

    themes: tuple[Row, ...] = ()
    owned: frozenset[int] = frozenset()
    places: dict[int, tuple[int | None, int]] = field(default_factory=dict)
    codings: tuple[Row, ...] = ()
    segments: tuple[Row, ...] = ()
    summaries: tuple[Row, ...] = ()
    revisions: tuple[Row, ...] = ()
    citations: tuple[Row, ...] = ()
    comments: tuple[Row, ...] = ()
    review_events: tuple[Row, ...] = ()

    @property
    def theme_ids(self) -> list[int]:
        return [row["id"] for row in self.themes]

    @property
    def source_ids(self) -> frozenset[int]:
        """Sources whose codings the snapshot holds (the panes showing them must refresh)."""
        return frozenset(row["source_id"] for row in self.codings)


def _rows(session: Session, query: Select) -> tuple[Row, ...]:
    return tuple(dict(row) for row in session.execute(query).mappings())


def _tree(session: Session) -> tuple[dict[int, tuple[int | None, int]], dict[int | None, list[int]]]:
    places = {row.id: (row.parent_id, row.position)
              for row in session.execute(select(Theme.id, Theme.parent_id, Theme.position))}
    children: dict[int | None, list[int]] = {}
    for theme_id, (parent_id, _position) in sorted(places.items(), key=lambda item: (item[1][1], item[0])):
        children.setdefault(parent_id, []).append(theme_id)
    return places, children


def _subtrees(roots: Iterable[int], children: dict[int | None, list[int]]) -> list[int]:
    """The roots and everything below them, parents before children, each once."""
    result: list[int] = []
    frontier = list(dict.fromkeys(roots))
    while frontier:
        result.extend(t for t in frontier if t not in result)
        frontier = [child for parent in frontier for child in children.get(parent, [])]
    return result


def capture(session: Session, theme_ids: Iterable[int], *, targets: Iterable[int] = ()) -> ThemeState:
    """Copy ``theme_ids`` with their whole subtrees, and ``targets`` (themes that will
    receive codings and summaries, such as a merge target or a deleted theme's parent)
    without their sub-themes; with each, its own codings, segments and summaries and
    everything that points at those. Every theme's place is recorded as well, so an
    empty capture (``capture(session, [])``) is a snapshot of the framework's order."""
    places, children = _tree(session)
    theme_ids, targets = list(theme_ids), list(targets)
    missing = [t for t in theme_ids + targets if t not in places]
    if missing:
        raise CharterError(f"Theme {missing[0]} no longer exists.")
    ordered = _subtrees(theme_ids, children)
    ordered += [t for t in targets if t not in ordered]
    depth = {theme_id: _depth(theme_id, places) for theme_id in ordered}
    ordered.sort(key=lambda t: depth[t])
    owned = frozenset(ordered)
    if not owned:
        return ThemeState(places=places)

    theme_rows = {row["id"]: row for row in _rows(session, select(Theme.__table__).where(Theme.id.in_(owned)))}
    coding_ids = select(Coding.id).where(Coding.theme_id.in_(owned))
    summary_ids = select(Summary.id).where(Summary.theme_id.in_(owned))
    return ThemeState(
        themes=tuple(theme_rows[t] for t in ordered),
        owned=owned,
        places=places,
        codings=_rows(session, select(Coding.__table__).where(Coding.theme_id.in_(owned)).order_by(Coding.id)),
        segments=_rows(session, select(CodingSegment.__table__).where(CodingSegment.coding_id.in_(coding_ids))
                       .order_by(CodingSegment.id)),
        summaries=_rows(session, select(Summary.__table__).where(Summary.theme_id.in_(owned)).order_by(Summary.id)),
        revisions=_rows(session, select(SummaryRevision.__table__).where(SummaryRevision.summary_id.in_(summary_ids))
                        .order_by(SummaryRevision.id)),
        citations=_rows(session, select(SummaryCitation.__table__).where(or_(
            SummaryCitation.summary_id.in_(summary_ids), SummaryCitation.coding_id.in_(coding_ids)))),
        comments=_rows(session, select(Comment.__table__).where(or_(
            Comment.summary_id.in_(summary_ids), Comment.coding_id.in_(coding_ids))).order_by(Comment.id)),
        review_events=_rows(session, select(ReviewEvent.__table__).where(ReviewEvent.summary_id.in_(summary_ids))
                            .order_by(ReviewEvent.id)),
    )


def parent_of(session: Session, theme_id: int) -> int | None:
    """The theme's parent, which a caller needs to know before choosing what to capture."""
    row = session.execute(select(Theme.parent_id).where(Theme.id == theme_id)).first()
    if row is None:
        raise CharterError(f"Theme {theme_id} no longer exists.")
    return row.parent_id


def narrow(before: ThemeState, after: ThemeState) -> tuple[ThemeState, ThemeState]:
    """The two snapshots of one operation, each keeping only the places that the
    operation changed (and those of the themes it captured). Restoring them then moves
    nothing else: on a shared database a teammate's reordering made in the meantime
    survives an undo or redo."""
    captured = {row["id"] for row in before.themes} | {row["id"] for row in after.themes}
    changed = {theme_id for theme_id in before.places.keys() | after.places.keys()
               if before.places.get(theme_id) != after.places.get(theme_id)} | captured

    def keep(state: ThemeState) -> ThemeState:
        return replace(state, places={t: place for t, place in state.places.items() if t in changed})

    return keep(before), keep(after)


def _depth(theme_id: int, places: dict[int, tuple[int | None, int]]) -> int:
    depth, parent = 0, places[theme_id][0]
    while parent is not None:
        depth, parent = depth + 1, places[parent][0]
    return depth


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def restore(session: Session, state: ThemeState, *, remove_theme_ids: Iterable[int] = ()) -> None:
    """Put back exactly what ``state`` holds, inside the caller's transaction.

    Codings and summaries of the captured themes, and of ``remove_theme_ids`` (themes
    created since the capture, with anything below them that the state does not know),
    are deleted and the captured ones re-inserted with their ids; captured themes that
    are gone are re-created, the others reset column by column; then every theme goes
    back to its captured parent and position, and the removed themes are deleted.
    """
    _places, children = _tree(session)
    removing = [t for t in _subtrees([t for t in remove_theme_ids if t in _places], children)
                if t not in state.places]
    emptied = sorted(state.owned | set(removing))

    # 1. Codings and summaries go (the database cascades to segments, citations,
    #    comments, revisions and review events); the captured ones come back below.
    if emptied:
        session.execute(delete(Coding).where(Coding.theme_id.in_(emptied)))
        session.execute(delete(Summary).where(Summary.theme_id.in_(emptied)))
    for chunk in _chunks([row["id"] for row in state.codings]):
        session.execute(delete(Coding).where(Coding.id.in_(chunk)))
    for chunk in _chunks([row["id"] for row in state.summaries]):
        session.execute(delete(Summary).where(Summary.id.in_(chunk)))
    session.flush()

    # 2. Themes: re-create the missing (parents first), reset the rest, then put every
    #    theme back in its place, then delete the themes created since.
    themes = {theme.id: theme for theme in session.scalars(select(Theme))}
    for row in state.themes:
        theme = themes.get(row["id"])
        if theme is None:
            theme = themes[row["id"]] = Theme(**row)
            session.add(theme)
            session.flush()  # a child's parent must exist before the child
        else:
            for key, value in row.items():
                if getattr(theme, key) != value:
                    setattr(theme, key, value)
    for theme_id, (parent_id, position) in state.places.items():
        theme = themes.get(theme_id)
        if theme is not None and (theme.parent_id, theme.position) != (parent_id, position):
            theme.parent_id, theme.position = parent_id, position
    session.flush()
    for theme_id in reversed(removing):  # deepest first: a parent cannot go before its children
        session.delete(themes[theme_id])
        session.flush()

    # 3. The captured rows come back, referenced rows before the rows that refer to them.
    session.add_all(Coding(**row) for row in state.codings)
    session.flush()
    if state.segments:
        session.execute(insert(CodingSegment), list(state.segments))
    _restore_summaries(session, state)


def _restore_summaries(session: Session, state: ThemeState) -> None:
    session.add_all(Summary(**row) for row in state.summaries)
    session.flush()
    for row in state.summaries:
        # The ORM numbers a new row's version 1 whatever it is given; saving over the
        # restored summary must see the version its author loaded, so set it directly.
        session.execute(update(Summary.__table__).where(Summary.__table__.c.id == row["id"])
                        .values(version=row["version"], updated_at=row["updated_at"]))
    session.expire_all()
    if state.revisions:
        session.execute(insert(SummaryRevision), list(state.revisions))
    citations = {(row["summary_id"], row["coding_id"]): row for row in state.citations}
    if citations:
        session.execute(insert(SummaryCitation), list(citations.values()))
    session.add_all(Comment(**row) for row in state.comments)
    session.add_all(ReviewEvent(**row) for row in state.review_events)
    session.flush()
