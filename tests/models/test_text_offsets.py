"""Offsets are code-point indices: the database must count characters as Python does."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import NotCanonicalError, Source, canonical_text

SAMPLES = {
    "emoji": "Resident: The patrols 👮🏽‍♀️ made us feel safe 🎉\n",
    "combining accents": "Partner: Cafe\u0301 owners and the re\u0301sidents met.\n",
    "arabic": "مشارك: الشرطة تعمل مع الشركاء في الحي.\n",
    "hebrew": "משתתף: המשטרה עובדת עם השותפים.\n",
    "cjk": "参与者：警察与合作伙伴一起工作。\n",
}


@pytest.mark.parametrize("sample", SAMPLES.values(), ids=SAMPLES.keys())
def test_database_length_equals_python_length(project, sample):
    text = canonical_text(sample)
    with project.transaction("add") as session:
        source = Source(name="sample", text=text)
        session.add(source)
    with project.session() as session:
        stored = session.get(Source, source.id)
        assert stored.text == text
        assert stored.text_length == len(text)
        assert session.scalar(select(func.length(Source.text))) == len(text)


def test_canonical_text_normalises_line_endings_and_composition():
    assert canonical_text("Cafe\u0301\r\nnext\rline\x00") == "Caf\u00e9\nnext\nline"


@pytest.mark.parametrize(
    "raw", ["windows\r\nline", "decomposed e\u0301", "nul\x00byte"], ids=["CRLF", "NFD", "NUL"]
)
def test_sources_refuse_text_that_is_not_canonical(raw):
    with pytest.raises(NotCanonicalError):
        Source(name="bad", text=raw)


def test_word_count_and_hash_follow_the_text():
    source = Source(name="s", text="We don't meet often; we talk daily.")
    assert source.word_count == 7
    same = Source(name="t", text="We don't meet often; we talk daily.")
    assert source.content_hash == same.content_hash
    source.text = "Different now."
    assert source.word_count == 2
    assert source.content_hash != same.content_hash
