"""Fuzzy matching of theme paths, for type-to-filter lists such as the "Code to…" palette.

Coding by keyboard means finding one theme among 150 (or 2,000) in a few keystrokes, the
way a programmer opens a file in VS Code or Sublime Text: the letters typed must appear
in order in the theme's path, ignoring case and accents, and the best matches come
first. "Best" is what a reader of the list expects:

* an exact name, then a name that starts with what was typed, then everything else;
* letters at the start of words and runs of adjacent letters count more than letters
  scattered inside words, and every skipped stretch costs a little;
* a match inside the theme's own name outranks the same match on one of its ancestors,
  so "comm" finds "Effective communication" before the sub-themes of "Community
  engagement" (which come after the theme "Community engagement" itself).

Words separated by spaces are matched independently (each must match), as in fzf, so
"lead strong" finds "Strong leadership". A "/" in the query matches the path separator,
and when the query holds one, a path that starts with it counts as a prefix match.

The scoring is a small dynamic programme over the positions where each typed letter
occurs (as in fzf's second algorithm), after a fast in-order check that rejects most
candidates with ``str.find``; a query that extends the previous one only re-scores the
previous survivors. Positions are returned so that lists can show matched letters bold.

``theme_candidates`` loads what a palette filters: every theme with its path, colour and
guid, in framework order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from framework.codebook import theme_tree
from models import Theme

SCORE_MATCH = 16  # every matched letter
BONUS_SEGMENT_START = 10  # first letter of a path segment (a theme's name)
BONUS_WORD_START = 8  # first letter of a word, or a separator typed as such
BONUS_CONSECUTIVE = 8  # a letter right after the previous matched one
FIRST_LETTER_FACTOR = 2  # the first typed letter's position bonus counts double
BONUS_IN_NAME = 3  # each letter matched in the theme's own name, not an ancestor's
BONUS_ALL_IN_NAME = 8  # every letter of a word matched in the theme's own name
GAP_START = 5  # skipping letters between two matched ones
GAP_EXTENSION = 1  # each further letter skipped
BONUS_PREFIX = 500  # the name (or, with a "/" typed, the path) starts with the query
BONUS_EXACT = 1000  # the name (or path) is the query

# Letters that carry no combining accent in Unicode but that readers treat as plain
# letters, and typographic punctuation that keyboards type in its plain form.
_EXTRA_FOLDS = {
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
}
_char_folds: dict[str, str] = {}


def _fold_char(char: str) -> str:
    folded = _char_folds.get(char)
    if folded is None:
        lower = char.casefold()
        base = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
        folded = "".join(_EXTRA_FOLDS.get(c, c) for c in base)
        _char_folds[char] = folded
    return folded


def fold(text: str) -> str:
    """``text`` without case or accents ("Café Œuvre" → "cafe oeuvre"), for comparing."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(char) for char in text)


def _fold_mapped(text: str, offset: int) -> tuple[str, list[int]]:
    """The folded text and, for each folded letter, its index in the original (plus
    ``offset``): folding can drop letters (combining accents) or add some (ß → ss)."""
    if text.isascii():
        return text.lower(), list(range(offset, offset + len(text)))
    letters: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        letters.append(folded)
        origins.extend([offset + index] * len(folded))
    return "".join(letters), origins


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    """One candidate that matched: its index in the list searched, its score (higher is
    better) and the matched positions in its text ("/".join of its path segments)."""

    index: int
    score: int
    positions: tuple[int, ...]


