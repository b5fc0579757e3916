"""The search language: what a researcher types, parsed once and used three ways.

Syntax (operators in any case):

* ``partner`` a word; ``meet*`` a prefix; ``"tasking meeting"`` a phrase (also “…”),
  whose last word may be a prefix (``"tasking meet*"``);
* ``a b`` and ``a AND b`` both words; ``a OR b`` either; ``a NOT b`` and ``a -b``
  a without b; ``( … )`` grouping; ``NEAR(a b, 5)`` / ``a NEAR/5 b`` / ``a NEAR b``
  the words within 5 (default 10) words of each other, in either order.

Precedence, loosest first: OR, AND (and ``-``), NOT, NEAR.

Words are split and folded the way SQLite's ``unicode61 remove_diacritics 2`` tokenizer
does (letters and digits; everything else separates words; lower case; accents off
Latin letters), so "well-being" is the phrase "well being" and "cafe" equals "café".

The parsed query (an AST of frozen dataclasses) is rendered to an FTS5 MATCH expression
for SQLite and to a ``to_tsquery('simple', …)`` string for PostgreSQL, and evaluated
against a turn's words in Python by ``find_matches``. Python has the last word on both
back ends: it finds the offsets to show, and it makes the two back ends agree where
PostgreSQL's text parser differs from FTS5's (see ``to_tsquery``).

A malformed query raises ``QueryError`` with one sentence for the user naming the
problem and where it is; every term is quoted when rendered, so no database syntax
error can ever come from what was typed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Union

from framework.errors import CharterError

DEFAULT_NEAR = 10
MAX_NEAR = 1_000_000  # more words than any turn has; FTS5 wraps distances past 2**31
# Deeper than anyone writes by hand, and shallow enough that parsing and rendering the
# query (both recursive) stay far from Python's recursion limit.
MAX_NESTING = 32

# A word as unicode61 sees it: letters and digits (not "_"); combining accents
# (U+0300–U+036F) continue a word, and folding drops them.
WORD = re.compile(r"[^\W_]+(?:[\u0300-\u036f]+[^\W_]*)*")

QUOTES = '"“”'
SPECIAL = "()," + QUOTES
NEAR_OPERATOR = re.compile(r"near(?:/(.*))?", re.IGNORECASE | re.DOTALL)
BOOLEAN_OPERATORS = {"AND", "OR", "NOT"}

# Where Python's lower() and accent stripping differ from unicode61's folding.
_FOLD_EXCEPTIONS = {"µ": "μ", "ſ": "s", "ẛ": "s", "İ": "i", "Ǡ": "ǡ", "ǡ": "ǡ"}


class QueryError(CharterError):
    """The query cannot be understood; ``str(error)`` is one sentence for the user.

    A ``CharterError``: the CLI and GUI report it like any other mistake a user can make."""


# --------------------------------------------------------------------------- words


class Token(NamedTuple):
    """One word of a text: its ordinal ``position``, offsets, and folded spelling."""

    position: int
    start: int
    end: int
    folded: str


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _FOLD_EXCEPTIONS:
        return _FOLD_EXCEPTIONS[char]
    lowered = char.lower()
    if "\u0300" <= lowered <= "\u036f":
        return ""
    decomposed = unicodedata.normalize("NFD", lowered)
    base, marks = decomposed[0], decomposed[1:]
    if marks and base.isascii() and base.isalpha() and all(
        unicodedata.category(mark) == "Mn" for mark in marks
    ):
        return base
    return lowered


def fold(word: str) -> str:
    """Lower case without accents on Latin letters, exactly as unicode61 folds a word."""
    if word.isascii():
        return word.lower()
    return "".join(_fold_char(char) for char in word)


def tokenize(text: str) -> list[Token]:
    """The words of ``text`` in order, with offsets into ``text``.

    Every candidate turn of a search goes through here, so it avoids per-word Python
    work where it can: ASCII text is lower-cased once, and tokens are built directly.
    """
    matches = list(WORD.finditer(text))
    if text.isascii():
        folded = WORD.findall(text.lower())
    else:
        folded = [fold(match.group()) for match in matches]
    return [
        _new_tuple(Token, (position, match.start(), match.end(), word))
        for position, (match, word) in enumerate(zip(matches, folded))
    ]


_new_tuple = tuple.__new__  # builds a Token without NamedTuple's Python-level __new__



# --------------------------------------------------------------------------- the AST


@dataclass(frozen=True)
class Term:
    """A word (or a prefix, ``meet*``). ``words`` are the lower-cased spellings any of
    which matches: one as typed, more once lemma search has added a word's forms."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    """Consecutive words; the last may be a prefix."""

    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Near:
    """Words or phrases within ``distance`` words of each other, in any order."""

    items: tuple[Term | Phrase, ...]
    distance: int = DEFAULT_NEAR


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``include`` in turns that do not contain ``exclude``."""

    include: Node
    exclude: Node


Node = Union[Term, Phrase, Near, And, Or, Not]


# --------------------------------------------------------------------------- lexing


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "word" | "phrase" | "(" | ")" | "," | "-" | "op" | "near"
    position: int  # 0-based character index in the query
    text: str = ""
    node: Term | Phrase | None = None
    distance: int | None = None


def _error(sentence: str, position: int) -> QueryError:
    """One sentence for the user; ``{at}`` in it says where (1-based, as people count)."""
    return QueryError(sentence.format(at=f"at character {position + 1} of the query") + ".")


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    index = 0
    near_group = False  # inside NEAR( … ), where a comma introduces the distance
    while index < len(query):
        char = query[index]
        if char.isspace():
            index += 1
        elif char in QUOTES:
            index = _lex_quoted(query, index, lexemes)
        elif char in "(),":
            if char == "(" and lexemes and lexemes[-1].kind == "near" and lexemes[-1].distance is None:
                near_group = True
            if char != "," or near_group:
                lexemes.append(_Lexeme(char, index))
            if char == ")":
                near_group = False
            index += 1
        elif char == "-" and index + 1 < len(query) and not query[index + 1].isspace() \
                and query[index + 1] not in "),":
            lexemes.append(_Lexeme("-", index))
            index += 1
        else:
            index = _lex_bare(query, index, lexemes)
    return lexemes


def _lex_quoted(query: str, start: int, lexemes: list[_Lexeme]) -> int:
    close = next((i for i in range(start + 1, len(query)) if query[i] in QUOTES), -1)
    if close < 0:
        raise _error("Unbalanced quotation mark {at}", start)
    inside = query[start + 1:close]
    node = _words_node(inside, prefix=inside.rstrip().endswith("*"))
    if node is None:
        raise _error("Empty phrase {at}", start)
    lexemes.append(_Lexeme("phrase", start, query[start:close + 1], node))
    return close + 1


def _lex_bare(query: str, start: int, lexemes: list[_Lexeme]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in SPECIAL:
        end += 1
    word = query[start:end]
    if word.upper() in BOOLEAN_OPERATORS:
        lexemes.append(_Lexeme("op", start, word.upper()))
    elif near := NEAR_OPERATOR.fullmatch(word):
        lexemes.append(_Lexeme("near", start, word, distance=_near_distance(near.group(1), start)))
    else:
        node = _words_node(word, prefix=word.endswith("*"))
        if node is not None:  # punctuation alone ("&", "...") is no word: skip it
            lexemes.append(_Lexeme("word", start, word, node))
    return end


def _near_distance(text: str | None, position: int) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not text.isascii():
        raise _error("NEAR {at} needs a whole number of words, as in NEAR/5", position)
    return min(int(text), MAX_NEAR)


def _words_node(text: str, *, prefix: bool) -> Term | Phrase | None:
    """A bare word or a quoted phrase as terms: several words make a phrase."""
    words = [match.group().lower() for match in WORD.finditer(text)]
    if not words:
        return None
    terms = [Term((word,)) for word in words]
    terms[-1] = Term((words[-1],), prefix=prefix)
    return terms[0] if len(terms) == 1 else Phrase(tuple(terms))


# --------------------------------------------------------------------------- parsing


def parse(query: str) -> Node:
    """The AST of ``query``; raises ``QueryError`` if it is malformed."""
    lexemes = _lex(query)
    if not lexemes:
        raise QueryError("The query is empty; type a word to search for.")
    _check_parentheses(lexemes)
    return _Parser(lexemes).parse()


def _check_parentheses(lexemes: Sequence[_Lexeme]) -> None:
    open_positions: list[int] = []
    for lexeme in lexemes:
        if lexeme.kind == "(":
            open_positions.append(lexeme.position)
            if len(open_positions) > MAX_NESTING:
                raise _error(f"Parentheses nest more than {MAX_NESTING} deep {{at}}; "
                             "take some of them out", lexeme.position)
        elif lexeme.kind == ")":
            if not open_positions:
                raise _error("Unbalanced parenthesis {at}", lexeme.position)
            open_positions.pop()
    if open_positions:
        raise _error("Unbalanced parenthesis {at}", open_positions[0])


class _Parser:
    """Recursive descent over the lexemes: or → and → not → near → primary."""

    def __init__(self, lexemes: list[_Lexeme]) -> None:
        self.lexemes = lexemes
        self.index = 0

    def peek(self, offset: int = 0) -> _Lexeme | None:
        index = self.index + offset
        return self.lexemes[index] if index < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.index]
        self.index += 1
        return lexeme

    def parse(self) -> Node:
        first = self.peek()
        node = self.parse_or()
        if node is None:
            raise _nothing_before(first)
        leftover = self.peek()
        if leftover is not None:  # only a ")" can stop parse_or early; brackets balance
            raise _error("Unbalanced parenthesis {at}", leftover.position)
        return node

    def starts_operand(self) -> bool:
        """Whether the next lexeme begins a word, phrase, group or NEAR( … )."""
        lexeme, following = self.peek(), self.peek(1)
        if lexeme is None:
            return False
        if lexeme.kind == "near":
            return lexeme.distance is None and following is not None and following.kind == "("
        return lexeme.kind in ("word", "phrase", "(", "-")

    def expect_operand_after(self, operator: _Lexeme) -> None:
        if not self.starts_operand():
            name = "-" if operator.kind == "-" else operator.text.upper()
            raise _error(f'"{name}" {{at}} has nothing after it', operator.position)

    def parse_or(self) -> Node | None:
        first = self.parse_and()
        items = [first]
        while (lexeme := self.peek()) is not None and lexeme.kind == "op" and lexeme.text == "OR":
            if first is None:
                raise _nothing_before(lexeme)
            self.take()
            self.expect_operand_after(lexeme)
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self) -> Node | None:
        wanted: list[Node] = []
        unwanted: list[tuple[_Lexeme, Node]] = []
        while (lexeme := self.peek()) is not None and lexeme.kind != ")":
            if lexeme.kind == "op" and lexeme.text == "OR":
                break
            if lexeme.kind == "op" and lexeme.text == "AND" and (wanted or unwanted):
                self.take()
                self.expect_operand_after(lexeme)
            elif lexeme.kind == "-":
                self.take()
                self.expect_operand_after(lexeme)
                unwanted.append((lexeme, self.parse_not()))
            elif self.starts_operand():
                wanted.append(self.parse_not())
            else:
                raise _nothing_before(lexeme)
        if not wanted:
            if unwanted:
                raise _error(
                    '"-" {at} leaves a word out, but there is no word to look for beside it',
                    unwanted[0][0].position,
                )
            return None
        node = wanted[0] if len(wanted) == 1 else And(tuple(wanted))
        return _without(node, [exclude for _, exclude in unwanted])

    def parse_not(self) -> Node:
        node = self.parse_near()
        excluded: list[Node] = []
        while (lexeme := self.peek()) is not None and lexeme.kind == "op" and lexeme.text == "NOT":
            self.take()
            self.expect_operand_after(lexeme)
            excluded.append(self.parse_near())
        return _without(node, excluded)

    def parse_near(self) -> Node:
        first_position = self.peek().position
        node = self.parse_primary()
        items, distances = [node], set()
        while (lexeme := self.peek()) is not None and lexeme.kind == "near" and not self.starts_operand():
            self.take()
            operand = self.peek()
            if not isinstance(node, (Term, Phrase)) or operand is None or operand.kind not in ("word", "phrase"):
                raise _nothing_before(lexeme)
            items.append(self.parse_primary())
            distances.add(DEFAULT_NEAR if lexeme.distance is None else lexeme.distance)
        if len(items) == 1:
            return node
        if len(distances) > 1:
            raise _error("The NEARs {at} must all use one distance, as in a NEAR/5 b NEAR/5 c", first_position)
        return Near(tuple(items), distances.pop())

    def parse_primary(self) -> Node:
        lexeme = self.take()
        if lexeme.kind in ("word", "phrase"):
            return lexeme.node
        if lexeme.kind == "(":
            return self.parse_group(lexeme)
        if lexeme.kind == "near":
            return self.parse_near_group(lexeme)
        if lexeme.kind == "-":
            raise _error('"-" {at} has nothing after it', lexeme.position)
        raise _nothing_before(lexeme)

    def parse_group(self, opening: _Lexeme) -> Node:
        if self.peek() is not None and self.peek().kind == ")":
            raise _error("Empty parentheses {at}", opening.position)
        first = self.peek()
        node = self.parse_or()
        if node is None:
            raise _nothing_before(first)
        self.take()  # the ")": parentheses are known to balance
        return node

    def parse_near_group(self, near: _Lexeme) -> Near:
        self.take()  # "("
        items: list[Term | Phrase] = []
        distance = DEFAULT_NEAR
        while (lexeme := self.take()).kind != ")":
            if lexeme.kind in ("word", "phrase"):
                items.append(lexeme.node)
            elif lexeme.kind == "," and items:
                distance = self.near_group_distance(near)
            else:
                raise _error("NEAR( … ) {at} can only hold words and phrases, then a distance", near.position)
        if len(items) < 2:
            raise _error("NEAR {at} needs at least two words or phrases", near.position)
        return Near(tuple(items), distance)

    def near_group_distance(self, near: _Lexeme) -> int:
        number = self.take()
        closing = self.peek()
        if number.kind != "word" or not number.text.isdigit() or not number.text.isascii() \
                or closing is None or closing.kind != ")":
            raise _error("NEAR {at} needs a whole number of words after its comma, as in NEAR(a b, 5)", near.position)
        return min(int(number.text), MAX_NEAR)


def _without(node: Node, excluded: list[Node]) -> Node:
    """``node`` without any of ``excluded``: one ``Not`` over an ``Or``, however many
    words are left out, so a long "a NOT b NOT c …" stays a shallow tree (a chain of
    nested ``Not``s would be as deep as the query is long)."""
    if not excluded:
        return node
    return Not(node, excluded[0] if len(excluded) == 1 else Or(tuple(excluded)))


def _nothing_before(lexeme: _Lexeme) -> QueryError:
    if lexeme.kind == "near":
        return _error(
            'NEAR {at} needs a word or phrase on each side; put "near" in quotes to search '
            "for the word itself", lexeme.position,
        )
    if lexeme.kind == "op":
        return _error(
            f'"{lexeme.text}" {{at}} has nothing before it; put "{lexeme.text.lower()}" in '
            "quotes to search for the word itself", lexeme.position,
        )
    if lexeme.kind == ",":
        return _error("Unexpected comma {at}", lexeme.position)
    return _error("Unbalanced parenthesis {at}", lexeme.position)


# --------------------------------------------------------------------------- lemma search


def expand_words(node: Node, forms_of: Callable[[str], Iterable[str]]) -> Node:
    """Each stand-alone word (not a prefix, not inside a phrase or NEAR) replaced by
    all of its forms, for lemma search: ``forms_of("meet")`` → meet, met, meeting…"""
    match node:
        case Term(words=words, prefix=False):
            forms = dict.fromkeys(words)  # the typed word first, then the rest, in order
            for word in words:
                forms.update(dict.fromkeys(sorted(form.lower() for form in forms_of(word))))
            return Term(tuple(forms))
        case And(items=items):
            return And(tuple(expand_words(item, forms_of) for item in items))
        case Or(items=items):
            return Or(tuple(expand_words(item, forms_of) for item in items))
        case Not(include=include, exclude=exclude):
            return Not(expand_words(include, forms_of), expand_words(exclude, forms_of))
    return node


# --------------------------------------------------------------------------- SQLite FTS5


def to_fts5(node: Node) -> str:
    """An FTS5 MATCH expression equivalent to the query; every word is a quoted string."""
    match node:
        case Term():
            strings = [_fts5_word(word, node.prefix) for word in _unique_folded(node.words)]
            return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"
        case Phrase(terms=terms):
            return " + ".join(_fts5_single(term) for term in terms)
        case Near(items=items, distance=distance):
            return f"NEAR({' '.join(_fts5_near_item(item) for item in items)}, {distance})"
        case And(items=items):
            return " AND ".join(f"({to_fts5(item)})" for item in items)
        case Or(items=items):
            return " OR ".join(f"({to_fts5(item)})" for item in items)
        case Not(include=include, exclude=exclude):
            return f"({to_fts5(include)}) NOT ({to_fts5(exclude)})"
    raise TypeError(f"not a query node: {node!r}")


def _fts5_word(word: str, prefix: bool) -> str:
    return '"' + word.replace('"', '""') + '"' + ("*" if prefix else "")


def _fts5_single(term: Term) -> str:
    return _fts5_word(fold(term.words[0]), term.prefix)


def _fts5_near_item(item: Term | Phrase) -> str:
    return _fts5_single(item) if isinstance(item, Term) else to_fts5(item)


def _unique_folded(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(fold(word) for word in words))


# --------------------------------------------------------------------------- PostgreSQL


def group_by_fold(lexemes: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Index lexemes by folded spelling: {"cafe": ("café",), …}; for ``to_tsquery``."""
    groups: dict[str, list[str]] = {}
    for lexeme in lexemes:
        if WORD.fullmatch(lexeme):
            groups.setdefault(fold(lexeme), []).append(lexeme)
    return {folded: tuple(sorted(group)) for folded, group in groups.items()}


