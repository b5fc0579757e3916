"""Full-text search over speaker turns, with keyword-in-context results and offsets.

A search runs in two steps. The database's full-text index (FTS5 on SQLite, a GIN
``tsvector`` index on PostgreSQL, see ``models.search_index``) narrows the project down
to candidate turns in one query that also brings who said each turn and where. Python
then reads each candidate source's text once, re-tokenises the turn exactly as the
index does and finds the matched words (``framework.query.find_matches``). That second
step gives every hit its offsets and context, and it is what makes both back ends return
identical results although PostgreSQL's parser and accent handling differ from FTS5's.

Decisions a caller should know:

* One hit per matching turn. ``start``/``end`` are the first matched words in it;
  ``matches`` holds every matched span of the turn, for highlighting. ``limit`` counts
  turns.
* Hits come in reading order, by source name (code-point order) and then position,
  not by relevance: bm25 (SQLite) and ts_rank (PostgreSQL) score differently, and a
  concordance that researchers page through should not reorder between back ends.
* Accents: "cafe" and "café" find each other on both back ends. On PostgreSQL the index
  keeps accents, so each word is also looked for under every accented spelling the
  index holds; that list is read once and cached until the index changes.
* Context is cut from the turn itself (about 60 characters either side, whitespace
  squeezed, "…" where cut), with the match marked «thus», so it shows only what this
  speaker said.
* A hit's site is its speaker's site; turns of interviewers (who belong to no site) and
  unlabelled preambles take the site of their source.
* Known gap, PostgreSQL only: its parser keeps some runs whole ("3.5", web and e-mail
  addresses), so a part of one ("5", "example") is not found there; SQLite finds it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Integer, and_, column, exists, false, func, or_, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, aliased

from framework.query import (
    Node,
    QueryError,
    Token,
    expand_words,
    find_matches,
    group_by_fold,
    parse,
    to_fts5,
    to_tsquery,
    tokenize,
)
from models import Coding, Participant, Site, Source, Turn

SearchError = QueryError

CONTEXT_CHARS = 60
SOURCES_PER_QUERY = 50  # source texts read per round trip while confirming hits
MATCH_MARKS = ("«", "»")


@dataclass(frozen=True)
class SearchHit:
    """One turn that matches. ``source_text[start:end]`` is its first matched words."""

    source_id: int
    source: str
    turn_id: int
    start: int
    end: int
    speaker: str | None
    site: str | None
    participant_type: str | None
    context: str
    matches: tuple[tuple[int, int], ...] = ()

    def as_json(self) -> dict:
        """The stable shape scripts rely on (``charter search --json``)."""
        return {
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "site": self.site,
            "type": self.participant_type,
            "context": self.context,
        }


@dataclass(frozen=True)
class _Candidate:
    turn_id: int
    source_id: int
    source: str
    start: int
    end: int
    speaker: str | None
    site: str | None
    participant_type: str | None


def search(
    session: Session,
    query: str,
    *,
    lemma: bool = False,
    site: str | None = None,
    participant_type: str | None = None,
    theme_path_ids: list[int] | None = None,
    include_interviewer: bool = True,
    limit: int | None = None,
) -> list[SearchHit]:
    """Turns matching ``query`` (see ``framework.query`` for the syntax), in reading order.

    ``lemma`` also finds each plain word's other forms (meet → met, meeting).
    ``site`` and ``participant_type`` keep turns of that site or speaker type;
    ``theme_path_ids`` searches only the words inside passages coded at any of those
    themes (pass a theme and its descendants for a branch; an empty list finds
    nothing); ``include_interviewer=False`` leaves interviewers' turns out.
    Raises ``SearchError`` (a ``QueryError``) with one sentence for a malformed query.
    """
    node = parse(query)
    if lemma:
        from framework import nlp

        node = expand_words(node, nlp.word_forms)
    if (theme_path_ids is not None and not theme_path_ids) or (limit is not None and limit <= 0):
        return []
    filters = _Filters(site, participant_type, theme_path_ids, include_interviewer)
    candidates = _candidates(session, node, filters)
    return list(_confirmed_hits(session, node, candidates, theme_path_ids, limit))


@dataclass(frozen=True)
class _Filters:
    site: str | None
    participant_type: str | None
    theme_ids: list[int] | None
    include_interviewer: bool


# --------------------------------------------------------------------------- step 1: SQL


def _candidates(session: Session, node: Node, filters: _Filters) -> list[_Candidate]:
    """Turns the index says may match, with speaker, site and type, in reading order."""
    speaker_site, source_site = aliased(Site), aliased(Site)
    site_name = func.coalesce(speaker_site.name, source_site.name)
    statement = (
        select(
            Turn.id, Turn.source_id, Source.name, Turn.start, Turn.end,
            Participant.name, site_name, Participant.participant_type,
        )
        .join(Source, Source.id == Turn.source_id)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .outerjoin(speaker_site, speaker_site.id == Participant.site_id)
        .outerjoin(source_site, source_site.id == Source.site_id)
        .where(Turn.id.in_(_index_match(session, node)))
    )
    if filters.site is not None:
        statement = statement.where(site_name == filters.site)
    if filters.participant_type is not None:
        statement = statement.where(Participant.participant_type == filters.participant_type)
    if not filters.include_interviewer:
        statement = statement.where(
            or_(Participant.id.is_(None), Participant.is_interviewer == false())
        )
    if filters.theme_ids:
        statement = statement.where(_overlaps_coding(filters.theme_ids))
    try:
        rows = session.execute(statement).all()
    except (OperationalError, ProgrammingError) as error:
        # Every word is quoted when rendered, so this would be a bug in the rendering;
        # the user still gets one sentence rather than a database's syntax error.
        if "fts5" not in str(error) and "tsquery" not in str(error):
            raise
        raise SearchError("The search index could not run this query.") from error
    candidates = [_Candidate(*row) for row in rows]
    candidates.sort(key=lambda c: (c.source, c.start))
    return candidates


def _index_match(session: Session, node: Node):
    """``SELECT`` of the ids of turns whose index entry passes the query's filter."""
    if session.get_bind().dialect.name == "sqlite":
        statement = text("SELECT rowid FROM turn_search WHERE turn_search MATCH :query")
        query = to_fts5(node)
    else:
        statement = text(
            "SELECT turn_id FROM turn_search WHERE body @@ to_tsquery('simple', :query)"
        )
        query = to_tsquery(node, _accented_lexemes(session))
    return statement.bindparams(query=query).columns(column("id", Integer))