class _Prepared:
    """A candidate folded once, with each folded letter's position bonus precomputed."""

    __slots__ = ("text", "folded", "origins", "bonus", "name_start", "folded_name_start", "folded_name")

    def __init__(self, segments: Sequence[str]) -> None:
        self.text = "/".join(segments)
        self.name_start = len(self.text) - len(segments[-1])
        parts: list[str] = []
        self.origins: list[int] = []
        segment_starts: set[int] = set()
        offset = 0
        for number, segment in enumerate(segments):
            if number:
                parts.append("/")
                self.origins.append(offset - 1)
            folded, origins = _fold_mapped(segment, offset)
            segment_starts.add(len(self.origins))
            parts.append(folded)
            self.origins.extend(origins)
            offset += len(segment) + 1
        self.folded = "".join(parts)
        self.folded_name_start = max(segment_starts)
        self.folded_name = self.folded[self.folded_name_start:]
        bonus = []
        previous = "/"
        for index, char in enumerate(self.folded):
            if index in segment_starts:
                bonus.append(BONUS_SEGMENT_START)
            elif char == "/" or (char.isalnum() and not previous.isalnum()):
                bonus.append(BONUS_WORD_START)
            else:
                bonus.append(0)
            previous = char
        self.bonus = bonus


def _align(word: str, candidate: _Prepared) -> tuple[int, list[int]] | None:
    """The best placement of ``word``'s letters, in order, in the candidate's folded
    text: (score, folded positions), or None when the letters are not all there."""
    text = candidate.folded
    earliest: list[int] = []
    position = 0
    for letter in word:
        position = text.find(letter, position)
        if position < 0:
            return None
        earliest.append(position)
        position += 1
    latest = [0] * len(word)
    position = len(text)
    for number in range(len(word) - 1, -1, -1):
        position = text.rfind(word[number], 0, position)
        latest[number] = position
    bonus = candidate.bonus
    in_name = candidate.folded_name_start
    # For each typed letter: the places it can go, each place's best score, the bonus
    # of the run of adjacent letters it ends (a run keeps its first letter's bonus, as
    # in fzf) and the index of the previous letter's place that gave that score.
    places: list[list[int]] = []
    scores: list[list[int]] = []
    runs: list[list[int]] = []
    links: list[list[int]] = []
    for number, letter in enumerate(word):
        here: list[int] = []
        position = text.find(letter, earliest[number], latest[number] + 1)
        while position >= 0:
            here.append(position)
            position = text.find(letter, position + 1, latest[number] + 1)
        here_scores: list[int] = []
        here_runs: list[int] = []
        here_links: list[int] = []
        if number == 0:
            for place in here:
                here_scores.append(SCORE_MATCH + FIRST_LETTER_FACTOR * bonus[place]
                                   + (BONUS_IN_NAME if place >= in_name else 0))
                here_runs.append(bonus[place])
                here_links.append(-1)
        else:
            before, before_scores, before_runs = places[-1], scores[-1], runs[-1]
            # Every place is at or after this letter's earliest place, which is after the
            # previous letter's earliest place, so each has at least one predecessor.
            # Best (score + place) among places at least two letters back: a gap of g
            # letters costs GAP_START + (g - 1) * GAP_EXTENSION, linear in the place.
            best_far, best_far_at, cursor = -(1 << 30), -1, 0
            for place in here:
                while cursor < len(before) and before[cursor] < place - 1:
                    value = before_scores[cursor] + before[cursor] * GAP_EXTENSION
                    if value > best_far:
                        best_far, best_far_at = value, cursor
                    cursor += 1
                best = best_far - (place - 1) * GAP_EXTENSION - GAP_START + bonus[place]
                best_at, run = best_far_at, bonus[place]
                if cursor < len(before) and before[cursor] == place - 1:
                    carried = max(bonus[place], before_runs[cursor], BONUS_CONSECUTIVE)
                    adjacent = before_scores[cursor] + carried
                    if adjacent >= best:
                        best, best_at, run = adjacent, cursor, max(before_runs[cursor], bonus[place])
                here_scores.append(best + SCORE_MATCH + (BONUS_IN_NAME if place >= in_name else 0))
                here_runs.append(run)
                here_links.append(best_at)
        places.append(here)
        scores.append(here_scores)
        runs.append(here_runs)
        links.append(here_links)
    final = scores[-1]
    at = max(range(len(final)), key=final.__getitem__)
    score = final[at]
    positions: list[int] = []
    for number in range(len(word) - 1, -1, -1):
        positions.append(places[number][at])
        at = links[number][at]
    positions.reverse()
    if positions[0] >= in_name:
        score += BONUS_ALL_IN_NAME
    return score, positions


