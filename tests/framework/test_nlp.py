"""Offline spaCy: sentences, lookup lemmas, word forms, stop words, contractions."""

from __future__ import annotations

import socket

import pytest

from framework import nlp


def test_the_pipeline_is_blank_english_with_a_lookup_lemmatizer_built_once():
    pipeline = nlp.pipeline()
    assert pipeline is nlp.pipeline()
    assert pipeline.lang == "en"
    assert pipeline.pipe_names == ["sentencizer", "lemmatizer"]
    lemmatizer = pipeline.get_pipe("lemmatizer")
    assert lemmatizer.mode == "lookup"
    assert lemmatizer.lookups.has_table("lemma_lookup")


def test_the_pipeline_needs_no_network(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("framework.nlp tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for cached in (nlp.pipeline, nlp._lemma_data, nlp._lemma_table, nlp._forms_by_lemma,
                   nlp.lemma, nlp.word_forms):
        cached.cache_clear()
    try:
        assert nlp.lemma("partners") == "partner"
        assert nlp.sentence_spans("One. Two.") == [(0, 4), (5, 9)]
    finally:
        for cached in (nlp.pipeline, nlp._lemma_data, nlp._lemma_table, nlp._forms_by_lemma,
                       nlp.lemma, nlp.word_forms):
            cached.cache_clear()


def test_sentence_spans_are_offsets_trimmed_of_whitespace():
    text = "  We meet monthly.  It helps a lot! Does it?\nYes  "
    spans = nlp.sentence_spans(text)
    assert [text[start:end] for start, end in spans] == [
        "We meet monthly.", "It helps a lot!", "Does it?", "Yes",
    ]
    assert spans[0] == (2, 18)
    assert nlp.sentence_spans("") == []
    assert nlp.sentence_spans("   \n ") == []


@pytest.mark.parametrize("word, expected", [
    ("partners", "partner"),
    ("Partners", "partner"),
    ("met", "meet"),
    ("meeting", "meet"),
    ("meetings", "meeting"),  # the table is one step deep
    ("children", "child"),
    ("policing", "police"),
    ("partner", "partner"),  # a lemma is not a key of the table: itself
    ("zzyzx", "zzyzx"),
])
def test_lemma_is_the_lookup_tables_lemma_of_the_lower_cased_word(word, expected):
    assert nlp.lemma(word) == expected


def test_word_forms_invert_the_lookup_table():
    assert {"partner", "partners", "partnered", "partnering"} <= nlp.word_forms("partner")
    assert nlp.word_forms("partners") == nlp.word_forms("partner")
    meet = nlp.word_forms("meet")
    assert {"meet", "met", "meeting", "meets"} <= meet
    # Only what the table says: "meetings" lemmatises to "meeting", not "meet".
    assert ("meetings" in meet) == (nlp.lemma("meetings") == "meet")
    assert nlp.word_forms("Met") == meet
    assert nlp.word_forms("zzyzx") == {"zzyzx"}
    assert all(nlp.lemma(form) == "meet" for form in meet - {"meet"})


def test_stop_words_are_spacys_english_list():
    assert nlp.is_stop("the") and nlp.is_stop("The") and nlp.is_stop("however")
    assert not nlp.is_stop("police")
    assert "the" in nlp.stop_words()


@pytest.mark.parametrize("word, pieces", [
    ("don't", ("do", "not")),
    ("won't", ("will", "not")),
    ("partner's", ("partner", "'s")),
    ("we've", ("we", "have")),
    ("o'brien", ("o'brien",)),
])
def test_contractions_split_as_spacy_tokenizes_english(word, pieces):
    assert nlp.split_contraction(word) == pieces
