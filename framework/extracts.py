"""Coded extracts: every passage coded at some themes, with who said it, where, and a
little of what came before and after — what a researcher reads when reviewing a theme.

Reading stays a handful of queries whatever the number of codings (the design target is
250,000): one for the codings, one for their speakers (``coding_segments`` carries the
theme, so it is filtered by theme rather than by a list of coding ids), one each for the
theme tree and the sites, and the source texts read once per source, a few dozen sources
at a time. Cutting passages out of whole texts in Python is far cheaper than one SQL
``substr`` per coding, which makes the database read (or decompress) the whole 60 KB text
for each passage: for 46,000 passages in 1,000 sources, 1.8 s against 0.07 s on SQLite.

Texts are optional (``with_text=False``) so that a long list can be counted and shown a
page at a time: ``with_passages`` fills in the texts of the page being shown.

Decisions a caller should know:

* A theme's extracts include its sub-themes' unless ``include_subthemes=False``; a
  passage coded at a theme and at its sub-theme is two extracts, each with its theme.
* Speakers are the non-interviewer participants whose turns the passage overlaps, in
  the order they speak; ``participant_types`` are theirs, in the same order.
* An extract's site is its source's site; a source without one (an external telephone
  interview) takes its first speaker's site.
* Context is up to ``CONTEXT_CHARS`` characters either side, cut at a word boundary
  ("…" marks a cut), with runs of whitespace squeezed to one space so it fits a line.

``code_passages`` is the other way round: many passages (every search hit) coded with
one theme as a single ``Edit``, so that one undo takes them all back.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.codebook import theme_paths
from framework.coding import CodingSnapshot, Edit, apply_coding
from models import Coder, Coding, CodingSegment, Participant, Site, Source, Theme

CONTEXT_CHARS = 80
SOURCES_PER_READ = 40  # source texts read at once: bounded memory, few round trips


class Extract(NamedTuple):
    """One coded passage. ``text`` is exactly ``source_text[start:end]`` once read.

    A named tuple rather than a dataclass: lists of tens of thousands are built at once,
    and a tuple is built several times faster than a frozen dataclass.
    """

    coding_id: int
    theme_id: int
    theme_path: str
    colour: str
    source_id: int
    source: str
    site: str | None
    speakers: tuple[str, ...]
    participant_types: tuple[str, ...]
    participant_ids: tuple[int, ...]
    coder: str
    start: int
    end: int
    memo: str
    text: str = ""
    before: str = ""
    after: str = ""
    has_text: bool = False

    @property
    def reference(self) -> str:
        """How a quotation is attributed in a report: "partner-interview, Janet Morris"."""
        return ", ".join([self.source, *self.speakers])


@dataclass(frozen=True)
class FilterValues:
    """What the extract and search filters can offer, as present in the project."""

    sites: list[str]
    participant_types: list[str]
    coders: list[tuple[int, str]]


def list_extracts(
    session: Session,
    theme_ids: Iterable[int],
    *,
    site: str | None = None,
    participant_type: str | None = None,
    coder_id: int | None = None,
    participant_ids: Collection[int] | None = None,
    source_ids: Collection[int] | None = None,
    include_subthemes: bool = True,
    with_text: bool = True,
) -> list[Extract]:
    """Every passage coded at ``theme_ids``, in source-name and text order.

    ``site`` keeps extracts of that site, ``participant_type`` those said (at least in
    part) by a participant of that type, ``participant_ids`` those said by any of those
    people (a matrix cell), ``coder_id`` one coder's, ``source_ids`` those sources'
    (to refresh only what an edit touched).
    """
    themes = _Themes(session)
    wanted = themes.with_descendants(theme_ids) if include_subthemes else set(theme_ids) & themes.ids
    if not wanted:
        return []
    query = _codings_query().where(Coding.theme_id.in_(sorted(wanted)))
    if coder_id is not None:
        query = query.where(Coding.coder_id == coder_id)
    if source_ids is not None:
        if not source_ids:
            return []
        query = query.where(Coding.source_id.in_(sorted(source_ids)))
    segments = CodingSegment.theme_id.in_(sorted(wanted))
    if source_ids is not None:
        segments = segments & CodingSegment.source_id.in_(sorted(source_ids))
    rows = _rows(session, query.order_by(Source.name, Coding.start, Coding.id))
    extracts = _build(session, themes, rows, segments)
    people = None if participant_ids is None else set(participant_ids)
    extracts = [
        e for e in extracts
        if (site is None or e.site == site)
        and (participant_type is None or participant_type in e.participant_types)
        and (people is None or not people.isdisjoint(e.participant_ids))
    ]
    return with_passages(session, extracts) if with_text else extracts


def memo_list(session: Session, *, source_id: int | None = None, with_text: bool = True) -> list[Extract]:
    """Codings that carry a memo, in source-name and text order; of one source if given."""
    query = _codings_query().where(Coding.memo != "")
    segments = CodingSegment.coding_id.in_(select(Coding.id).where(Coding.memo != ""))
    if source_id is not None:
        query = query.where(Coding.source_id == source_id)
        segments = segments & (CodingSegment.source_id == source_id)
    rows = _rows(session, query.order_by(Source.name, Coding.start, Coding.id))
    if not rows:
        return []
    extracts = _build(session, _Themes(session), rows, segments)
    return with_passages(session, extracts) if with_text else extracts


def filter_values(session: Session) -> FilterValues:
    """The sites, participant types (interviewers aside) and coders of the project."""
    sites = list(session.scalars(select(Site.name).order_by(Site.position, Site.name)))
    types = session.scalars(
        select(Participant.participant_type).distinct()
        .where(Participant.participant_type.is_not(None), Participant.is_interviewer.is_(False))
    )
    coders = [(row.id, row.name) for row in session.execute(select(Coder.id, Coder.name).order_by(Coder.name))]
    return FilterValues(sites, sorted(types, key=str.casefold), coders)


def with_passages(session: Session, extracts: list[Extract]) -> list[Extract]:
    """The same extracts with their text and context, each source's text read once."""
    result = list(extracts)
    waiting: dict[int, list[int]] = {}  # source id -> positions in ``result`` still without text
    for position, extract in enumerate(result):
        if not extract.has_text:
            waiting.setdefault(extract.source_id, []).append(position)
    missing = sorted(waiting)
    for first in range(0, len(missing), SOURCES_PER_READ):
        chunk = missing[first:first + SOURCES_PER_READ]
        for source_id, source_text in session.execute(select(Source.id, Source.text).where(Source.id.in_(chunk))):
            for position in waiting[source_id]:
                result[position] = _cut(result[position], source_text)
    return result