def _overlaps_coding(theme_ids: list[int]):
    return exists().where(
        Coding.source_id == Turn.source_id,
        Coding.theme_id.in_(theme_ids),
        Coding.start < Turn.end,
        Coding.end > Turn.start,
    )


# PostgreSQL's index keeps accents; the accented words it holds, by folded spelling.
# Keyed by database and by a fingerprint of the index that changes whenever turns are
# added (ids only grow) or removed (the count drops).
_ACCENTED_CACHE: dict[tuple[str, int, int], dict[str, tuple[str, ...]]] = {}
_ACCENTED_CACHE_SIZE = 8


def _accented_lexemes(session: Session) -> dict[str, tuple[str, ...]]:
    """The PostgreSQL index's words with non-ASCII letters, grouped by folded spelling."""
    count, last_id = session.execute(
        text("SELECT count(*), coalesce(max(turn_id), 0) FROM turn_search")
    ).one()
    key = (session.get_bind().url.render_as_string(hide_password=True), count, last_id)
    if key not in _ACCENTED_CACHE:
        words = session.scalars(
            text(
                "SELECT word FROM ts_stat('SELECT body FROM turn_search') "
                "WHERE word ~ '[^[:ascii:]]'"
            )
        )
        if len(_ACCENTED_CACHE) >= _ACCENTED_CACHE_SIZE:
            _ACCENTED_CACHE.pop(next(iter(_ACCENTED_CACHE)))
        _ACCENTED_CACHE[key] = group_by_fold(words)
    return _ACCENTED_CACHE[key]


# --------------------------------------------------------------------------- step 2: Python


