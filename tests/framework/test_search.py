"""Full-text search end to end, on SQLite and PostgreSQL with the same expectations.

The transcripts below are imported with the real importer; every expected hit can be
checked by reading them. Hits come one per turn, in reading order: sources in the order
they were imported (residents-a, partners-b, residents-b, external), then by position.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from framework import nlp
from framework.search import (
    SearchError,
    SearchHit,
    count_hits,
    count_hits_and_sources,
    keyword_in_context,
    search,
)
from importers.service import ImportOptions, import_files
from models import Coder, Coding, Source, Theme, Turn

TRANSCRIPTS = {
    # name: (site, participant type, text)
    "residents-a": ("Site A", "resident", (
        "Interviewer: How do the partners work together in this area?\n"
        "Alice: The partners meet at the café every month. I met the police there.\n"
        "Bob: Honestly the council never listens. Meetings are pointless, don't you think?\n"
        "Interviewer: What about the police?\n"
        "Alice: The police and the council partner well on anti-social behaviour.\n"
    )),
    "partners-b": ("Site B", "partner agency", (
        "Interviewer: Tell me about the tasking meeting.\n"
        "Carol: The tasking meeting is where partners share information. We meet weekly.\n"
        "Dan: Information sharing with the police is better than it was. "
        "The cafe on the high street hosts drop-ins.\n"
    )),
    "residents-b": ("Site B", "resident", (
        "Interviewer: Do you feel safe?\n"
        "Erin: Not really. The police patrol less since the station closed, and the council "
        "cut the youth club. I met the youth workers once.\n"
    )),
    "external": (None, None, (
        "Interviewer: Thanks for joining by phone.\n"
        "Frank: Funding for youth services matters. Youth services keep kids busy in 2023.\n"
    )),
}


def import_study(project, folder: Path, transcripts: dict = TRANSCRIPTS) -> None:
    """Write each transcript to ``folder`` and import it with its site and type."""
    folder.mkdir(exist_ok=True)
    for name, (site, kind, words) in transcripts.items():
        path = folder / f"{name}.txt"
        path.write_text(words, encoding="utf-8")
        report = import_files(project, [path], ImportOptions(site=site, participant_type=kind))
        assert [r.status for r in report.results] == ["imported"], report.results[0].error


@pytest.fixture
def study(project, tmp_path):
    import_study(project, tmp_path / "transcripts")
    return project


def run(project, query: str, **options) -> list[tuple[str, str | None, str]]:
    """(source, speaker, the matched words as cut from the source text) for each hit."""
    with project.transaction("search") as session:
        hits = search(session, query, **options)
        texts = dict(session.execute(select(Source.name, Source.text)).all())
    return [(hit.source, hit.speaker, texts[hit.source][hit.start:hit.end]) for hit in hits]


POLICE = [
    ("residents-a", "Alice", "police"),
    ("residents-a", "Interviewer", "police"),
    ("residents-a", "Alice", "police"),
    ("partners-b", "Dan", "police"),
    ("residents-b", "Erin", "police"),
]


def test_a_word_is_found_in_every_turn_that_says_it_in_reading_order(study):
    assert run(study, "partners") == [
        ("residents-a", "Interviewer", "partners"),
        ("residents-a", "Alice", "partners"),
        ("partners-b", "Carol", "partners"),
    ]
    assert run(study, "police") == POLICE
    assert run(study, "POLICE") == POLICE
    assert run(study, "nobody-says-this") == []


def test_a_hit_carries_its_turn_people_and_keyword_in_context(study):
    with study.transaction("search") as session:
        [hit] = search(session, "cafe", site="Site B")
        turn = session.get(Turn, hit.turn_id)
        source_text = session.get(Source, hit.source_id).text
    assert isinstance(hit, SearchHit)
    assert (hit.source, hit.speaker, hit.site, hit.participant_type) == (
        "partners-b", "Dan", "Site B", "partner agency")
    assert turn.start <= hit.start < hit.end <= turn.end
    assert source_text[hit.start:hit.end] == "cafe"
    assert hit.matches == ((hit.start, hit.end),)
    assert hit.context == (
        "…sharing with the police is better than it was. The «cafe» on the high street hosts drop-ins."
    )
    assert hit.as_json() == {
        "source": "partners-b", "start": hit.start, "end": hit.end, "speaker": "Dan",
        "site": "Site B", "type": "partner agency", "context": hit.context,
    }


def test_a_phrase_needs_its_words_together_and_in_order(study):
    assert run(study, '"partners meet"') == [("residents-a", "Alice", "partners meet")]
    assert run(study, '"meet partners"') == []
    assert run(study, "partners meet") == [
        ("residents-a", "Alice", "partners"),
        ("partners-b", "Carol", "partners"),
    ]
    assert run(study, '"tasking meeting"') == [
        ("partners-b", "Interviewer", "tasking meeting"),
        ("partners-b", "Carol", "tasking meeting"),
    ]


def test_a_hyphenated_word_is_a_phrase_on_both_back_ends(study):
    # PostgreSQL indexes "anti-social" whole as well as its parts, which shifts word
    # positions; the result must still be the same as on SQLite.
    expected = [("residents-a", "Alice", "on anti-social behaviour")]
    assert run(study, '"on anti-social behaviour"') == expected
    assert run(study, '"on anti social behaviour"') == expected
    assert run(study, "anti-social") == [("residents-a", "Alice", "anti-social")]


def test_phrases_across_hyphens_and_numbers_match_on_both_back_ends(project, tmp_path):
    # PostgreSQL indexes "well-being" before its parts and reads "covid-19" as covid, -19.
    import_study(project, tmp_path / "ward", {"ward": ("Site A", "resident", (
        "Hana: The well-being of the state-of-the-art covid-19 ward for 10-year-olds.\n"
    ))})
    assert run(project, '"the well"') == [("ward", "Hana", "The well")]
    assert run(project, '"the well-being of the state"') == [("ward", "Hana", "The well-being of the state")]
    assert run(project, '"the art covid"') == [("ward", "Hana", "the-art covid")]
    assert run(project, "19") == [("ward", "Hana", "19")]
    assert run(project, "covid-19") == [("ward", "Hana", "covid-19")]
    assert run(project, '"for 10 year olds"') == [("ward", "Hana", "for 10-year-olds")]
    assert run(project, "ward -19") == []


def test_a_prefix_finds_every_word_that_starts_with_it(study):
    assert run(study, "meet*") == [
        ("residents-a", "Alice", "meet"),
        ("residents-a", "Bob", "Meetings"),
        ("partners-b", "Interviewer", "meeting"),
        ("partners-b", "Carol", "meeting"),
    ]


def test_and_or_not(study):
    both = [("residents-a", "Alice", "police"), ("residents-b", "Erin", "police")]
    assert run(study, "police AND council") == both
    assert run(study, "police council") == both
    assert run(study, "police OR council") == [
        ("residents-a", "Alice", "police"),
        ("residents-a", "Bob", "council"),
        ("residents-a", "Interviewer", "police"),
        ("residents-a", "Alice", "police"),
        ("partners-b", "Dan", "police"),
        ("residents-b", "Erin", "police"),
    ]
    without = [
        ("residents-a", "Alice", "police"),
        ("residents-a", "Interviewer", "police"),
        ("partners-b", "Dan", "police"),
    ]
    assert run(study, "police NOT council") == without
    assert run(study, "police not council") == without
    assert run(study, "police -council") == without
    assert run(study, "-council police") == without
    assert run(study, "(police OR council) -station") == [
        ("residents-a", "Alice", "police"),
        ("residents-a", "Bob", "council"),
        ("residents-a", "Interviewer", "police"),
        ("residents-a", "Alice", "police"),
        ("partners-b", "Dan", "police"),
    ]
    # A phrase left out: PostgreSQL cannot filter it exactly, Python decides.
    assert run(study, 'police -"the council"') == without


def test_near_counts_the_words_between(study):
    close = [("residents-a", "Alice", "police")]
    both = close + [("residents-b", "Erin", "police")]
    assert run(study, "NEAR(police council, 2)") == close  # "police and the council"
    assert run(study, "NEAR(police council, 1)") == []
    assert run(study, "council NEAR/2 police") == close
    assert run(study, "police NEAR council") == both  # default 10; Erin has 8 between
    assert run(study, "NEAR(police council)") == both
    assert run(study, "police near/8 council") == both
    assert run(study, "police NEAR/7 council") == close
    assert run(study, 'NEAR(police "the council", 1)') == close


def test_near_hits_mark_every_word_of_the_group(study):
    with study.transaction("search") as session:
        [hit] = search(session, "NEAR(police council, 2)")
        source_text = session.get(Source, hit.source_id).text
    assert [source_text[start:end] for start, end in hit.matches] == ["police", "council"]


def test_accents_are_ignored_both_ways(study):
    both = [("residents-a", "Alice", "café"), ("partners-b", "Dan", "cafe")]
    assert run(study, "cafe") == both
    assert run(study, "café") == both
    assert run(study, "CAFÉ") == both
    assert run(study, "caf*") == both
    assert run(study, '"the café"') == [
        ("residents-a", "Alice", "the café"), ("partners-b", "Dan", "The cafe"),
    ]


def test_an_accented_word_imported_later_is_found(study, tmp_path):
    assert run(study, "ecole") == []  # also fills PostgreSQL's cache of accented words
    import_study(study, tmp_path / "more", {
        "school-a": ("Site A", "resident", "Grace: The École Saint-Michel runs a homework club.\n"),
    })
    assert run(study, "ecole") == [("school-a", "Grace", "École")]
    assert run(study, "eco*") == [("school-a", "Grace", "École")]


def test_site_and_type_filters(study):
    assert run(study, "police", site="Site B") == [
        ("partners-b", "Dan", "police"), ("residents-b", "Erin", "police"),
    ]
    assert run(study, "police", participant_type="resident") == [
        ("residents-a", "Alice", "police"),
        ("residents-a", "Alice", "police"),
        ("residents-b", "Erin", "police"),
    ]
    # An interviewer belongs to no site; their turns count for the source's site.
    assert run(study, "police", site="Site A") == [
        ("residents-a", "Alice", "police"),
        ("residents-a", "Interviewer", "police"),
        ("residents-a", "Alice", "police"),
    ]
    assert run(study, "youth", site="Site B", participant_type="resident") == [
        ("residents-b", "Erin", "youth"),
    ]
    assert run(study, "police", site="Site C") == []


def test_interviewer_turns_can_be_left_out(study):
    assert run(study, "partners", include_interviewer=False) == [
        ("residents-a", "Alice", "partners"),
        ("partners-b", "Carol", "partners"),
    ]
    assert run(study, "safe") == [("residents-b", "Interviewer", "safe")]
    assert run(study, "safe", include_interviewer=False) == []


def test_lemma_search_finds_the_other_forms_of_a_word(study):
    assert run(study, "partner") == [("residents-a", "Alice", "partner")]
    assert run(study, "partner", lemma=True) == [
        ("residents-a", "Interviewer", "partners"),
        ("residents-a", "Alice", "partners"),
        ("residents-a", "Alice", "partner"),
        ("partners-b", "Carol", "partners"),
    ]
    expected = [
        ("residents-a", "Alice", "meet"),
        ("partners-b", "Interviewer", "meeting"),
        ("partners-b", "Carol", "meeting"),
        ("residents-b", "Erin", "met"),
    ]
    if "meetings" in nlp.word_forms("meet"):  # not with spacy-lookups-data 1.0.5
        expected.insert(1, ("residents-a", "Bob", "Meetings"))
    assert run(study, "meet", lemma=True) == expected
    # Phrases and prefixes are taken literally.
    assert run(study, '"partner well"', lemma=True) == [("residents-a", "Alice", "partner well")]


def test_lemma_hits_mark_every_form_in_the_turn(study):
    with study.transaction("search") as session:
        hits = search(session, "meet", lemma=True, site="Site A")
        source_text = session.get(Source, hits[0].source_id).text
    assert [source_text[start:end] for start, end in hits[0].matches] == ["meet", "met"]


def test_limit_keeps_the_first_hits_in_reading_order(study):
    assert run(study, "police", limit=2) == POLICE[:2]
    assert run(study, "police", limit=100) == POLICE
    assert run(study, "police", limit=0) == []


def test_reading_order_is_import_order_then_position(study):
    with study.transaction("search") as session:
        hits = search(session, "the OR youth")
        turns = {hit.turn_id: session.get(Turn, hit.turn_id) for hit in hits}
        imported = [name for (name,) in session.execute(select(Source.name).order_by(Source.id))]
    assert imported == list(TRANSCRIPTS)
    assert [hit.turn_id for hit in hits] == sorted(turns)
    assert [(hit.source_id, turns[hit.turn_id].start) for hit in hits] == sorted(
        (hit.source_id, turns[hit.turn_id].start) for hit in hits)
    assert list(dict.fromkeys(hit.source for hit in hits)) == list(TRANSCRIPTS)


def code_passages(project, theme_name: str, passages: list[tuple[str, str]]) -> int:
    """Code each ``(source name, words in it)`` at a new theme; returns the theme's id."""
    with project.transaction("code") as session:
        coder = session.scalar(select(Coder)) or Coder(name="Alex Coder", initials="AC")
        theme = Theme(name=theme_name)
        session.add_all([coder, theme])
        session.flush()
        for name, passage in passages:
            source = session.scalar(select(Source).where(Source.name == name))
            start = source.text.index(passage)
            session.add(Coding(source_id=source.id, theme_id=theme.id, coder_id=coder.id,
                               start=start, end=start + len(passage)))
        return theme.id