def to_tsquery(node: Node, accented: Mapping[str, Sequence[str]] | None = None) -> str:
    """A ``to_tsquery('simple', …)`` filter that every turn the query matches passes.

    The PostgreSQL index holds ``to_tsvector('simple', text)``: lower case, accents
    kept, and a parser that also indexes "well-being" whole before its parts. So:

    * each word is looked for folded *and* under every accented spelling the index
      holds (``accented``, from ``group_by_fold`` over the index's non-ASCII lexemes),
      which is how "cafe" finds "café" without changing the index; a number is also
      looked for with a minus sign, as the parser reads the "19" of "covid-19";
    * in a phrase, each next word may be 1 *or 2* positions on: the parser puts
      "well-being" itself before "well" and "being", so "the well-being" has "the"
      and "well" 2 apart, and a strict ``<->`` would miss it;
    * NEAR becomes plain AND (tsquery has no "within N");
    * NOT drops an excluded phrase or NEAR rather than risk excluding too much.

    The filter can therefore let through turns that do not match; ``find_matches``
    decides, exactly as on SQLite. Not covered: parts of what the parser keeps as one
    token (the "5" of "3.5", the "example" of "www.example.com") are not found on
    PostgreSQL.
    """
    return _tsquery(node, accented or {})


def _tsquery(node: Node, accented: Mapping[str, Sequence[str]]) -> str:
    match node:
        case Term():
            return _tsquery_term(node, accented)
        case Phrase(terms=terms):
            return " & ".join(_tsquery_pair(first, second, accented) for first, second in zip(terms, terms[1:]))
        case Near(items=items):
            return " & ".join(f"({_tsquery(item, accented)})" for item in items)
        case And(items=items):
            return " & ".join(f"({_tsquery(item, accented)})" for item in items)
        case Or(items=items):
            return " | ".join(f"({_tsquery(item, accented)})" for item in items)
        case Not(include=include, exclude=exclude):
            if not _tsquery_is_exact(exclude):
                return _tsquery(include, accented)
            return f"({_tsquery(include, accented)}) & !({_tsquery(exclude, accented)})"
    raise TypeError(f"not a query node: {node!r}")


