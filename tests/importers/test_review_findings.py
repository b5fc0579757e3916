"""Transcripts as real tools and people write them: the cases a review found wanting."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from importers.assemble import assemble
from importers.docx_reader import read_docx
from importers.document import Block, ReadResult
from importers.service import ImportOptions, ImportSetupError, import_files
from importers.text_reader import read_text
from models import Participant
from models.project import create_project
from tests.importers.transcripts import docx_bytes


def turns_of(document):
    return [(t.speaker, document.text[t.start:t.end]) for t in document.turns]


def parse_lines(*lines: str):
    return assemble(read_text(Path("t.txt"), "\n".join(lines).encode()))


def parse_table(rows, after: str | None = None):
    def build(document):
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for row, cells in zip(table.rows, rows):
            for cell, value in zip(row.cells, cells):
                cell.text = value
        if after:
            document.add_paragraph(after)

    return assemble(read_docx(Path("t.docx"), docx_bytes(build)))


@pytest.mark.parametrize("opening", [
    "Well: it was", "He said: no way", "The problem was: money", "Interview 3: resident, Site A",
    "Question 2: how often?", "At 10:30 we met", "See http://example.org for more",
])
def test_ordinary_sentences_are_not_speaker_labels(opening):
    document = parse_lines("Interviewer: Tell me.", "Jo: Right.", opening, "Interviewer: Thanks.")
    assert [speaker for speaker, _ in turns_of(document)] == ["Interviewer", "Jo", "Interviewer"]
    assert opening in turns_of(document)[1][1]


@pytest.mark.parametrize("line, speaker, words", [
    ("PC Jones:No idea.", "PC Jones", "No idea."),
    ("MODERATOR:No space.", "MODERATOR", "No space."),
    ("王伟：我觉得还可以。", "王伟", "我觉得还可以。"),
    ("\u200fسارة: مرحبا", "سارة", "مرحبا"),
    ("Participant 2 (male, 40s): Yes.", "Participant 2 (male, 40s)", "Yes."),
    ("Dr Smith [GP]: Hello.", "Dr Smith [GP]", "Hello."),
    ("Café owner: We met.", "Café owner", "We met."),
])
def test_labels_written_in_many_ways_are_found(line, speaker, words):
    document = parse_lines("Interviewer: Question?", line)
    assert turns_of(document)[-1] == (speaker, words)


@pytest.mark.parametrize("label", ["Int.", "Q.", "Researcher 1", "Interviewer A", "Interviewer (Jane)", "Facilitator A"])
def test_interviewer_labels_with_suffixes(label):
    document = parse_lines(f"{label}: Why?", "Jo: Because.")
    assert [t.is_interviewer for t in document.turns] == [True, False]


def test_speaker_table_of_a_focus_group_with_header_notes_and_continuation_rows():
    document = parse_table([
        ["Time", "Speaker", "What was said", "Notes"],
        ["00:00:05", "Moderator", "Welcome, everyone.", ""],
        ["00:00:20", "Ann", "Hello.", "laughs"],
        ["", "", "I live on the estate.", ""],
        ["00:01:00", "Bob", "Hi.", ""],
        ["00:01:30", "Cat", "Evening.", ""],
    ], after="End of recording.")
    assert turns_of(document) == [
        ("Moderator", "Welcome, everyone."), ("Ann", "Hello.\nlaughs\nI live on the estate."),
        ("Bob", "Hi."), ("Cat", "Evening."), (None, "End of recording."),
    ]
    assert [t.timestamp for t in document.turns[:4]] == [5.0, 20.0, 60.0, 90.0]


def test_a_key_value_table_is_metadata_not_speakers():
    document = parse_table([["Date", "12 March 2013"], ["Location", "Leeds"]], after="Interviewer: Hello.")
    assert turns_of(document) == [(None, "Date: 12 March 2013\nLocation: Leeds"), ("Interviewer", "Hello.")]
    assert document.metadata["date"] == "12 March 2013"


def test_a_table_nested_in_a_speaker_cell_stays_in_that_cell():
    def build(document):
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(1, 0).text, table.cell(1, 1).text = "Interviewer", "Jo", "Not really."
        cell = table.cell(0, 1)
        cell.text = "Look at this:"
        inner = cell.add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "a", "b"

    document = assemble(read_docx(Path("t.docx"), docx_bytes(build)))
    assert turns_of(document)[0][0] == "Interviewer"
    assert turns_of(document)[0][1].startswith("Look at this:\na\tb")
    assert turns_of(document)[1] == ("Jo", "Not really.")


def test_speaker_names_in_decomposed_form_are_composed():
    document = parse_table([["Jose\u0301", "Hola."], ["Interviewer", "Gracias."]])
    assert turns_of(document) == [("José", "Hola."), ("Interviewer", "Gracias.")]


def test_pdf_label_alone_on_its_line_and_hyphens_at_line_ends():
    result = ReadResult([
        Block("Interviewer:"), Block("What do you think", continues=True),
        Block("of the area?", continues=True), Block("Jo:"),
        Block("It is a community-", continues=True), Block("led place.", continues=True),
    ])
    assert turns_of(assemble(result)) == [
        ("Interviewer", "What do you think of the area?"), ("Jo", "It is a community-led place."),
    ]


def test_bold_label_followed_by_a_line_break():
    def build(document):
        paragraph = document.add_paragraph()
        paragraph.add_run("Interviewer:").bold = True
        paragraph.add_run().add_break()
        paragraph.add_run("How are you?")
        document.add_paragraph("Jo: Fine.")

    document = assemble(read_docx(Path("t.docx"), docx_bytes(build)))
    assert turns_of(document) == [("Interviewer", "How are you?"), ("Jo", "Fine.")]


def test_people_across_files(tmp_path):
    project = create_project(tmp_path / "p.charter")
    (tmp_path / "wave1").mkdir()
    (tmp_path / "wave2").mkdir()
    (tmp_path / "wave1" / "interview1.txt").write_text("I: Hi?\nR: Hello.\nSAM: Also me.")
    (tmp_path / "wave2" / "interview1.txt").write_text("I: Hi again?\nR: Hello again.\nSam: Me too.")
    import_files(project, [tmp_path / "wave1", tmp_path / "wave2"], ImportOptions(site="Site A"))
    with project.session() as session:
        names = sorted(session.scalars(select(Participant.name)))
    project.close()
    assert names == ["I", "R (interview1 (2))", "R (interview1)", "SAM"]


def test_a_bad_speaker_pattern_stops_the_batch_before_it_starts(tmp_path):
    project = create_project(tmp_path / "p.charter")
    (tmp_path / "a.txt").write_text("I: Hi?\nR: Hello.")
    with pytest.raises(ImportSetupError, match="not a valid regular expression"):
        import_files(project, [tmp_path / "a.txt"], ImportOptions(speaker_patterns=["(unclosed"]))
    project.close()


def test_unreadable_types_in_a_folder_are_reported(tmp_path):
    project = create_project(tmp_path / "p.charter")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.doc").write_bytes(b"x")
    (folder / "scan.jpg").write_bytes(b"x")
    (folder / "sheet.xlsx").write_bytes(b"x")
    report = import_files(project, [folder])
    project.close()
    assert report.results == []
    assert report.warnings == [
        "2 file(s) in the folders given were skipped because Charter cannot read their type (.doc, .jpg)."
    ]
