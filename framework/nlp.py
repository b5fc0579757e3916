"""Offline English language help: sentences, lemmas, word forms and stop words.

Charter uses spaCy without any trained model, so nothing is ever downloaded: a blank
English pipeline with a rule-based sentencizer and a lookup lemmatizer whose table comes
from the installed ``spacy-lookups-data`` package. The pipeline is built on first use
and kept for the life of the process, because importing spaCy and reading the lemma
table takes about a second, which a search box cannot pay on every keystroke.

Lemmas are looked up for the lower-cased word: the table is keyed by lower-case forms
(apart from a few hundred proper nouns), and researchers expect "Partners" and
"partners" to behave alike.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import TYPE_CHECKING

from models.canonical import strip_span

if TYPE_CHECKING:
    from spacy.language import Language

LEMMA_TABLE = "lemma_lookup"

# The importer refuses files over 50 MB; spaCy's default limit (1,000,000 characters)
# guards the memory of parsers and NER, which this pipeline does not have.
MAX_TEXT_LENGTH = 60_000_000


class LanguageDataMissing(RuntimeError):
    """spacy-lookups-data is not installed, so lemmas cannot be looked up."""


@cache
def _lemma_data() -> dict[str, str]:
    """The English lookup table (surface form -> lemma) from spacy-lookups-data."""
    from spacy.util import load_language_data, registry

    try:
        tables = registry.lookups.get("en")
    except Exception as error:  # catalogue raises its own RegistryError
        raise LanguageDataMissing(
            "The spacy-lookups-data package is not installed, so lemma search is unavailable."
        ) from error
    return load_language_data(tables[LEMMA_TABLE])


@cache
def pipeline() -> Language:
    """The shared blank English pipeline: sentencizer, then the lookup lemmatizer."""
    import spacy
    from spacy.lookups import Lookups

    nlp = spacy.blank("en")
    nlp.max_length = MAX_TEXT_LENGTH
    nlp.add_pipe("sentencizer")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lookups = Lookups()
    lookups.add_table(LEMMA_TABLE, _lemma_data())
    # Handing the table over ourselves, rather than nlp.initialize(), reads the data
    # file once: the same dictionary also feeds the inverted index below.
    lemmatizer.initialize(lookups=lookups)
    return nlp


@cache
def _lemma_table():
    return pipeline().get_pipe("lemmatizer").lookups.get_table(LEMMA_TABLE)


@cache
def _forms_by_lemma() -> dict[str, frozenset[str]]:
    """The lookup table turned inside out: lemma -> every form that lemmatises to it."""
    forms: dict[str, set[str]] = {}
    for form, lemma_ in _lemma_data().items():
        forms.setdefault(lemma_.lower(), set()).add(form.lower())
    return {lemma_: frozenset(group) for lemma_, group in forms.items()}


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of each sentence in ``text``, without surrounding spaces.

    Offsets are ``str`` indices into ``text`` itself, so they can be added to a turn's or
    a coding's start to get offsets into the source.
    """
    nlp = pipeline()
    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    spans = []
    for sentence in doc.sents:
        start, end = strip_span(text, sentence.start_char, sentence.end_char)
        if start < end:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The lookup lemma of ``word`` (lower-cased); the word itself when the table lacks it."""
    lowered = word.lower()
    return _lemma_table().get(lowered, lowered)


@lru_cache(maxsize=4096)
def word_forms(word: str) -> frozenset[str]:
    """Every form whose lemma is the lemma of ``word``, with the word and lemma themselves.

    "partner" gives partner, partners, partnered, partnering. The table is one step
    deep: "meetings" lemmatises to "meeting", not "meet", so it is not a form of "meet".
    """
    lowered = word.lower()
    base = lemma(lowered)
    return frozenset({lowered, base}) | _forms_by_lemma().get(base, frozenset())


@cache
def stop_words() -> frozenset[str]:
    """spaCy's English stop-word list (lower case, including contraction pieces)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def is_stop(word: str) -> bool:
    """Whether ``word`` (any case) is on spaCy's English stop-word list."""
    return word.lower() in stop_words()


@lru_cache(maxsize=8192)
def split_contraction(word: str) -> tuple[str, ...]:
    """A word with an apostrophe as spaCy's English tokenizer splits and normalises it.

    "don't" -> ("do", "not"); "won't" -> ("will", "not"); "partner's" -> ("partner",
    "'s"); "o'brien" stays whole. Counting words needs this: splitting at every
    apostrophe, as the search index does, would make "don" and "didn" look like some of
    the commonest words in a transcript.
    """
    return tuple(token.norm_ for token in pipeline().tokenizer(word))
