"""Full-text search over speaker turns, with keyword-in-context results and offsets.

A search runs in two steps. The database's full-text index (FTS5 on SQLite, a GIN
``tsvector`` index on PostgreSQL, see ``models.search_index``) finds the candidate turns,
already in reading order and a page at a time, in one query that also brings who said
each turn, where, and the turn's own text (never a whole source text). Python then
re-tokenises each turn exactly as the index does and finds the matched words
(``framework.query.find_matches``). That second step gives every hit its offsets and
context, and it is what makes both back ends return identical results although
PostgreSQL's parser and accent handling differ from FTS5's.

Decisions a caller should know:

* One hit per matching turn. ``start``/``end`` are the first matched words in it;
  ``matches`` holds every matched span of the turn, for highlighting. ``limit`` and
  ``offset`` count turns, so ``search(…, limit=200, offset=200)`` is exactly the page
  after ``search(…, limit=200)``; ``count_hits`` gives the total for "27,326 hits".
* Hits come in reading order: by source in the order the sources were imported, then by
  position in the source. That is turn-id order, because the importer adds each source's
  turns in one insert, in text order, right after the source (``importers.store``). It
  is not relevance order: bm25 (SQLite) and ts_rank (PostgreSQL) score differently, and
  a concordance that researchers page through should not reorder between back ends.
  Turn-id order is also the order FTS5 delivers rowids in, so SQLite never sorts: a
  page reads its own turns plus, for ``offset``, the rowids it skips.
* Exact and approximate filters. On SQLite, without a theme filter, FTS5's MATCH is the
  answer: the page (``LIMIT``/``OFFSET``) and ``count_hits`` (``count(*)``) come from
  SQL, and Python only finds the matched words. (It still checks them; should it ever
  reject a turn, which would mean FTS5 and ``framework.query`` split words differently,
  the page is filled from the turns after it, but that turn is in the count and in the
  offsets of later pages.) Otherwise the index only narrows the turns down:
  PostgreSQL's tsquery turns NEAR into AND and drops excluded phrases, and a theme
  filter keeps turns that touch a coded passage although only the coded words count.
  Then Python decides: a page is filled by fetching further candidates (keyset on turn
  id, twice as many each time) until it is full, ``offset`` skips that many *confirmed*
  hits, and ``count_hits`` confirms every candidate, so it costs about what ``search``
  for all hits does.
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from framework.query import (
    And,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    Token,
    expand_words,
    find_matches,
    fold,
    group_by_fold,
    parse,
    to_fts5,
    to_tsquery,
    tokenize,
)

SearchError = QueryError

CONTEXT_CHARS = 60
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
    offset: int = 0,
) -> list[SearchHit]:
    """Turns matching ``query`` (see ``framework.query`` for the syntax), in reading order.

    ``lemma`` also finds each plain word's other forms (meet → met, meeting).
    ``site`` and ``participant_type`` keep turns of that site or speaker type;
    ``theme_path_ids`` searches only the words inside passages coded at any of those
    themes (pass a theme and its descendants for a branch; an empty list finds
    nothing); ``include_interviewer=False`` leaves interviewers' turns out.
    ``limit`` hits from the ``offset``-th on (0-based); ``limit=None``: all of them.
    Raises ``SearchError`` (a ``QueryError``) with one sentence for a malformed query.
    """
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")
    plan = _plan(session, query, lemma, _Filters(site, participant_type, theme_path_ids, include_interviewer))
    if plan is None or (limit is not None and limit <= 0):
        return []
    # Where the index is exact, SQL skips ``offset`` candidates; else Python skips hits.
    sql_offset, skip = (offset, 0) if plan.exact else (0, offset)
    batch = None if limit is None else limit + skip
    hits: list[SearchHit] = []
    for row, turn_text, spans in _matching_turns(session, plan, batch, sql_offset):
        if skip:
            skip -= 1
            continue
        hits.append(_hit(row, turn_text, spans))
        if len(hits) == limit:
            break
    return hits


def count_hits(
    session: Session,
    query: str,
    *,
    lemma: bool = False,
    site: str | None = None,
    participant_type: str | None = None,
    theme_path_ids: list[int] | None = None,
    include_interviewer: bool = True,
) -> int:
    """How many hits ``search`` with the same arguments returns without a limit.

    One ``count(*)`` on SQLite; with a theme filter or on PostgreSQL, where the index
    only narrows the turns down, every candidate turn is checked as ``search`` would.
    """
    filters = _Filters(site, participant_type, theme_path_ids, include_interviewer)
    return _totals(session, query, lemma, filters, with_sources=False)[0]


def count_hits_and_sources(
    session: Session,
    query: str,
    *,
    lemma: bool = False,
    site: str | None = None,
    participant_type: str | None = None,
    theme_path_ids: list[int] | None = None,
    include_interviewer: bool = True,
) -> tuple[int, int]:
    """``count_hits`` and the number of sources the hits are in ("1,204 hits in 87
    sources"), from the same one query (a distinct count beside ``count(*)``)."""
    filters = _Filters(site, participant_type, theme_path_ids, include_interviewer)
    return _totals(session, query, lemma, filters, with_sources=True)


def _totals(session: Session, query: str, lemma: bool, filters: _Filters, *,
            with_sources: bool) -> tuple[int, int]:
    plan = _plan(session, query, lemma, filters)
    if plan is None:
        return 0, 0
    if plan.exact:
        hits, sources = _execute(session, _count_statement(plan, with_sources), _parameters(plan)).one()
        return hits, sources or 0
    hits, found = 0, set()
    for row, _text, _spans in _matching_turns(session, plan, None, 0):
        hits += 1
        found.add(row[1])
    return hits, len(found)


@dataclass(frozen=True)
class _Filters:
    site: str | None
    participant_type: str | None
    theme_ids: list[int] | None
    include_interviewer: bool

    @property
    def need_people(self) -> bool:
        return self.site is not None or self.participant_type is not None or not self.include_interviewer


@dataclass(frozen=True)
class _Plan:
    node: Node
    filters: _Filters
    sqlite: bool
    match: str  # the FTS5 expression or the tsquery
    finder: _Finder

    @property
    def exact(self) -> bool:
        """Whether the index's answer is the search's (see the module's docstring)."""
        return self.sqlite and self.filters.theme_ids is None


def _plan(session: Session, query: str, lemma: bool, filters: _Filters) -> _Plan | None:
    """The parsed query and how to run it; None when it can find nothing."""
    node = parse(query)
    if lemma:
        from framework import nlp

        node = expand_words(node, nlp.word_forms)
    if filters.theme_ids is not None and not filters.theme_ids:
        return None
    sqlite = session.get_bind().dialect.name == "sqlite"
    match = to_fts5(node) if sqlite else to_tsquery(node, _accented_lexemes(session))
    return _Plan(node, filters, sqlite, match, _Finder(node))


# --------------------------------------------------------------------------- step 1: SQL

# Who said a turn and where; ``site`` is the speaker's site, else the source's.
_JOINS = (
    'JOIN turns t ON t.id = {turn_id} '
    'JOIN sources s ON s.id = t.source_id '
    'LEFT JOIN participants p ON p.id = t.participant_id '
    'LEFT JOIN sites ps ON ps.id = p.site_id '
    'LEFT JOIN sites ss ON ss.id = s.site_id '
)
_COLUMNS = (
    't.id, t.source_id, s.name, t.start, t."end", '
    'p.name, coalesce(ps.name, ss.name), p.participant_type, {turn_text}'
)
# SQLite: FTS5 keeps each turn's text, so a page never reads a (60 KB) source text.
# PostgreSQL's index holds only the tsvector: the turn is cut from its source there.
_SQLITE = {"turn_id": "turn_search.rowid", "turn_text": "turn_search.body",
           "match": "turn_search MATCH :query"}
_POSTGRES = {"turn_id": "turn_search.turn_id", "turn_text": 'substr(s.text, t.start + 1, t."end" - t.start)',
             "match": "turn_search.body @@ to_tsquery('simple', :query)"}
_TURN_TEXT = 'SELECT substr(text, :start + 1, :length) FROM sources WHERE id = :source_id'


def _conditions(plan: _Plan) -> str:
    """The WHERE clause: the index's filter and the caller's."""
    filters = plan.filters
    parts = [(_SQLITE if plan.sqlite else _POSTGRES)["match"]]
    if filters.site is not None:
        parts.append("coalesce(ps.name, ss.name) = :site")
    if filters.participant_type is not None:
        parts.append("p.participant_type = :participant_type")
    if not filters.include_interviewer:
        parts.append("p.is_interviewer IS NOT TRUE")  # also true without a participant
    if filters.theme_ids:
        parts.append(
            'EXISTS (SELECT 1 FROM codings c WHERE c.source_id = t.source_id '
            'AND c.theme_id IN :theme_ids AND c.start < t."end" AND c."end" > t.start)'
        )
    return " AND ".join(parts)


def _parameters(plan: _Plan) -> dict:
    filters = plan.filters
    values = {"query": plan.match, "site": filters.site, "participant_type": filters.participant_type,
              "theme_ids": filters.theme_ids}
    return {name: value for name, value in values.items() if value is not None}


def _page_statement(plan: _Plan, *, after: bool, limit: bool, offset: bool):
    """Candidates in turn-id order: after turn ``:after``, ``:limit`` of them from the
    ``:offset``-th on. FTS5 hands out rowids in order and takes the ``rowid >`` bound
    itself, so SQLite reads only the page (``EXPLAIN QUERY PLAN``: no sort)."""
    names = _SQLITE if plan.sqlite else _POSTGRES
    sql = (
        f"SELECT {_COLUMNS.format(**names)} FROM turn_search {_JOINS.format(**names)}"
        f"WHERE {_conditions(plan)}"
    )
    if after:
        sql += f" AND {names['turn_id']} > :after"
    sql += f" ORDER BY {names['turn_id']}"
    if limit:
        sql += " LIMIT :limit"
    if offset:
        sql += " OFFSET :offset" if limit or not plan.sqlite else " LIMIT -1 OFFSET :offset"
    return _with_theme_ids(text(sql), plan)


def _count_statement(plan: _Plan, with_sources: bool = False):
    """``count(*)`` of what the index matches, and with ``with_sources`` how many
    sources that is in (else 0). The index holds exactly one row per turn
    (``models.search_index``), so without filters on people or sources the joins are
    left out."""
    names = _SQLITE if plan.sqlite else _POSTGRES
    need_joins = with_sources or plan.filters.need_people or plan.filters.theme_ids
    joins = _JOINS.format(**names) if need_joins else ""
    sources = "count(DISTINCT t.source_id)" if with_sources else "0"
    return _with_theme_ids(
        text(f"SELECT count(*), {sources} FROM turn_search {joins}WHERE {_conditions(plan)}"), plan)


def _with_theme_ids(statement, plan: _Plan):
    if not plan.filters.theme_ids:
        return statement
    return statement.bindparams(bindparam("theme_ids", expanding=True))


def _execute(session: Session, statement, parameters: dict):
    try:
        return session.execute(statement, parameters)
    except (OperationalError, ProgrammingError) as error:
        # Every word is quoted when rendered, so this would be a bug in the rendering;
        # the user still gets one sentence rather than a database's syntax error.
        if "fts5" not in str(error) and "tsquery" not in str(error):
            raise
        raise SearchError("The search index could not run this query.") from error


def _matching_turns(
    session: Session, plan: _Plan, batch: int | None, offset: int
) -> Iterator[tuple[Sequence, str, list[tuple[int, int]]]]:
    """``(row, turn text, matched spans in it)`` for each candidate the query really matches,
    in reading order, from the ``offset``-th candidate on; the caller stops reading when
    it has enough. Candidates come ``batch`` at a time (twice as many each further time,
    as only rejected candidates make another round trip necessary), or all at once."""
    after = None
    while True:
        parameters = _parameters(plan)
        if after is not None:
            parameters["after"] = after
        if batch is not None:
            parameters["limit"] = batch
        if offset:
            parameters["offset"] = offset
        statement = _page_statement(
            plan, after=after is not None, limit=batch is not None, offset=bool(offset)
        )
        rows = _execute(session, statement, parameters).all()
        coded = _coded_spans(session, plan.filters.theme_ids, rows) if plan.filters.theme_ids else None
        for row in rows:
            turn_text = row[8]
            if plan.sqlite and len(turn_text) != row[4] - row[3]:
                turn_text = _turn_text(session, row)  # an index out of step: trust the source
            spans = plan.finder.spans(turn_text, None if coded is None else _turn_spans(coded, row))
            if spans:
                yield row, turn_text, spans
        if batch is None or len(rows) < batch:
            return
        after, offset, batch = rows[-1][0], 0, batch * 2


def _turn_text(session: Session, row: Sequence) -> str:
    _turn_id, source_id, _source, start, end = row[:5]
    parameters = {"source_id": source_id, "start": start, "length": end - start}
    return session.execute(text(_TURN_TEXT), parameters).scalar_one()


def _coded_spans(
    session: Session, theme_ids: list[int], rows: Sequence[Sequence]
) -> dict[int, list[tuple[int, int]]]:
    """The passages coded at ``theme_ids`` in the sources of ``rows``, by source. Turn-id
    order is source order, so a range of source ids covers them in one query."""
    spans: dict[int, list[tuple[int, int]]] = {}
    if not rows:
        return spans
    source_ids = [row[1] for row in rows]
    statement = text(
        'SELECT source_id, start, "end" FROM codings '
        "WHERE theme_id IN :theme_ids AND source_id BETWEEN :low AND :high"
    ).bindparams(bindparam("theme_ids", expanding=True))
    parameters = {"theme_ids": theme_ids, "low": min(source_ids), "high": max(source_ids)}
    for source_id, start, end in session.execute(statement, parameters):
        spans.setdefault(source_id, []).append((start, end))
    return spans


def _turn_spans(coded: dict[int, list[tuple[int, int]]], row: Sequence) -> list[tuple[int, int]]:
    """The coded passages overlapping the turn of ``row``, as offsets into the turn."""
    _turn_id, source_id, _source, start, end = row[:5]
    return [
        (low - start, high - start) for low, high in coded.get(source_id, ()) if low < end and high > start
    ]


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

_ASCII_WORD = re.compile(r"[a-z0-9]+")  # a word of lower-cased ASCII text, as WORD sees it
_new_token = tuple.__new__  # builds a Token without NamedTuple's Python-level __new__


class _Finder:
    """Finds the words of one query in a turn's text; built once per search.

    Every candidate turn passes through ``spans``, so it does as little per word as it
    can. Only words the query could match become tokens: those spelled as one of its
    words or starting with one of its prefixes (the words it excludes included, since NOT
    must see them). A sparse token list gives ``find_matches`` the same answer as the full
    one, as a phrase's next word or a NEAR's other word is one of these too. In ASCII text
    (nearly all of it) one regular expression over the lower-cased turn finds those words
    in C. Their positions matter only to phrases, which need to know whether two of them
    are consecutive words (is there a word between them?), and to NEAR, which counts the
    words between them; other queries number them 0, 1, 2… Other text is tokenised in
    full and filtered. A word or words joined by OR need no ``find_matches`` at all.
    """

    def __init__(self, node: Node) -> None:
        self.node = node
        words: set[str] = set()
        prefixes: set[str] = set()
        for term in _terms(node):
            (prefixes if term.prefix else words).update(fold(word) for word in term.words)
        self.words = frozenset(words)
        self.prefixes = tuple(sorted(prefixes))
        self.positions = _positions_needed(node)
        self.any_word = _any_word(node)
        # Each alternative begins with its letters and then looks behind for a word start:
        # a pattern that began with the look-behind would be tried at every character.
        # Words with other letters cannot occur in ASCII text.
        alternatives = [f"{word}(?<![a-z0-9]{word})" for word in sorted(words) if _ASCII_WORD.fullmatch(word)]
        alternatives += [
            f"{prefix}(?<![a-z0-9]{prefix})[a-z0-9]*" for prefix in self.prefixes if _ASCII_WORD.fullmatch(prefix)
        ]
        self.ascii_words = re.compile(f"(?:{'|'.join(alternatives)})(?![a-z0-9])") if alternatives else None

    def spans(self, turn_text: str, coded: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """The matched spans in ``turn_text`` (offsets into it), empty if it does not match.
        With ``coded`` spans, only words wholly inside one of them count."""
        tokens = self.tokens(turn_text)
        if coded is not None:
            tokens = [
                token for token in tokens
                if any(low <= token.start and token.end <= high for low, high in coded)
            ]
        if not tokens:  # every query needs one of its words; NOT only narrows
            return []
        if self.any_word:
            return [(token.start, token.end) for token in tokens]
        return find_matches(self.node, tokens)

    def tokens(self, turn_text: str) -> list[Token]:
        """The tokens of ``turn_text`` the query could match, positioned as it needs."""
        if not turn_text.isascii():
            words, prefixes = self.words, self.prefixes
            return [
                token for token in tokenize(turn_text)
                if token.folded in words or token.folded.startswith(prefixes)
            ]
        if self.ascii_words is None:
            return []
        lowered = turn_text.lower()
        if self.positions is None:
            return [
                _new_token(Token, (position, match.start(), match.end(), match.group()))
                for position, match in enumerate(self.ascii_words.finditer(lowered))
            ]
        tokens = []
        position, previous = -1, 0
        exact = self.positions == "exact"
        words_between, word_between = _ASCII_WORD.findall, _ASCII_WORD.search
        for match in self.ascii_words.finditer(lowered):
            start, end = match.span()
            if exact:
                position += 1 + len(words_between(lowered, previous, start))
            else:  # next to the last one, or not: a gap of 2 stands for any number of words
                position += 1 if word_between(lowered, previous, start) is None else 2
            previous = end
            tokens.append(_new_token(Token, (position, start, end, match.group())))
        return tokens


def _positions_needed(node: Node) -> str | None:
    """"exact" word positions for NEAR, "adjacent" (which words follow each other) for
    phrases, None when matching ``node`` does not depend on where its words are."""
    kinds = set()

    def visit(item: Node) -> None:
        match item:
            case Near():
                kinds.add("exact")
            case Phrase():
                kinds.add("adjacent")
            case And(items=items) | Or(items=items):
                for each in items:
                    visit(each)
            case Not(include=include, exclude=exclude):
                visit(include)
                visit(exclude)

    visit(node)
    return "exact" if "exact" in kinds else "adjacent" if kinds else None


def _any_word(node: Node) -> bool:
    """Whether ``node`` is a word or words joined by OR: any of its words is a match."""
    match node:
        case Term():
            return True
        case Or(items=items):
            return all(_any_word(item) for item in items)
    return False


def _terms(node: Node) -> Iterator[Term]:
    match node:
        case Term():
            yield node
        case Phrase(terms=terms):
            yield from terms
        case Near(items=items) | And(items=items) | Or(items=items):
            for item in items:
                yield from _terms(item)
        case Not(include=include, exclude=exclude):
            yield from _terms(include)
            yield from _terms(exclude)


def _hit(row: Sequence, turn_text: str, spans: list[tuple[int, int]]) -> SearchHit:
    turn_id, source_id, source, start, _end, speaker, site, participant_type, _text = row
    first_start, first_end = spans[0]
    if len(spans) == 1:
        matches = ((start + first_start, start + first_end),)
    else:
        matches = tuple([(start + low, start + high) for low, high in spans])
    context = keyword_in_context(turn_text, first_start, first_end)
    return SearchHit(
        source_id, source, turn_id, *matches[0], speaker, site, participant_type, context, matches
    )


_CUT = re.compile(r"\S*\s*")  # the partial word (and its spaces) a cut side loses


def keyword_in_context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """``text[start:end]`` marked «thus», with about ``width`` characters either side.

    A side that had to be cut loses its partial word and shows "…"; runs of whitespace
    (line breaks in a turn) become single spaces, so the result is one line.
    """
    left_from, right_to = max(0, start - width), min(len(text), end + width)
    left, right = text[left_from:start], text[end:right_to]
    if left_from > 0:
        left = "…" + left[_CUT.match(left).end():]
    if right_to < len(text):  # the same cut from the other end: match the reversed side
        right = right[:len(right) - _CUT.match(right[::-1]).end()] + "…"
    opening, closing = MATCH_MARKS
    # Neither end of the line is a space (lstrip, rstrip, "…", the marks), so splitting
    # and joining only squeezes the runs inside, as re.sub(r"\s+", " ", …) would.
    return " ".join(f"{left.lstrip()}{opening}{text[start:end]}{closing}{right.rstrip()}".split())