def _score(query: str, words: list[str], candidate: _Prepared) -> tuple[int, list[int]] | None:
    total = 0
    folded_positions: set[int] = set()
    for word in words:
        aligned = _align(word, candidate)
        if aligned is None:
            return None
        total += aligned[0]
        folded_positions.update(aligned[1])
    if candidate.folded_name == query or ("/" in query and candidate.folded == query):
        total += BONUS_EXACT
    elif candidate.folded_name.startswith(query) or ("/" in query and candidate.folded.startswith(query)):
        total += BONUS_PREFIX
    origins = candidate.origins
    return total, sorted({origins[p] for p in folded_positions})


def _normalise_query(query: str) -> str:
    return " ".join(fold(query).split())


class FuzzyIndex:
    """Candidates prepared once, searched on every keystroke.

    Each candidate is given as its path segments, top level first (a theme's
    ancestors' names, then its own); its text is the segments joined with "/".
    """

    def __init__(self, candidates: Sequence[Sequence[str]]) -> None:
        self._candidates = [_Prepared(segments) for segments in candidates]
        self._last_query = ""
        self._last_survivors: list[int] = list(range(len(self._candidates)))

    def __len__(self) -> int:
        return len(self._candidates)

    def text(self, index: int) -> str:
        """The candidate's segments joined with "/": what match positions index into."""
        return self._candidates[index].text

    def name_start(self, index: int) -> int:
        """Where the candidate's own name (its last segment) starts in its text."""
        return self._candidates[index].name_start

    def search(self, query: str) -> list[FuzzyMatch]:
        """The candidates matching ``query``, best first; ties go to the shorter path,
        then to the order given. An empty query matches everything, in order."""
        query = _normalise_query(query)
        if not query:
            self._last_query, self._last_survivors = "", list(range(len(self._candidates)))
            return [FuzzyMatch(index, 0, ()) for index in self._last_survivors]
        pool = self._last_survivors if query.startswith(self._last_query) else range(len(self._candidates))
        words = query.split(" ")
        matches: list[FuzzyMatch] = []
        for index in pool:
            scored = _score(query, words, self._candidates[index])
            if scored is not None:
                matches.append(FuzzyMatch(index, scored[0], tuple(scored[1])))
        self._last_query = query
        self._last_survivors = [match.index for match in matches]
        candidates = self._candidates
        matches.sort(key=lambda match: (-match.score, len(candidates[match.index].text), match.index))
        return matches


def fuzzy_match(query: str, segments: Sequence[str]) -> FuzzyMatch | None:
    """Score one path (given as segments) against ``query``; None if it does not match."""
    found = FuzzyIndex([segments]).search(query)
    return found[0] if found else None


# --- what a palette filters ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThemeCandidate:
    """A theme as a palette lists it. ``path`` is the escaped form the command line
    uses ("Barriers/Public spending cuts", a "/" in a name written "\\/");
    ``segments`` are the plain names from the top level down."""

    id: int
    guid: str
    parent_id: int | None
    path: str
    name: str
    colour: str
    segments: tuple[str, ...]


def theme_candidates(session: Session) -> list[ThemeCandidate]:
    """Every theme in framework order (each followed by its sub-themes)."""
    guids = {row.id: row.guid for row in session.execute(select(Theme.id, Theme.guid))}
    found: list[ThemeCandidate] = []

    def visit(nodes, parent_id: int | None, ancestors: tuple[str, ...]) -> None:
        for node in nodes:
            segments = (*ancestors, node.name)
            found.append(ThemeCandidate(node.id, guids[node.id], parent_id, node.path, node.name,
                                        node.colour, segments))
            visit(node.children, node.id, segments)

    visit(theme_tree(session), None, ())
    return found