def pages(project, query: str, size: int, **options) -> list[list[tuple[str, str | None, str]]]:
    """``search`` page by page (``size`` hits from offset 0, size, 2 × size …) to the end."""
    result, offset = [], 0
    while page := run(project, query, limit=size, offset=offset, **options):
        result.append(page)
        offset += size
    return result


PAGED = [
    ("police", {}),
    ("the", {}),
    ("police OR council", {"include_interviewer": False}),
    ("the", {"site": "Site B"}),
    ("the", {"participant_type": "resident"}),
    ("meet", {"lemma": True}),
    ('"the council"', {}),
    ("NEAR(police council, 2) OR youth", {}),  # NEAR is only an AND on PostgreSQL
    ('the -"the council"', {}),  # PostgreSQL cannot leave the phrase out: Python does
]


@pytest.mark.parametrize("query, options", PAGED)
def test_pages_continue_each_other_exactly(study, query, options):
    everything = run(study, query, **options)
    assert everything
    for size in (1, 2, 3, 5):
        assert [hit for page in pages(study, query, size, **options) for hit in page] == everything
    assert run(study, query, limit=2, offset=1, **options) == everything[1:3]
    assert run(study, query, offset=1, **options) == everything[1:]
    assert run(study, query, limit=10, offset=len(everything), **options) == []


