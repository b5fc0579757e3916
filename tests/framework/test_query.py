"""The search language: parsing, errors, rendering, and agreement with SQLite FTS5.

FTS5 is the reference for what a word is and what a phrase or NEAR matches, so the
Python side (tokenize, fold, find_matches) is checked against a real FTS5 table.
"""

from __future__ import annotations

import itertools
import sqlite3
import unicodedata

import pytest

from framework.errors import CharterError
from framework.query import (
    And,
    Near,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    expand_words,
    find_matches,
    fold,
    group_by_fold,
    parse,
    to_fts5,
    to_tsquery,
    tokenize,
)


def word(text: str, prefix: bool = False) -> Term:
    return Term((text,), prefix)


def phrase(*words: str) -> Phrase:
    return Phrase(tuple(word(w) for w in words))


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("query, expected", [
    ("partner", word("partner")),
    ("Partner", word("partner")),
    ("meet*", word("meet", prefix=True)),
    ('"tasking meeting"', phrase("tasking", "meeting")),
    ("“tasking meeting”", phrase("tasking", "meeting")),
    ('"partner"', word("partner")),
    ("well-being", phrase("well", "being")),
    ("partner's", phrase("partner", "s")),
    ("well-be*", Phrase((word("well"), word("be", prefix=True)))),
    ('"tasking meet*"', Phrase((word("tasking"), word("meet", prefix=True)))),
    ('"meet*"', word("meet", prefix=True)),
    ("a b", And((word("a"), word("b")))),
    ("a AND b", And((word("a"), word("b")))),
    ("a and b", And((word("a"), word("b")))),
    ("a & b", And((word("a"), word("b")))),  # punctuation on its own is no word
    ("a OR b", Or((word("a"), word("b")))),
    ("a or b c", Or((word("a"), And((word("b"), word("c")))))),
    ("(a OR b) c", And((Or((word("a"), word("b"))), word("c")))),
    ("a NOT b", Not(word("a"), word("b"))),
    ("a Not b", Not(word("a"), word("b"))),
    ("a -b", Not(word("a"), word("b"))),
    ("-b a", Not(word("a"), word("b"))),
    ("a -b c -d", Not(And((word("a"), word("c"))), Or((word("b"), word("d"))))),
    ("a NOT b NOT c", Not(word("a"), Or((word("b"), word("c"))))),
    ("a -(b OR c)", Not(word("a"), Or((word("b"), word("c"))))),
    ('a -"b c"', Not(word("a"), phrase("b", "c"))),
    ("a b NOT c", And((word("a"), Not(word("b"), word("c"))))),
    ("NEAR(a b, 5)", Near((word("a"), word("b")), 5)),
    ("near(a b)", Near((word("a"), word("b")), 10)),
    ('NEAR(a "b c", 3)', Near((word("a"), phrase("b", "c")), 3)),
    ("a NEAR/5 b", Near((word("a"), word("b")), 5)),
    ("a near b", Near((word("a"), word("b")), 10)),
    ("a NEAR/2 b NEAR/2 c", Near((word("a"), word("b"), word("c")), 2)),
    ("a NEAR/99999999999 b", Near((word("a"), word("b")), 1_000_000)),
    ("NEAR(a b, 99999999999)", Near((word("a"), word("b")), 1_000_000)),
    ("x a NEAR/2 b", And((word("x"), Near((word("a"), word("b")), 2)))),
    ("nearby", word("nearby")),
    ('"and" "or" "not" "near"', And((word("and"), word("or"), word("not"), word("near")))),
])
def test_parse(query, expected):
    assert parse(query) == expected


