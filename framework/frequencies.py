"""Word frequencies: the commonest words participants used, overall or per site or type.

A first look at a data set before coding ("what do residents talk about most?"). Words
are those of the search index (runs of letters and digits, lower-cased, so any word
listed can be searched for), except that a word joined by an apostrophe is split the
way spaCy's English tokenizer splits contractions: "don't" is "do" + "not", both stop
words, rather than the fragments "don" and "t". Left out: spaCy's English stop words,
one-character words and numbers. Accents are kept: "café" is listed as written.

Interviewers' turns are left out unless asked for, like every count in Charter, and so
is text before the first speaker label (a title or preamble is nobody's words). A
turn's site is its speaker's site, or for an interviewer the site of the source, the
same rule as search; a speaker with no site or no type is counted under "(none)".

Plain SQL and Python, so both back ends give the same counts: one query lists the
turns with their group, then each source's text is read once and sliced into turns.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from sqlalchemy import false, func, literal, select
from sqlalchemy.orm import Session, aliased

from framework import nlp
from framework.errors import CharterError
from framework.query import WORD
from models import Participant, Site, Source, Turn

GROUPINGS = (None, "site", "type")
ALL = "All"
NO_GROUP = "(none)"
SOURCES_PER_QUERY = 50

# A search-index word, or several joined by apostrophes ("don't", "partner's").
_WORD = re.compile(rf"{WORD.pattern}(?:['’]{WORD.pattern})*")


def word_frequencies(
    session: Session,
    *,
    by: str | None = None,
    top: int = 20,
    lemmas: bool = False,
    include_interviewer: bool = False,
) -> dict[str, list[tuple[str, int]]]:
    """Group label → its ``top`` words as ``(word, count)``, commonest first.

    ``by`` is None (one group, "All"), "site" or "type" (participant type). Ties are
    broken alphabetically so the lists are stable. With ``lemmas`` words are counted
    under their lemma ("partners" counts as "partner").
    """
    if by not in GROUPINGS:
        raise CharterError(f"Word frequencies can be grouped by site or type, not {by!r}.")
    turns = _turns_by_source(session, by, include_interviewer)
    counts: dict[str, Counter[str]] = {ALL: Counter()} if by is None else {}
    for source_id, text in _source_texts(session, list(turns)):
        for start, end, label in turns[source_id]:
            counts.setdefault(label, Counter()).update(countable_words(text[start:end], lemmas=lemmas))
    return {label: _commonest(counts[label], top) for label in _ordered(counts)}


def countable_words(text: str, *, lemmas: bool = False) -> Iterator[str]:
    """The words of ``text`` that frequencies count, lower-cased (or lemmatised)."""
    for match in _WORD.finditer(text):
        word = match.group().lower().replace("’", "'")
        pieces = nlp.split_contraction(word) if "'" in word else (word,)
        for piece in pieces:
            if lemmas and _countable(piece):
                piece = nlp.lemma(piece)
            if _countable(piece):
                yield piece


def _countable(word: str) -> bool:
    return len(word) > 1 and not word.isnumeric() and not nlp.is_stop(word)


def _turns_by_source(
    session: Session, by: str | None, include_interviewer: bool
) -> dict[int, list[tuple[int, int, str]]]:
    """source id → its participants' turns as ``(start, end, group label)``."""
    speaker_site, source_site = aliased(Site), aliased(Site)
    if by == "site":
        label = func.coalesce(speaker_site.name, source_site.name)
    elif by == "type":
        label = Participant.participant_type
    else:
        label = literal(ALL)
    statement = (
        select(Turn.source_id, Turn.start, Turn.end, label)
        .join(Participant, Participant.id == Turn.participant_id)
        .join(Source, Source.id == Turn.source_id)
        .outerjoin(speaker_site, speaker_site.id == Participant.site_id)
        .outerjoin(source_site, source_site.id == Source.site_id)
    )
    if not include_interviewer:
        statement = statement.where(Participant.is_interviewer == false())
    turns: dict[int, list[tuple[int, int, str]]] = {}
    for source_id, start, end, group in session.execute(statement):
        turns.setdefault(source_id, []).append((start, end, group if group is not None else NO_GROUP))
    return turns


def _source_texts(session: Session, source_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """Each source's text, read once, a few dozen sources per query."""
    for index in range(0, len(source_ids), SOURCES_PER_QUERY):
        chunk = source_ids[index:index + SOURCES_PER_QUERY]
        yield from session.execute(select(Source.id, Source.text).where(Source.id.in_(chunk))).all()


def _commonest(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]


def _ordered(counts: dict[str, Counter[str]]) -> list[str]:
    """Group labels alphabetically, with "(none)" last."""
    return sorted(counts, key=lambda label: (label == NO_GROUP, label))
