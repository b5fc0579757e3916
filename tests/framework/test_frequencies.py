"""Word frequencies on SQLite and PostgreSQL, counted by hand from the search study.

What participants (not interviewers) said, stop words out, in ``TRANSCRIPTS``:

* Site A, residents — Alice: partners meet café month met police | police council
  partner anti social behaviour; Bob: honestly council listens meetings pointless think
  ("don't" is do + not, both stop words);
* Site B, partner agency — Carol: tasking meeting partners share information meet
  weekly; Dan: information sharing police better cafe high street hosts drop ins;
* Site B, resident — Erin: police patrol station closed council cut youth club met
  youth workers;
* no site, no type — Frank: funding youth services matters youth services kids busy
  ("keep" is a stop word, 2023 a number).
"""

from __future__ import annotations

import pytest

from framework import nlp
from framework.errors import CharterError
from framework.frequencies import countable_words, word_frequencies
from tests.framework.test_search import import_study


@pytest.fixture
def study(project, tmp_path):
    import_study(project, tmp_path / "transcripts")
    return project


def frequencies(project, **options):
    with project.transaction("frequencies") as session:
        return word_frequencies(session, **options)


def test_overall_counts(study):
    assert frequencies(study, top=8) == {"All": [
        ("police", 4), ("youth", 4), ("council", 3),
        ("information", 2), ("meet", 2), ("met", 2), ("partners", 2), ("services", 2),
    ]}


def test_counts_by_site_with_none_for_no_site(study):
    assert frequencies(study, by="site", top=5) == {
        "Site A": [("council", 2), ("police", 2), ("anti", 1), ("behaviour", 1), ("café", 1)],
        "Site B": [("information", 2), ("police", 2), ("youth", 2), ("better", 1), ("cafe", 1)],
        "(none)": [("services", 2), ("youth", 2), ("busy", 1), ("funding", 1), ("kids", 1)],
    }


def test_counts_by_participant_type(study):
    assert frequencies(study, by="type", top=5) == {
        "partner agency": [("information", 2), ("better", 1), ("cafe", 1), ("drop", 1), ("high", 1)],
        "resident": [("council", 3), ("police", 3), ("met", 2), ("youth", 2), ("anti", 1)],
        "(none)": [("services", 2), ("youth", 2), ("busy", 1), ("funding", 1), ("kids", 1)],
    }


def test_lemmas_count_every_form_under_one_word(study):
    # meet: Alice "meet" + "met", Erin "met"; Carol's "meeting" is a partner agency's.
    assert frequencies(study, by="type", top=5, lemmas=True) == {
        "partner agency": [("information", 2), ("meet", 2), ("share", 2), ("cafe", 1), ("drop", 1)],
        "resident": [("council", 3), ("meet", 3), ("police", 3), ("partner", 2), ("youth", 2)],
        "(none)": [("service", 2), ("youth", 2), ("busy", 1), ("fund", 1), ("kid", 1)],
    }


def test_interviewers_are_left_out_unless_asked_for(study):
    every_word = {word for words in frequencies(study, top=1000).values() for word, _ in words}
    assert every_word.isdisjoint({"area", "safe", "phone", "tell", "thanks"})
    # With them: "police" +1 ("What about the police?"), "partners" +1, "tasking" +1.
    assert frequencies(study, top=5, include_interviewer=True) == {"All": [
        ("police", 5), ("youth", 4), ("council", 3), ("partners", 3), ("information", 2),
    ]}
    # An interviewer belongs to no site: their words count for the source's site.
    by_site = frequencies(study, by="site", top=3, include_interviewer=True)
    assert by_site["Site A"] == [("police", 3), ("council", 2), ("partners", 2)]
    assert by_site["(none)"][:3] == [("services", 2), ("youth", 2), ("busy", 1)]


def test_stop_words_short_words_and_numbers_are_never_counted(study):
    counted = {word for words in frequencies(study, top=1000, include_interviewer=True).values()
               for word, _ in words}
    assert not {word for word in counted if nlp.is_stop(word)}
    assert not {word for word in counted if len(word) < 2 or word.isnumeric()}
    assert {"don", "t", "2023", "the", "keep"}.isdisjoint(counted)


def test_an_empty_project_has_empty_groups(project):
    assert frequencies(project) == {"All": []}
    assert frequencies(project, by="site") == {}


def test_an_unknown_grouping_is_refused(project):
    with pytest.raises(CharterError, match="grouped by site or type"):
        frequencies(project, by="method")


def test_countable_words():
    text = "Don't the partners' partner's Café 2023 x O’Brien drop-ins"
    assert list(countable_words(text)) == ["partners", "partner", "café", "o'brien", "drop", "ins"]
    assert list(countable_words("Partners met meetings", lemmas=True)) == ["partner", "meet", "meeting"]