@pytest.mark.parametrize("query, options", PAGED + [("nobody-says-this", {}), ("police", {"site": "Site C"})])
def test_count_hits_is_the_number_of_hits(study, query, options):
    with study.transaction("count") as session:
        assert count_hits(session, query, **options) == len(search(session, query, **options))


@pytest.mark.parametrize("query, options", PAGED + [("nobody-says-this", {}), ("police", {"site": "Site C"})])
def test_hits_and_their_sources_are_counted_together(study, query, options):
    with study.transaction("count") as session:
        hits = search(session, query, **options)
        assert count_hits_and_sources(session, query, **options) == (len(hits), len({h.source_id for h in hits}))


def test_paging_and_counting_with_a_theme_filter_check_every_candidate(study):
    # Each turn below mentions the police and touches a coded passage, but only the
    # last three have "police" inside one: the index's candidates include the others,
    # which Python rejects, and a page must still be full and continue the one before.
    theme_id = code_passages(study, "Policing", [
        ("residents-a", "How do the partners"),  # the interviewer's turn names no police
        ("residents-a", "Honestly the council"),
        ("residents-a", "What about the police?"),
        ("residents-a", "The police and the council"),
        ("partners-b", "Information sharing with the police"),
    ])
    expected = [
        ("residents-a", "Interviewer", "police"),
        ("residents-a", "Alice", "police"),
        ("partners-b", "Dan", "police"),
    ]
    assert run(study, "police", theme_path_ids=[theme_id]) == expected
    assert pages(study, "police", 1, theme_path_ids=[theme_id]) == [[hit] for hit in expected]
    assert run(study, "police", theme_path_ids=[theme_id], limit=1, offset=1) == expected[1:2]
    with study.transaction("count") as session:
        assert count_hits(session, "police", theme_path_ids=[theme_id]) == 3
        assert count_hits(session, "partners", theme_path_ids=[theme_id]) == 1
        assert count_hits(session, "police", theme_path_ids=[]) == 0
        assert count_hits(session, "behaviour", theme_path_ids=[theme_id]) == 0