def _confirmed_hits(
    session: Session,
    node: Node,
    candidates: Sequence[_Candidate],
    theme_ids: list[int] | None,
    limit: int | None,
) -> Iterator[SearchHit]:
    found = 0
    for chunk in _source_chunks(candidates):
        texts = _source_texts(session, chunk)
        coded = _coded_spans(session, chunk, theme_ids) if theme_ids else None
        for source_id, turns in chunk:
            for candidate in turns:
                spans = None if coded is None else coded.get(source_id, [])
                hit = _confirm(node, candidate, texts[source_id], spans)
                if hit is None:
                    continue
                yield hit
                found += 1
                if limit is not None and found >= limit:
                    return


def _source_chunks(candidates: Sequence[_Candidate]) -> Iterator[list[tuple[int, list[_Candidate]]]]:
    """Candidates grouped by source, a few dozen sources at a time."""
    groups = [(source_id, list(turns)) for source_id, turns in groupby(candidates, key=lambda c: c.source_id)]
    for index in range(0, len(groups), SOURCES_PER_QUERY):
        yield groups[index:index + SOURCES_PER_QUERY]


def _source_texts(session: Session, chunk: Sequence[tuple[int, list[_Candidate]]]) -> dict[int, str]:
    ids = [source_id for source_id, _ in chunk]
    return dict(session.execute(select(Source.id, Source.text).where(Source.id.in_(ids))).all())


def _coded_spans(
    session: Session, chunk: Sequence[tuple[int, list[_Candidate]]], theme_ids: list[int]
) -> dict[int, list[tuple[int, int]]]:
    ids = [source_id for source_id, _ in chunk]
    rows = session.execute(
        select(Coding.source_id, Coding.start, Coding.end).where(
            and_(Coding.source_id.in_(ids), Coding.theme_id.in_(theme_ids))
        )
    )
    spans: dict[int, list[tuple[int, int]]] = {}
    for source_id, start, end in rows:
        spans.setdefault(source_id, []).append((start, end))
    return spans


def _confirm(
    node: Node, candidate: _Candidate, source_text: str, coded: list[tuple[int, int]] | None
) -> SearchHit | None:
    """The hit for ``candidate`` if the query really matches it (in coded words only,
    when ``coded`` spans are given), else None."""
    turn_text = source_text[candidate.start:candidate.end]
    tokens = tokenize(turn_text)
    if coded is not None:
        tokens = _inside(tokens, coded, candidate.start)
    spans = find_matches(node, tokens)
    if not spans:
        return None
    matches = tuple((candidate.start + start, candidate.start + end) for start, end in spans)
    first_start, first_end = spans[0]
    return SearchHit(
        source_id=candidate.source_id,
        source=candidate.source,
        turn_id=candidate.turn_id,
        start=matches[0][0],
        end=matches[0][1],
        speaker=candidate.speaker,
        site=candidate.site,
        participant_type=candidate.participant_type,
        context=keyword_in_context(turn_text, first_start, first_end),
        matches=matches,
    )


def _inside(tokens: Iterable[Token], spans: Sequence[tuple[int, int]], offset: int) -> list[Token]:
    """The tokens lying wholly inside one of ``spans`` (source offsets)."""
    return [
        token for token in tokens
        if any(start <= offset + token.start and offset + token.end <= end for start, end in spans)
    ]


_SPACES = re.compile(r"\s+")


def keyword_in_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """``text[start:end]`` marked «thus», with about ``width`` characters either side.

    A side that had to be cut loses its partial word and shows "…"; runs of whitespace
    (line breaks in a turn) become single spaces, so the result is one line.
    """
    left_from, right_to = max(0, start - width), min(len(text), end + width)
    left, right = text[left_from:start], text[end:right_to]
    if left_from > 0:
        left = "…" + re.sub(r"^\S*\s*", "", left, count=1)
    if right_to < len(text):
        right = re.sub(r"\s*\S*$", "", right, count=1) + "…"
    opening, closing = MATCH_MARKS
    line = f"{left.lstrip()}{opening}{text[start:end]}{closing}{right.rstrip()}"
    return _SPACES.sub(" ", line)