@pytest.mark.parametrize("query, message", [
    ("", "The query is empty; type a word to search for."),
    ("  ...  ", "The query is empty; type a word to search for."),
    ("partner (police", "Unbalanced parenthesis at character 9 of the query."),
    ("(a OR b) c)", "Unbalanced parenthesis at character 11 of the query."),
    ("(a OR b", "Unbalanced parenthesis at character 1 of the query."),
    ('a "b c', "Unbalanced quotation mark at character 3 of the query."),
    ('a ""', "Empty phrase at character 3 of the query."),
    ("()", "Empty parentheses at character 1 of the query."),
    ("a AND", '"AND" at character 3 of the query has nothing after it.'),
    ("a OR", '"OR" at character 3 of the query has nothing after it.'),
    ("a NOT", '"NOT" at character 3 of the query has nothing after it.'),
    ("a AND OR b", '"AND" at character 3 of the query has nothing after it.'),
    ("(a OR) b", '"OR" at character 4 of the query has nothing after it.'),
    ("OR a", '"OR" at character 1 of the query has nothing before it; '
             'put "or" in quotes to search for the word itself.'),
    ("not sure", '"NOT" at character 1 of the query has nothing before it; '
                 'put "not" in quotes to search for the word itself.'),
    ("-a", '"-" at character 1 of the query leaves a word out, but there is no word to look '
           "for beside it."),
    ("a OR -b", '"-" at character 6 of the query leaves a word out, but there is no word to '
                "look for beside it."),
    ("NEAR(a)", "NEAR at character 1 of the query needs at least two words or phrases."),
    ("x NEAR(a, 3)", "NEAR at character 3 of the query needs at least two words or phrases."),
    ("NEAR(a b, x)", "NEAR at character 1 of the query needs a whole number of words after "
                     "its comma, as in NEAR(a b, 5)."),
    ("NEAR(a (b) c)", "NEAR( … ) at character 1 of the query can only hold words and "
                      "phrases, then a distance."),
    ("a NEAR/x b", "NEAR at character 3 of the query needs a whole number of words, as in NEAR/5."),
    ("a NEAR", 'NEAR at character 3 of the query needs a word or phrase on each side; '
               'put "near" in quotes to search for the word itself.'),
    ("near the station", 'NEAR at character 1 of the query needs a word or phrase on each '
                         'side; put "near" in quotes to search for the word itself.'),
    ("(a OR b) NEAR c", 'NEAR at character 10 of the query needs a word or phrase on each '
                        'side; put "near" in quotes to search for the word itself.'),
    ("a NEAR/2 b NEAR/3 c", "The NEARs at character 1 of the query must all use one "
                            "distance, as in a NEAR/5 b NEAR/5 c."),
])
def test_a_malformed_query_is_one_sentence_naming_the_problem_and_where(query, message):
    with pytest.raises(QueryError) as raised:
        parse(query)
    assert str(raised.value) == message
    assert isinstance(raised.value, CharterError)


# --------------------------------------------------------------------------- rendering


def test_fts5_rendering_quotes_every_word():
    assert to_fts5(parse("partner")) == '"partner"'
    assert to_fts5(parse("Café*")) == '"cafe"*'
    assert to_fts5(parse('"tasking meet*"')) == '"tasking" + "meet"*'
    assert to_fts5(parse("tasking meet*")) == '("tasking") AND ("meet"*)'
    assert to_fts5(parse("a OR b -c")) == '("a") OR (("b") NOT ("c"))'
    assert to_fts5(parse('NEAR(a "b c", 3)')) == 'NEAR("a" "b" + "c", 3)'
    assert to_fts5(parse('"and" OR "near"')) == '("and") OR ("near")'


def test_tsquery_rendering_is_a_filter_that_python_confirms():
    assert to_tsquery(parse("partner")) == "('partner')"
    assert to_tsquery(parse("meet*")) == "('meet':*)"
    # In a phrase the next word may be 2 on: PostgreSQL indexes "well-being" before
    # "well" and "being". NEAR becomes AND.
    assert to_tsquery(parse('"the well"')) == "(('the') <-> ('well') | ('the') <2> ('well'))"
    assert to_tsquery(parse('"a b c"')) == (
        "(('a') <-> ('b') | ('a') <2> ('b')) & (('b') <-> ('c') | ('b') <2> ('c'))"
    )
    assert to_tsquery(parse("a NEAR/2 b")) == "(('a')) & (('b'))"
    # PostgreSQL reads the "19" of "covid-19" as -19.
    assert to_tsquery(parse("19")) == "('19' | '-19')"
    # A word left out is excluded exactly; a phrase left out cannot be, so it is dropped.
    assert to_tsquery(parse("a -b")) == "(('a')) & !(('b'))"
    assert to_tsquery(parse('a -"b c"')) == "('a')"


def test_tsquery_looks_for_every_accented_spelling_the_index_holds():
    accented = group_by_fold(["café", "cafés", "école", "straße", "naïve-ish"])
    assert accented == {"cafe": ("café",), "cafes": ("cafés",), "ecole": ("école",), "straße": ("straße",)}
    assert to_tsquery(parse("cafe"), accented) == "('cafe' | 'café')"
    assert to_tsquery(parse("CAFÉ"), accented) == "('cafe' | 'café')"
    assert to_tsquery(parse("caf*"), accented) == "('caf':* | 'café' | 'cafés')"
    assert to_tsquery(parse("ecole"), accented) == "('ecole' | 'école')"