def test_a_negative_offset_is_refused(study):
    with study.transaction("search") as session, pytest.raises(ValueError):
        search(session, "police", offset=-1)


def test_a_malformed_query_is_refused_when_counting_too(study):
    with study.transaction("count") as session, pytest.raises(SearchError):
        count_hits(session, '"tasking meeting')


def test_theme_filter_searches_only_the_coded_words(study):
    with study.transaction("code") as session:
        source = session.scalar(select(Source).where(Source.name == "residents-a"))
        passage = "The police and the council partner well"
        start = source.text.index(passage)
        coder = Coder(name="Alex Coder", initials="AC")
        theme, other = Theme(name="Partnership"), Theme(name="Other")
        session.add_all([coder, theme, other])
        session.flush()
        session.add(Coding(source_id=source.id, theme_id=theme.id, coder_id=coder.id,
                           start=start, end=start + len(passage)))
        theme_id, other_id = theme.id, other.id
    assert run(study, "police", theme_path_ids=[theme_id]) == [("residents-a", "Alice", "police")]
    assert run(study, "police", theme_path_ids=[theme_id, other_id]) == [("residents-a", "Alice", "police")]
    assert run(study, "behaviour", theme_path_ids=[theme_id]) == []
    assert run(study, "behaviour") == [("residents-a", "Alice", "behaviour")]
    assert run(study, "police behaviour", theme_path_ids=[theme_id]) == []
    assert run(study, "police", theme_path_ids=[other_id]) == []
    assert run(study, "police", theme_path_ids=[]) == []