def _tsquery_pair(first: Term, second: Term, accented: Mapping[str, Sequence[str]]) -> str:
    """Two consecutive words of a phrase: the second 1 or 2 positions after the first."""
    a, b = _tsquery_term(first, accented), _tsquery_term(second, accented)
    return f"({a} <-> {b} | {a} <2> {b})"


def _tsquery_term(term: Term, accented: Mapping[str, Sequence[str]]) -> str:
    suffix = ":*" if term.prefix else ""
    lexemes: dict[str, None] = {}
    for word in _unique_folded(term.words):
        lexemes[_tsquery_lexeme(word) + suffix] = None
        if word.isascii() and word.isdigit():
            lexemes[_tsquery_lexeme("-" + word) + suffix] = None
        for variant in _accented_variants(word, term.prefix, accented):
            lexemes[_tsquery_lexeme(variant)] = None
    return "(" + " | ".join(lexemes) + ")"


def _accented_variants(folded: str, prefix: bool, accented: Mapping[str, Sequence[str]]) -> list[str]:
    if not prefix:
        return list(accented.get(folded, ()))
    return [lexeme for key, group in accented.items() if key.startswith(folded) for lexeme in group]


def _tsquery_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery_is_exact(node: Node) -> bool:
    """Whether the tsquery of ``node`` matches exactly the turns the query does."""
    match node:
        case Term():
            return True
        case And(items=items) | Or(items=items):
            return all(_tsquery_is_exact(item) for item in items)
        case Not(include=include, exclude=exclude):
            return _tsquery_is_exact(include) and _tsquery_is_exact(exclude)
    return False


