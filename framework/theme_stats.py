"""What the Framework pane shows about each theme: its details and how much it is used.

The pane redraws its counts after every coding change, so they come from two grouped
queries (codings by source and theme, summaries by theme) whatever the number of
codings; totals over sub-themes are added up in Python over the tree, which has at most
a few hundred nodes.

The counts can also be kept up to date a source at a time: ``codings_by_source`` reads
how many codings each source has at each theme (every source: ~0.2 s at 250,000
codings; one source: under a millisecond), a view keeps that table and re-reads only
the sources a change names, and ``counts_from`` turns the table into ``ThemeCounts``
(~20 ms at the design scale). ``theme_counts`` is the two put together.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Coding, Summary, Theme


@dataclass(frozen=True, slots=True)
class ThemeRow:
    """One theme as the framework tree needs it (plain values, no ORM object)."""

    id: int
    parent_id: int | None
    position: int
    name: str
    colour: str
    guid: str
    description: str
    use_when: str
    dont_use_when: str
    example: str


def theme_rows(session: Session) -> list[ThemeRow]:
    """Every theme with its definition, siblings in framework order."""
    rows = session.execute(
        select(Theme.id, Theme.parent_id, Theme.position, Theme.name, Theme.colour, Theme.guid,
               Theme.description, Theme.use_when, Theme.dont_use_when, Theme.example)
        .order_by(Theme.position, Theme.id)
    )
    return [ThemeRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class ThemeCounts:
    """How much a theme is used. ``codings``/``sources``/``summaries`` count the theme
    itself; the ``total_`` numbers include every sub-theme below it (a source coded at
    two sub-themes counts once)."""

    codings: int = 0
    sources: int = 0
    summaries: int = 0
    total_codings: int = 0
    total_sources: int = 0
    total_summaries: int = 0


def theme_counts(session: Session) -> dict[int, ThemeCounts]:
    """Counts for every theme, unused ones included (all zero)."""
    return counts_from(theme_parents(session), codings_by_source(session), summary_counts(session))


def theme_parents(session: Session) -> dict[int, int | None]:
    """Every theme's parent (None at the top level)."""
    return dict(session.execute(select(Theme.id, Theme.parent_id)).all())


def summary_counts(session: Session) -> dict[int, int]:
    """Charted summaries per theme (themes without any left out)."""
    return dict(session.execute(select(Summary.theme_id, func.count()).group_by(Summary.theme_id)).all())


def codings_by_source(session: Session, source_ids: Collection[int] | None = None) -> dict[int, dict[int, int]]:
    """{source id: {theme id: codings}} for every source with codings; with
    ``source_ids``, for those sources only, each present (``{}`` if it has no coding,
    or no longer exists), so that a view can replace what it knew of them."""
    query = select(Coding.source_id, Coding.theme_id, func.count()).group_by(Coding.source_id, Coding.theme_id)
    result: dict[int, dict[int, int]] = {}
    if source_ids is not None:
        wanted = sorted(source_ids)
        if not wanted:
            return result
        query = query.where(Coding.source_id.in_(wanted))
        result = {source_id: {} for source_id in wanted}
    # Core rows, not ORM ones: 85,000 groups at the design scale.
    for source_id, theme_id, count in session.connection().execute(query):
        themes = result.get(source_id)
        if themes is None:
            themes = result[source_id] = {}
        themes[theme_id] = count
    return result


def counts_from(parents: Mapping[int, int | None], by_source: Mapping[int, Mapping[int, int]],
                summaries: Mapping[int, int]) -> dict[int, ThemeCounts]:
    """``ThemeCounts`` for every theme of ``parents`` from the codings per source and
    theme (``codings_by_source``) and the summaries per theme (``summary_counts``).
    Codings at a theme not in ``parents`` are ignored."""
    codings = dict.fromkeys(parents, 0)
    # The sources of a theme as a bit set (bit n: the n-th source of ``by_source``):
    # the union over a sub-tree is then one ``|`` per theme instead of set copies.
    seen = dict.fromkeys(parents, 0)
    for position, themes in enumerate(by_source.values()):
        bit = 1 << position
        for theme_id, count in themes.items():
            if theme_id in codings:
                codings[theme_id] += count
                seen[theme_id] |= bit

    children: dict[int | None, list[int]] = {}
    for theme_id, parent_id in parents.items():
        children.setdefault(parent_id, []).append(theme_id)
    result: dict[int, ThemeCounts] = {}

    def total(theme_id: int) -> tuple[int, int, int]:
        """Post-order walk: a theme's totals are its own plus its children's."""
        count, sources, charted = codings[theme_id], seen[theme_id], summaries.get(theme_id, 0)
        for child in children.get(theme_id, []):
            child_count, child_sources, child_charted = total(child)
            count += child_count
            sources |= child_sources
            charted += child_charted
        result[theme_id] = ThemeCounts(codings[theme_id], seen[theme_id].bit_count(), summaries.get(theme_id, 0),
                                       count, sources.bit_count(), charted)
        return count, sources, charted

    for root in children.get(None, []):
        total(root)
    return result