def test_deleting_a_source_removes_its_hits(study):
    with study.transaction("delete") as session:
        session.delete(session.scalar(select(Source).where(Source.name == "residents-a")))
    assert run(study, "police") == [
        ("partners-b", "Dan", "police"), ("residents-b", "Erin", "police"),
    ]
    with study.transaction("count") as session:
        indexed = session.scalar(text("SELECT count(*) FROM turn_search"))
        assert indexed == session.scalar(select(func.count()).select_from(Turn))


@pytest.mark.parametrize("query, message", [
    ("partners (police", "Unbalanced parenthesis at character 10 of the query."),
    ('"tasking meeting', "Unbalanced quotation mark at character 1 of the query."),
    ("police AND", '"AND" at character 8 of the query has nothing after it.'),
    ("", "The query is empty; type a word to search for."),
    ("NEAR(police)", "NEAR at character 1 of the query needs at least two words or phrases."),
])
def test_a_malformed_query_is_one_sentence(study, query, message):
    with study.transaction("search") as session, pytest.raises(SearchError) as raised:
        search(session, query)
    assert str(raised.value) == message


NASTY_QUERIES = [
    "body:police", "^police", "police:*", "police'", "'police", "\\", "'; DROP TABLE turns; --",
    "police & council | !station", "<-> police", ":*", '"police" *', "O'Brien", "NEAR/3 police",
    "police NEAR/3", "日本語", "(((police)))", "police,council", "*", "col : police", "AND AND",
    "police NEAR(council station, 4) OR -", "\"\"\"", "police -", "a'b'c", "née", "x" * 300,
]