def context_before(text: str, start: int, width: int = CONTEXT_CHARS) -> str:
    """Up to ``width`` characters before ``start``, beginning at a word ("…" if cut)."""
    low = max(0, start - width)
    piece = text[low:start]
    if low > 0:
        if not text[low - 1].isspace():
            piece = piece[_WORD_TAIL.match(piece).end():]
        piece = "…" + piece.lstrip() if piece.strip() else ""
    return _squeeze(piece).lstrip()


def context_after(text: str, end: int, width: int = CONTEXT_CHARS) -> str:
    """Up to ``width`` characters after ``end``, ending at a word ("…" if cut)."""
    high = min(len(text), end + width)
    piece = text[end:high]
    if high < len(text):
        if not text[high].isspace():
            piece = piece[:len(piece) - _WORD_TAIL.match(piece[::-1]).end()]
        piece = piece.rstrip() + "…" if piece.strip() else ""
    return _squeeze(piece).rstrip()


# --- the pieces --------------------------------------------------------------------------

_WORD_TAIL = re.compile(r"\S*")  # the partial word at a cut end
_SPACES = re.compile(r"\s+")


def _squeeze(piece: str) -> str:
    return _SPACES.sub(" ", piece)


def _cut(extract: Extract, source_text: str) -> Extract:
    return extract._replace(
        text=source_text[extract.start:extract.end],
        before=context_before(source_text, extract.start),
        after=context_after(source_text, extract.end),
        has_text=True,
    )


