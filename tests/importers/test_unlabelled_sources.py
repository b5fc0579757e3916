"""Sources without speaker labels (written answers, prose interviews, observation notes):
all their text is one participant's, so what is coded in them reaches the matrix.

Run on SQLite and PostgreSQL (the shared ``project`` fixture). Expected numbers are
counted by hand from the fixtures below.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from framework.codebook import find_theme
from framework.coders import ensure_coder
from framework.coding import apply_coding
from framework.matrix import build_matrix
from framework.search import search
from framework.templates import apply_template
from importers.preview import SpeakerPreview, preview_files
from importers.service import ImportOptions, import_files
from models import CodingSegment, Participant, Site, Source, Turn
from models.integrity import check_project
from tests.importers.transcripts import write_docx

# A respondent's written answers: three paragraphs, no labels (9 + 14 + 10 = 33 words).
ANSWERS = [
    "I have lived on the estate for twenty years.",
    "The PCSOs know everyone by name now; that was not true before the partnership.",
    "What worries me is the closure of the youth club.",
]
# An observation note in Word: a heading and two paragraphs (4 + 7 + 11 = 22 words).
NOTE_HEADING = "Tasking meeting, Site B"
NOTE = [
    "Seven partners attended; the housing officer chaired.",
    "Émile from the council raised the closure of the youth centre.",
]


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "resident-07-answers.txt"
    # Blank lines between paragraphs and Windows line ends, as a word processor saves them.
    path.write_bytes("\r\n\r\n".join(ANSWERS).encode("utf-8") + b"\r\n")
    return path


@pytest.fixture
def note(tmp_path):
    def build(document):
        document.add_heading(NOTE_HEADING, level=1)
        for paragraph in NOTE:
            document.add_paragraph(paragraph)

    path = write_docx(tmp_path / "tasking-b.docx", build)
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("file,site,method,participant type,participant\n"
                     "tasking-b.docx,Site B,observation,observer,Siân Evans\n", encoding="utf-8")
    return path, sheet


def coder_and_theme(project):
    with project.transaction("set up") as session:
        apply_template(session, "blank")
        return ensure_coder(session, "Alex"), find_theme(session, "Barriers").id


def test_prose_text_file_is_one_participant_whose_coded_words_the_matrix_counts(project, answers):
    report = import_files(project, [answers], ImportOptions(site="Site A", participant_type="resident"))
    [result] = report.results
    assert result.status == "imported"
    assert result.notes == ["No speaker labels found: all 33 words are treated as one participant, "
                            "“resident-07-answers”."]
    assert (result.turns, result.speakers) == (3, [])
    coder, theme = coder_and_theme(project)
    with project.session() as session:
        source = session.get(Source, result.source_id)
        assert source.provenance["notes"] == result.notes
        person = session.scalars(select(Participant)).one()
        assert (person.name, session.get(Site, person.site_id).name, person.participant_type,
                person.is_interviewer) == ("resident-07-answers", "Site A", "resident", False)
        turns = session.execute(select(Turn.participant_id, Turn.start, Turn.end, Turn.word_count,
                                       Turn.speaker_label).order_by(Turn.start)).all()
        # One turn per paragraph: exactly its words, with no label; the line breaks are nobody's.
        assert [(p, source.text[s:e], w, label) for p, s, e, w, label in turns] == [
            (person.id, ANSWERS[0], 9, ""), (person.id, ANSWERS[1], 14, ""), (person.id, ANSWERS[2], 10, ""),
        ]
        text = source.text
    start, end = text.index("that was not"), text.index(" is the closure")
    assert text[start:end] == "that was not true before the partnership.\nWhat worries me"  # 7 + 3 words
    with project.transaction("code") as session:
        apply_coding(session, result.source_id, theme, start, end, coder)
    with project.session() as session:
        matrix = build_matrix(session)
        [row] = matrix.rows
        assert (row.id, row.label, row.site, row.type) == (person.id, "resident-07-answers", "Site A", "resident")
        cell = matrix.cell(person.id, theme)
        assert (cell.passages, cell.sources, cell.words, cell.coverage) == (1, 1, 10, 30.3)  # 10 / 33
        segments = session.execute(select(CodingSegment.participant_id, CodingSegment.words)
                                   .order_by(CodingSegment.start)).all()
        assert [tuple(s) for s in segments] == [(person.id, 7), (person.id, 3)]
        assert [hit.speaker for hit in search(session, "closure")] == ["resident-07-answers"]
    assert check_project(project).ok


def test_word_observation_note_is_the_participant_the_sheet_names(project, note):
    path, sheet = note
    [result] = import_files(project, [path], ImportOptions(attributes_sheet=sheet)).results
    assert result.notes == ["No speaker labels found: all 22 words are treated as one participant, "
                            "“Siân Evans”."]
    coder, theme = coder_and_theme(project)
    with project.session() as session:
        text = session.get(Source, result.source_id).text
        person = session.scalars(select(Participant)).one()
        assert (person.name, session.get(Site, person.site_id).name, person.participant_type) == (
            "Siân Evans", "Site B", "observer")
        turns = session.execute(select(Turn.participant_id, Turn.start, Turn.end).order_by(Turn.start)).all()
        assert [(p, text[s:e]) for p, s, e in turns] == [
            (person.id, NOTE_HEADING), (person.id, NOTE[0]), (person.id, NOTE[1])]
    start = text.index("Émile")
    end = text.index(" of the youth")
    assert text[start:end] == "Émile from the council raised the closure"  # 7 words
    with project.transaction("code") as session:
        apply_coding(session, result.source_id, theme, start, end, coder)
    with project.session() as session:
        cell = build_matrix(session).cell(person.id, theme)
        assert (cell.passages, cell.words, cell.coverage) == (1, 7, 31.82)  # 7 / 22


def test_preview_says_whose_text_an_unlabelled_file_is(note, answers):
    path, sheet = note
    previews = {p.name: p for p in preview_files([answers, path], ImportOptions(
        attributes_sheet=sheet, site="Site A", participant_type="resident"))}
    plain, observed = previews["resident-07-answers.txt"], previews["tasking-b.docx"]
    assert plain.speakers == [SpeakerPreview("", "resident-07-answers", "resident", False, 3, 33)]
    assert plain.notes == ["No speaker labels found: all 33 words are treated as one participant, "
                           "“resident-07-answers”."]
    assert observed.speakers == [SpeakerPreview("", "Siân Evans", "observer", False, 3, 22)]
    assert observed.notes[-1].endswith("all 22 words are treated as one participant, “Siân Evans”.")


def test_the_wizard_preview_shows_the_one_participant_and_the_note(qapp, answers):
    from app.qtmodels.import_models import PreviewModel

    model = PreviewModel()
    model.set_previews(preview_files([answers], ImportOptions(participant_type="resident")))
    file_row = model.index(0, 0)
    shown = [model.data(model.index(0, column)) for column in range(model.columnCount())]
    assert shown[2] == ("No speaker labels found: all 33 words are treated as one participant, "
                        "“resident-07-answers”.")
    assert (shown[3], shown[4], shown[5]) == ("resident-07-answers", "3", "33")
    speaker = [model.data(model.index(0, column, file_row)) for column in range(6)]
    assert speaker == ["resident-07-answers", "resident", "No speaker labels: all the text is theirs", "", "3", "33"]


def test_two_unlabelled_files_of_one_name_are_two_people(project, tmp_path):
    """Named after the source's final (unique) name, so two "answers.txt" from two
    folders are never merged into one person by accident."""
    paths = []
    for folder, words in (("first", "We moved here in spring."), ("second", "Our street is quiet again.")):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "answers.txt")
        paths[-1].write_text(words, encoding="utf-8")
    results = import_files(project, paths, ImportOptions(site="Site A")).results
    assert [r.notes for r in results] == [  # 5 words each
        ["No speaker labels found: all 5 words are treated as one participant, “answers”."],
        ["No speaker labels found: all 5 words are treated as one participant, “answers (2)”."],
    ]
    with project.session() as session:
        owners = session.execute(select(Source.name, Participant.name).join(Turn, Turn.source_id == Source.id)
                                 .join(Participant, Participant.id == Turn.participant_id)
                                 .order_by(Source.name)).all()
    assert [tuple(o) for o in owners] == [("answers", "answers"), ("answers (2)", "answers (2)")]


def test_a_sheet_participant_for_a_labelled_file_is_reported_not_used(project, tmp_path):
    path = tmp_path / "partner.txt"
    path.write_text("Interviewer: Who chairs?\nJo: The sergeant does.\n", encoding="utf-8")
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("file,site,participant\npartner.txt,Site A,Joanna Price\n", encoding="utf-8")
    [result] = import_files(project, [path], ImportOptions(attributes_sheet=sheet)).results
    assert result.status == "imported" and result.speakers == ["Interviewer", "Jo"]
    assert result.notes == ["The attributes sheet's participant “Joanna Price” is not used: partner.txt has "
                            "speaker labels, so the speaker map says who each speaker is."]
    with project.session() as session:
        assert sorted(session.scalars(select(Participant.name))) == ["Interviewer", "Jo"]