def test_no_query_reaches_the_database_as_a_syntax_error(study):
    for query in NASTY_QUERIES:
        with study.transaction("search") as session:
            try:
                hits = search(session, query)
            except SearchError as error:
                assert str(error).endswith(".") and "\n" not in str(error), query
            else:
                assert isinstance(hits, list), query


def test_a_search_takes_a_few_queries_however_many_hits(study):
    statements = []

    def count(*_args):
        statements.append(1)

    with study.transaction("search") as session:
        search(session, "the")  # fill PostgreSQL's cache of accented words first
        event.listen(study.engine, "before_cursor_execute", count)
        try:
            hits = search(session, "the OR police OR youth")
        finally:
            event.remove(study.engine, "before_cursor_execute", count)
    assert len({hit.source for hit in hits}) == 4
    # the hits with their turns' text (+ the index fingerprint on PostgreSQL)
    assert len(statements) <= 2


def test_a_page_and_a_count_take_one_query_each_on_sqlite(study):
    if study.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL also reads the index's fingerprint and checks candidates in Python")
    statements = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(study.engine, "before_cursor_execute", record)
    try:
        with study.transaction("search") as session:
            assert len(search(session, "the OR police", limit=3, offset=2)) == 3
            assert count_hits(session, "the OR police") > 5
            assert count_hits(session, "the", site="Site A", include_interviewer=False) > 1
    finally:
        event.remove(study.engine, "before_cursor_execute", record)
    assert len(statements) == 3, statements


def test_sqlite_reads_a_page_in_index_order_without_sorting(study):
    if study.engine.dialect.name != "sqlite":
        pytest.skip("an FTS5 query plan")
    from framework.search import _Filters, _page_statement, _parameters, _plan, _with_theme_ids

    with study.transaction("plan") as session:
        for filters in (_Filters(None, None, None, True), _Filters("Site A", "resident", [1, 2], False)):
            plan = _plan(session, "police", False, filters)
            page = _page_statement(plan, after=True, limit=True, offset=True)
            explain = _with_theme_ids(text("EXPLAIN QUERY PLAN " + page.text), plan)
            parameters = {**_parameters(plan), "after": 0, "limit": 10, "offset": 0}
            steps = [row[3] for row in session.execute(explain, parameters)]
            assert steps[0].startswith("SCAN turn_search VIRTUAL TABLE"), steps
            assert not any("TEMP B-TREE" in step for step in steps), steps


def test_a_turn_whose_index_text_is_out_of_step_is_cut_from_its_source(study):
    if study.engine.dialect.name != "sqlite":
        pytest.skip("only FTS5 keeps the turn's text")
    expected = run(study, "cafe")
    with study.transaction("spoil") as session:
        turn_id = search(session, "cafe", site="Site B")[0].turn_id
        spoil = text("UPDATE turn_search SET body = body || ' zebra' WHERE rowid = :id")
        session.execute(spoil, {"id": turn_id})
    assert run(study, "cafe") == expected
    assert run(study, "zebra") == []


@pytest.mark.parametrize("width, expected", [
    (60, "one two three «four» five six"),
    (10, "…three «four» five six"),
    (7, "…«four» five…"),
    (4, "…«four»…"),
])
def test_keyword_in_context_cuts_partial_words_and_squeezes_spaces(width, expected):
    text = "one two\n three   four five\tsix"
    start = text.index("four")
    assert keyword_in_context(text, start, start + 4, width) == expected


@pytest.mark.parametrize("width, expected", [
    (6, "…«delta» echo…"),  # cut just after a line break: "echo" is whole and stays
    (8, "…«delta» echo…"),
    (14, "…charlie «delta» echo foxtrot…"),
])
def test_keyword_in_context_keeps_a_whole_word_before_a_line_break(width, expected):
    text = "alpha bravo\ncharlie delta echo\nfoxtrot golf"
    start = text.index("delta")
    assert keyword_in_context(text, start, start + 5, width) == expected