def test_lemma_expansion_touches_plain_words_only():
    forms = {"meet": ["met", "meeting", "meets"], "partner": ["partners"]}.get
    expanded = expand_words(parse('meet -partner "meet partner" meet* NEAR(meet partner)'),
                            lambda w: forms(w, []))
    assert expanded == Not(
        And((
            Term(("meet", "meeting", "meets", "met")),
            phrase("meet", "partner"),
            word("meet", prefix=True),
            Near((word("meet"), word("partner")), 10),
        )),
        Term(("partner", "partners")),
    )
    assert to_fts5(Term(("meet", "met"))) == '("meet" OR "met")'


# --------------------------------------------------------------------------- words


def fts5_table() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    connection.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    return connection


def test_tokenize_and_fold_agree_with_unicode61_on_latin_letters():
    characters = [
        code for code in itertools.chain(range(0x20, 0x250), range(0x1E00, 0x1F00), range(0x2000, 0x2064))
        if unicodedata.category(chr(code)) != "Cs"
    ]
    connection = fts5_table()
    connection.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)", [(code, f"a{chr(code)}b") for code in characters]
    )
    indexed: dict[int, list[str]] = {}
    for row, term in connection.execute("SELECT doc, term FROM v ORDER BY doc, offset"):
        indexed.setdefault(row, []).append(term)
    disagreements = [
        chr(code) for code in characters
        if [token.folded for token in tokenize(f"a{chr(code)}b")] != indexed.get(code, [])
    ]
    assert disagreements == []


def test_tokens_carry_offsets_into_the_text():
    text = "Well-being, at the Café—really!"
    tokens = tokenize(text)
    assert [token.folded for token in tokens] == ["well", "being", "at", "the", "cafe", "really"]
    assert [text[token.start:token.end] for token in tokens] == ["Well", "being", "at", "the", "Café", "really"]
    assert [token.position for token in tokens] == list(range(6))
    assert fold("ÉCOLE Straße") == "ecole straße"


DOCUMENTS = [
    "A B C D x x x E F x",
    "The partners meet at the café every month. I met the police there.",
    "The police and the council partner well on anti-social behaviour.",
    "Not really. The police patrol less since the station closed, and the council cut the club.",
    "police police council; council -- police!",
    "We meet weekly at the tasking meeting, don't we?",
    "meeting meet met meets meetings",
    "Café, cafe, CAFES and cafés.",
]

QUERIES = [
    "police", "council", "cafe", "café*", "meet*", "partner*", "x", "e", "d",
    '"the police"', '"the council partner"', '"police council"', '"anti social"', "anti-social",
    '"tasking meet*"', '"don t"', "don't", '"x x"', '"x x x x"',
    "police council", "police OR club", "police NOT council", "police -council -club",
    "(police OR meet) -the", '(police OR meet) -"the police"', "meet -meetings",
    "NEAR(police council, 0)", "NEAR(police council, 1)", "NEAR(police council, 2)",
    "NEAR(police council, 8)", "NEAR(police council, 7)", "NEAR(e d, 3)", "NEAR(e d, 2)",
    'NEAR("c d" "e f", 3)', 'NEAR(c "e f", 3)', "NEAR(a d e, 6)", "NEAR(a d e, 5)",
    "NEAR(x x, 0)", "NEAR(d d, 0)", "NEAR(meet* police, 4)", "a NEAR/1 b NEAR/1 c",
    "police NEAR/3 council OR meet", "NEAR(the the, 0)", "NEAR(cafe cafes, 0)",
]


def test_find_matches_agrees_with_fts5():
    connection = fts5_table()
    connection.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)", list(enumerate(DOCUMENTS, start=1))
    )
    for query in QUERIES:
        node = parse(query)
        by_fts5 = {row for (row,) in connection.execute("SELECT rowid FROM t WHERE t MATCH ?", (to_fts5(node),))}
        by_python = {row for row, text in enumerate(DOCUMENTS, start=1) if find_matches(node, tokenize(text))}
        assert by_python == by_fts5, query


def test_find_matches_spans():
    text = "The police and the council partner well. The police again."

    def spans(query: str) -> list[str]:
        return [text[start:end] for start, end in find_matches(parse(query), tokenize(text))]

    assert spans("police") == ["police", "police"]
    assert spans('"the police"') == ["The police", "The police"]
    assert spans("council police") == ["police", "council", "police"]
    assert spans("NEAR(police council, 2)") == ["police", "council"]
    assert spans('"partner well the"') == ["partner well. The"]
    assert spans("police -council") == []
    assert spans("missing") == []


def test_adjacency_counts_words_left_out():
    """Searching coded passages only drops the uncoded words but keeps their positions."""
    tokens = [token for token in tokenize("police and council") if token.folded != "and"]
    assert find_matches(parse('"police council"'), tokens) == []
    assert find_matches(parse("NEAR(police council, 1)"), tokens) == [(0, 6), (11, 18)]
