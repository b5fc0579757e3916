"""Plain text, Markdown and Word transcripts parse to exactly the turns written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from importers.assemble import assemble
from importers.docx_reader import read_docx
from importers.text_reader import read_text
from tests.importers.transcripts import (
    UTTERANCES,
    add_bold_label_paragraph,
    add_tracked_change,
    docx_bytes,
    lines_for,
    written,
)


def turns_of(document) -> list[tuple[str | None, str]]:
    return [(t.speaker, document.text[t.start:t.end]) for t in document.turns]


def parse_text(name: str, data: bytes):
    return assemble(read_text(Path(name), data))


@pytest.mark.parametrize(
    "convention, reported",
    [
        ("name-colon", "name-colon"),
        ("upper-name-colon", "name-colon"),
        ("timestamp-name-colon", "timestamp-name-colon"),
        ("name-timestamp", "name-timestamp"),
        ("timestamp-name-line", "timestamp-name-line"),
    ],
)
def test_every_text_convention_gives_the_written_turns(convention, reported):
    document = parse_text("t.txt", "\n".join(lines_for(convention)).encode("utf-8"))
    expected = [
        (speaker.upper() if convention.startswith("upper") else speaker, words)
        for speaker, words in UTTERANCES
    ]
    assert turns_of(document) == expected
    assert document.convention == reported
    assert [t.is_interviewer for t in document.turns] == [True, False, True, False]


def test_timestamps_are_stored_on_turns():
    document = parse_text("t.txt", "\n".join(lines_for("timestamp-name-colon")).encode())
    assert [t.timestamp for t in document.turns] == [10.0, 71.0, 132.0, 193.0]


def test_markdown_bold_labels_lose_their_markup():
    document = parse_text("t.md", ("# Site A interview\n" + "\n".join(lines_for("markdown-bold"))).encode())
    assert turns_of(document) == [(None, "Site A interview"), *UTTERANCES]
    assert "**" not in document.text
    assert document.convention == "bold-name"


@pytest.mark.parametrize(
    "labels",
    [
        ("I", "R"), ("Int", "Respondent"), ("Q", "A"), ("Moderator", "P1"),
        ("Facilitator", "Participant 3"), ("Researcher", "Speaker 2"),
    ],
)
def test_role_labels_and_interviewer_detection(labels):
    interviewer, respondent = labels
    text = f"{interviewer}: Why?\n{respondent}: Because.\n{interviewer}: Thanks."
    document = parse_text("t.txt", text.encode())
    assert turns_of(document) == [(interviewer, "Why?"), (respondent, "Because."), (interviewer, "Thanks.")]
    assert [t.is_interviewer for t in document.turns] == [True, False, True]


def test_preamble_is_kept_and_metadata_lines_are_not_speakers():
    text = "Partner interview, Site C\nDate: 14 March 2013\nNote: audio faint\nInterviewer: Hello.\nJo: Hi."
    document = parse_text("t.txt", text.encode())
    assert turns_of(document) == [
        (None, "Partner interview, Site C\nDate: 14 March 2013\nNote: audio faint"),
        ("Interviewer", "Hello."),
        ("Jo", "Hi."),
    ]
    assert document.metadata["date"] == "14 March 2013"


def test_header_fields_naming_a_site_group_or_transcriber_are_not_speakers():
    text = ("Site A: Northfield estate\nGroup 2: residents\nTranscriber: J. Smith\n"
            "Interview date: 12 March 2010\nInterviewer: Hello.\nSite Manager: Hi, I run the depot.")
    document = parse_text("t.txt", text.encode())
    assert turns_of(document) == [
        (None, "Site A: Northfield estate\nGroup 2: residents\nTranscriber: J. Smith\n"
               "Interview date: 12 March 2010"),
        ("Interviewer", "Hello."),
        ("Site Manager", "Hi, I run the depot."),  # a role, not a header
    ]


def test_a_turn_runs_until_the_next_label_across_paragraphs():
    text = "Interviewer: Tell me more.\nJo: First point.\n\nSecond point.\nInterviewer: Thanks."
    document = parse_text("t.txt", text.encode())
    assert turns_of(document)[1] == ("Jo", "First point.\nSecond point.")


def test_user_speaker_pattern_is_used():
    from importers.text_reader import read_text as reader

    text = "<<Ann>> Hello there.\n<<Bob>> Hi Ann."
    document = assemble(reader(Path("t.txt"), text.encode()), [r"<<(?P<name>\w+)>>\s*"])
    assert turns_of(document) == [("Ann", "Hello there."), ("Bob", "Hi Ann.")]
    assert document.convention == "custom-1"


TEXT = "Interviewer: Ça va?\r\nSam: Très bien — “merci”.\r\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8 (with BOM)"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "windows-1252"),
        (TEXT.encode("utf-16-le"), "utf-16-le (no BOM)"),
        (TEXT.encode("utf-16-be"), "utf-16-be (no BOM)"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be", "cp1252", "utf-16-le-no-bom", "utf-16-be-no-bom"],
)
def test_encodings_are_decided_by_rule_and_reported(data, encoding):
    document = parse_text("t.txt", data)
    assert document.encoding == encoding
    assert turns_of(document) == [("Interviewer", "Ça va?"), ("Sam", "Très bien — “merci”.")]
    assert "\r" not in document.text


def test_text_is_nfc_and_offsets_hold_with_decomposed_input():
    document = parse_text("t.txt", "Interviewer: Cafe\u0301?\nSam: Oui.".encode())
    assert turns_of(document) == [("Interviewer", "Café?"), ("Sam", "Oui.")]


# --- Word -----------------------------------------------------------------------------

def parse_docx(build):
    return assemble(read_docx(Path("t.docx"), docx_bytes(build)))


def test_docx_plain_labels_with_unicode():
    document = parse_docx(lambda d: [d.add_paragraph(f"{s}: {written(w)}") for s, w in UTTERANCES])
    assert turns_of(document) == UTTERANCES


def test_docx_bold_speaker_names():
    def build(document):
        for speaker, words in UTTERANCES:
            add_bold_label_paragraph(document, speaker, words)

    document = parse_docx(build)
    assert turns_of(document) == UTTERANCES
    assert document.convention == "bold-name"


def test_docx_two_column_table_between_paragraphs_in_document_order():
    def build(document):
        document.add_heading("Focus group, Site B", level=1)
        document.add_paragraph("Recorded at the community centre.")
        table = document.add_table(rows=3, cols=2)
        for row, (speaker, words) in zip(table.rows, [("Speaker", "Text"), *UTTERANCES[:2]]):
            row.cells[0].text, row.cells[1].text = speaker, written(words)
        document.add_paragraph("Interviewer: And after the table?")

    document = parse_docx(build)
    assert turns_of(document) == [
        (None, "Focus group, Site B"),
        (None, "Recorded at the community centre."),
        *UTTERANCES[:2],
        ("Interviewer", "And after the table?"),
    ]


def test_docx_three_column_table_with_times():
    def build(document):
        table = document.add_table(rows=2, cols=3)
        for row, (stamp, (speaker, words)) in zip(table.rows, [("00:00:05", UTTERANCES[0]), ("00:01:10", UTTERANCES[1])]):
            row.cells[0].text, row.cells[1].text, row.cells[2].text = stamp, speaker, words

    document = parse_docx(build)
    assert turns_of(document) == UTTERANCES[:2]
    assert [t.timestamp for t in document.turns] == [5.0, 70.0]
    assert document.convention == "table"


def test_docx_tracked_changes_soft_breaks_nbsp_and_headers():
    def build(document):
        document.sections[0].header.paragraphs[0].text = "CONFIDENTIAL header"
        document.sections[0].footer.paragraphs[0].text = "Page footer"
        paragraph = document.add_paragraph("Sam: We\u00a0meet")
        add_tracked_change(paragraph, " monthly", " weekly")
        run = paragraph.add_run(" now.")
        run.add_break()
        paragraph.add_run("Second line.")
        document.add_paragraph("Interviewer: Thanks.")

    document = parse_docx(build)
    assert turns_of(document) == [("Sam", "We meet monthly now.\nSecond line."), ("Interviewer", "Thanks.")]
    assert "CONFIDENTIAL" not in document.text and "footer" not in document.text
    assert "weekly" not in document.text