# --------------------------------------------------------------------------- matching


def find_matches(node: Node, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of the words that make ``node`` match ``tokens``.

    Empty when it does not match. Spans are in text order; a phrase is one span from
    its first word to its last. ``tokens`` may have gaps in ``position`` (words left out
    because they lie outside the passages searched); adjacency still means consecutive
    positions in the original text, as in the index.
    """
    spans = _Matcher(tokens).spans(node)
    return sorted(set(spans))


class _Matcher:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.by_position = {token.position: token for token in tokens}

    def spans(self, node: Node) -> list[tuple[int, int]]:
        match node:
            case Term() | Phrase():
                return [span for _, _, span in self.instances(node)]
            case Near():
                return self.near(node)
            case And(items=items):
                found = [self.spans(item) for item in items]
                return [span for spans in found for span in spans] if all(found) else []
            case Or(items=items):
                return [span for item in items for span in self.spans(item)]
            case Not(include=include, exclude=exclude):
                return [] if self.spans(exclude) else self.spans(include)
        raise TypeError(f"not a query node: {node!r}")

    def instances(self, node: Term | Phrase) -> list[tuple[int, int, tuple[int, int]]]:
        """Each occurrence as (first word position, number of words, character span)."""
        terms = (node,) if isinstance(node, Term) else node.terms
        tests = [_term_test(term) for term in terms]
        found = []
        for token in self.tokens:
            if not tests[0](token.folded):
                continue
            last = token
            for offset, test in enumerate(tests[1:], start=1):
                following = self.by_position.get(token.position + offset)
                if following is None or not test(following.folded):
                    break
                last = following
            else:
                found.append((token.position, len(tests), (token.start, last.end)))
        return found

    def near(self, node: Near) -> list[tuple[int, int]]:
        """FTS5's rule: with M the last start among one occurrence of each item, every
        item has an occurrence starting in [M - its length - distance, M]."""
        occurrences = [self.instances(item) for item in node.items]
        if not all(occurrences):
            return []
        starts = [[position for position, _, _ in found] for found in occurrences]
        spans = []
        for last_start in sorted({position for group in starts for position in group}):
            chosen = []
            for found, positions in zip(occurrences, starts):
                length = found[0][1]
                low = bisect_left(positions, last_start - length - node.distance)
                high = bisect_right(positions, last_start)
                if low == high:
                    break
                chosen.append(found[high - 1][2])
            else:
                spans.extend(chosen)
        return spans


def _term_test(term: Term) -> Callable[[str], bool]:
    forms = tuple(_unique_folded(term.words))
    if term.prefix:
        return lambda folded: folded.startswith(forms)
    wanted = frozenset(forms)
    return wanted.__contains__