def _codings_query():
    return (
        select(Coding.id, Coding.theme_id, Coding.source_id, Source.name, Source.site_id, Coder.name,
               Coding.start, Coding.end, Coding.memo)
        .join(Source, Source.id == Coding.source_id)
        .join(Coder, Coder.id == Coding.coder_id)
    )


class _Themes:
    """The theme tree read once: paths, colours, and who is below whom."""

    def __init__(self, session: Session) -> None:
        rows = session.execute(select(Theme.id, Theme.parent_id, Theme.colour)).all()
        self.ids = {row.id for row in rows}
        self.colours = {row.id: row.colour for row in rows}
        self.children: dict[int | None, list[int]] = {}
        for row in rows:
            self.children.setdefault(row.parent_id, []).append(row.id)
        self.paths = theme_paths(session)

    def with_descendants(self, theme_ids: Iterable[int]) -> set[int]:
        found: set[int] = set()
        frontier = [t for t in theme_ids if t in self.ids]
        while frontier:
            found.update(frontier)
            frontier = [child for parent in frontier for child in self.children.get(parent, []) if child not in found]
        return found


def _build(session: Session, themes: _Themes, rows, segment_filter) -> list[Extract]:
    """Extracts (without text) from coding rows, with speakers from ``coding_segments``.

    Most passages share their set of speakers with many others (one interviewee says
    hundreds of them), so each set is described (names, types, site) once."""
    if not rows:
        return []
    sites = dict(session.execute(select(Site.id, Site.name)).all())
    people = {
        row.id: row for row in session.execute(
            select(Participant.id, Participant.name, Participant.participant_type, Participant.site_id)
            .where(Participant.is_interviewer.is_(False))
        )
    }
    spoken: dict[int, list[int]] = {}
    segments = _rows(session, (
        select(CodingSegment.coding_id, CodingSegment.participant_id)
        .where(segment_filter, CodingSegment.participant_id.is_not(None))
        .order_by(CodingSegment.coding_id, CodingSegment.start)
    ))
    for coding_id, person_id in segments:
        if person_id in people:
            ids = spoken.setdefault(coding_id, [])
            if person_id not in ids:
                ids.append(person_id)
    described: dict[tuple[int, ...], tuple] = {(): ((), (), None)}
    extracts = []
    new = Extract._make
    for coding_id, theme_id, source_id, source, source_site, coder, start, end, memo in rows:
        ids = tuple(spoken.get(coding_id, ()))
        who = described.get(ids)
        if who is None:
            persons = [people[i] for i in ids]
            types = tuple(dict.fromkeys(p.participant_type for p in persons if p.participant_type))
            who = described[ids] = (tuple(p.name for p in persons), types, persons[0].site_id)
        names, types, speaker_site = who
        extracts.append(new((
            coding_id, theme_id, themes.paths.get(theme_id, ""), themes.colours.get(theme_id, "#999999"),
            source_id, source, sites.get(speaker_site if source_site is None else source_site), names, types, ids,
            coder, start, end, memo, "", "", "", False,
        )))
    return extracts


def _rows(session: Session, statement) -> list:
    """Plain rows of a column query, without the ORM's per-row bookkeeping (thousands of
    rows: that bookkeeping would cost more than the query)."""
    return session.connection().execute(statement).all()


def code_passages(session: Session, passages: Iterable[tuple[int, int, int]], theme_id: int,
                  coder_id: int) -> Edit:
    """Code many ``(source id, start, end)`` passages with one theme, as one ``Edit`` (so
    one undo takes them all back): every search hit, say. Passages this run codes and
    then merges into a later one count once; linear in the number of passages."""
    created: dict[int, None] = {}  # an ordered set: what exists now that did not before
    removed: list[CodingSnapshot] = []
    for source_id, start, end in passages:
        edit = apply_coding(session, source_id, theme_id, start, end, coder_id)
        for snapshot in edit.removed:
            if snapshot.id in created:
                del created[snapshot.id]  # made by this run, then merged: never existed before
            else:
                removed.append(snapshot)
        created.update(dict.fromkeys(edit.created))
    return Edit(list(created), removed)
