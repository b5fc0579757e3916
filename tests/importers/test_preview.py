"""The import preview: every file read as the import reads it, nothing stored.

Expectations are written out from the transcripts themselves (who speaks, how many
turns, how many words), and the preview is checked against a real import of the same
files, so it cannot drift from what the import does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from importers.preview import (
    FilePreview,
    SpeakerPreview,
    batch_warnings,
    describe_path,
    describe_sheet,
    import_choices,
    preview_files,
)
from importers.service import ImportOptions, ImportSetupError, import_files
from importers.sheets import SheetError
from models import Participant, Source, Turn
from models.project import create_project
from tests.importers.transcripts import lines_for, write_docx

GROUP = [
    ("Moderator", "What has changed on the estate?"),
    ("Ann Clarke", "The antisocial behaviour is down."),
    ("Derek Hill", "It moved round the corner."),
    ("Moderator", "Thank you both."),
]

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Thanks for joining us today.</v>

00:00:04.500 --> 00:00:07.000
<v Jane Doe>Happy to be here.</v>

00:00:07.500 --> 00:00:09.000
<v Jane Doe>We meet every month.</v>
"""


def write_batch(folder: Path) -> dict[str, Path]:
    """A .txt with Name: labels, a .docx with bold labels, a .vtt, and a damaged .docx."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "txt": folder / "partner-a.txt",
        "docx": folder / "residents-b.docx",
        "vtt": folder / "teams-call.vtt",
        "bad": folder / "broken.docx",
    }
    files["txt"].write_text("\n".join(lines_for("name-colon")), encoding="utf-8")

    def build(document):
        for speaker, words in GROUP:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{speaker}:").bold = True
            paragraph.add_run(f" {words}")

    write_docx(files["docx"], build)
    files["vtt"].write_text(VTT, encoding="utf-8")
    files["bad"].write_bytes(b"PK\x03\x04 this zip stops here")
    return files


@pytest.fixture
def project(tmp_path):
    created = create_project(tmp_path / "study.charter")
    yield created
    created.close()


def by_name(previews: list[FilePreview]) -> dict[str, FilePreview]:
    return {preview.name: preview for preview in previews}


def test_each_format_is_previewed_exactly(tmp_path, project):
    files = write_batch(tmp_path / "batch")
    previews = by_name(preview_files(list(files.values()), ImportOptions(site="Site A"), project=project))

    txt = previews["partner-a.txt"]
    assert (txt.status, txt.error, txt.convention, txt.encoding) == ("ready", None, "name-colon", "utf-8")
    assert txt.speakers == [
        SpeakerPreview("Interviewer", "Interviewer", None, True, turns=2, words=12),
        SpeakerPreview("Sam", "Sam", None, False, turns=2, words=24),
    ]
    assert (txt.turns, txt.words, txt.site, txt.method) == (4, 40, "Site A", "interview")
    assert txt.interviewers == ["Interviewer"]

    docx = previews["residents-b.docx"]
    assert (docx.status, docx.convention, docx.encoding) == ("ready", "bold-name", None)
    assert [(s.label, s.is_interviewer, s.turns, s.words) for s in docx.speakers] == [
        ("Moderator", True, 2, 9), ("Ann Clarke", False, 1, 5), ("Derek Hill", False, 1, 5),
    ]
    assert (docx.turns, docx.words) == (4, 25)

    vtt = previews["teams-call.vtt"]
    assert (vtt.status, vtt.convention, vtt.encoding) == ("ready", "captions", "utf-8")
    assert [(s.label, s.is_interviewer, s.turns, s.words) for s in vtt.speakers] == [
        ("Interviewer", True, 1, 5), ("Jane Doe", False, 1, 8),
    ]

    bad = previews["broken.docx"]
    assert bad.status == "failed" and bad.speakers == [] and bad.turns == 0
    assert bad.error == "broken.docx is damaged or truncated (it is not a complete .docx package)."

    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 0  # nothing stored


def test_the_import_does_what_the_preview_promised(tmp_path, project):
    files = write_batch(tmp_path / "batch")
    previews = preview_files([tmp_path / "batch"], ImportOptions(), project=project)
    report = import_files(project, [tmp_path / "batch"], ImportOptions())
    assert [p.file for p in previews] == [r.file for r in report.results]
    status = {"ready": "imported", "failed": "failed", "duplicate": "duplicate"}
    for preview, result in zip(previews, report.results, strict=True):
        assert status[preview.status] == result.status
        assert (preview.turns, [s.label for s in preview.speakers]) == (result.turns, result.speakers)
        assert (preview.convention, preview.encoding, preview.error) == (result.convention, result.encoding, result.error)
    with project.session() as session:
        for preview, result in zip(previews, report.results, strict=True):
            if result.source_id is None:
                continue
            source = session.get(Source, result.source_id)
            assert (source.word_count, source.method) == (preview.words, preview.method)
            stored = session.execute(
                select(Participant.name, Participant.is_interviewer, func.count(), func.sum(Turn.word_count))
                .join(Participant, Participant.id == Turn.participant_id)
                .where(Turn.source_id == source.id).group_by(Participant.id).order_by(func.min(Turn.start))
            ).all()
            assert stored == [(s.participant, s.is_interviewer, s.turns, s.words) for s in preview.speakers]
    assert len(files) == len(report.results)


def test_duplicates_in_the_project_and_in_the_batch(tmp_path, project):
    files = write_batch(tmp_path / "batch")
    [imported] = import_files(project, [files["txt"]], ImportOptions()).results
    copy = tmp_path / "copy-of-residents.docx"
    copy.write_bytes(files["docx"].read_bytes())
    previews = preview_files([files["txt"], files["docx"], copy], ImportOptions(), project=project)
    assert [(p.name, p.status, p.duplicate_of) for p in previews] == [
        ("partner-a.txt", "duplicate", imported.source_id),
        ("residents-b.docx", "ready", None),
        ("copy-of-residents.docx", "duplicate", None),
    ]
    assert previews[0].error == (
        f"partner-a.txt is already in the project (same text as source {imported.source_id}, 'partner-a')."
    )
    assert previews[2].error == "copy-of-residents.docx has the same text as residents-b.docx, which is imported first."
    # Without a project, only the batch itself is compared.
    assert [p.status for p in preview_files([files["txt"], copy], ImportOptions())] == ["ready", "ready"]


def test_sheets_decide_who_is_an_interviewer_and_who_is_who(tmp_path):
    files = write_batch(tmp_path / "batch")
    speaker_map = tmp_path / "speakers.csv"
    speaker_map.write_text(
        "file,speaker,participant,participant type,interviewer\n"
        "partner-a.txt,Sam,Sam Patel,partner agency,no\n"
        "partner-a.txt,Interviewer,Jo Bloggs,,yes\n", encoding="utf-8")
    attributes = tmp_path / "attributes.csv"
    attributes.write_text("file,site,method,interviewer\nteams-call.vtt,Site B,telephone interview,Jane Doe\n",
                          encoding="utf-8")
    options = ImportOptions(speaker_map=speaker_map, attributes_sheet=attributes, participant_type="resident")
    previews = by_name(preview_files([files["txt"], files["vtt"]], options))
    assert previews["partner-a.txt"].speakers == [
        SpeakerPreview("Interviewer", "Jo Bloggs", None, True, 2, 12),
        SpeakerPreview("Sam", "Sam Patel", "partner agency", False, 2, 24),
    ]
    vtt = previews["teams-call.vtt"]
    assert (vtt.site, vtt.method) == ("Site B", "telephone-interview")
    assert [(s.label, s.participant_type, s.is_interviewer) for s in vtt.speakers] == [
        ("Interviewer", None, True), ("Jane Doe", None, True),
    ]


def test_custom_speaker_patterns_are_used(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text("JB> How long have you lived here?\nAC> Twenty years, near enough.\n", encoding="utf-8")
    [plain] = preview_files([path], ImportOptions())
    assert (plain.convention, plain.turns) == ("none", 2)  # no labels: a line per turn, all one person's
    assert [(s.label, s.participant) for s in plain.speakers] == [("", "chat")]
    [custom] = preview_files([path], ImportOptions(speaker_patterns=[r"(?P<name>[A-Z]{2})>\s*"]))
    assert custom.convention == "custom-1"
    assert [(s.label, s.turns, s.words) for s in custom.speakers] == [("JB", 1, 6), ("AC", 1, 4)]


def test_setup_problems_stop_the_preview_like_the_import(tmp_path):
    files = write_batch(tmp_path / "batch")
    bad_sheet = tmp_path / "attributes.csv"
    bad_sheet.write_text("name,site\na.txt,Site A\n", encoding="utf-8")
    with pytest.raises(ImportSetupError, match="has no 'file' column"):
        preview_files([files["txt"]], ImportOptions(attributes_sheet=bad_sheet))
    with pytest.raises(ImportSetupError, match="needs a \\(\\?P<name>…\\) group"):
        preview_files([files["txt"]], ImportOptions(speaker_patterns=[r"[A-Z]+:"]))


def test_unreadable_and_missing_paths_fail_with_their_reason(tmp_path):
    old_word = tmp_path / "notes.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0 old word")
    previews = preview_files([old_word, tmp_path / "gone.txt"], ImportOptions())
    assert [(p.name, p.status) for p in previews] == [("gone.txt", "failed"), ("notes.doc", "failed")]
    assert previews[0].error == f"{tmp_path / 'gone.txt'} does not exist."
    assert previews[1].error.startswith("notes.doc has an unsupported file type .doc (save it as .docx first)")


def test_progress_and_cancel(tmp_path):
    write_batch(tmp_path / "batch")
    calls = []
    previews = preview_files([tmp_path / "batch"], ImportOptions(), progress=lambda *a: calls.append(a))
    assert len(previews) == 4
    assert calls == [(0, 4, "broken.docx"), (1, 4, "partner-a.txt"), (2, 4, "residents-b.docx"),
                     (3, 4, "teams-call.vtt"), (4, 4, "")]
    calls.clear()

    def cancel_after_two_files() -> bool:
        return len(calls) == 2

    stopped = preview_files([tmp_path / "batch"], ImportOptions(), progress=lambda *a: calls.append(a),
                            is_cancelled=cancel_after_two_files)
    assert [p.name for p in stopped] == ["broken.docx", "partner-a.txt"]
    assert calls[-1] == (1, 4, "partner-a.txt")  # no "all done" report after a cancel


def test_paths_are_described_before_reading(tmp_path):
    files = write_batch(tmp_path / "batch")
    (tmp_path / "batch" / "notes.pages").write_bytes(b"?")
    folder = describe_path(tmp_path / "batch")
    assert (folder.kind, folder.transcripts, folder.problem) == ("folder", 4, None)
    assert folder.description == "Folder with 4 transcripts; 1 other file will be skipped"
    assert describe_path(files["docx"]).description == "Word document"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert describe_path(empty).problem == "empty holds no files Charter can import."
    sheet = tmp_path / "sites.xlsx"
    sheet.write_bytes(b"PK")
    assert describe_path(sheet).problem.startswith("sites.xlsx is a spreadsheet, not a transcript")
    assert describe_path(tmp_path / "notes.doc").kind == "missing"
    (tmp_path / "notes.doc").write_bytes(b"x")
    assert describe_path(tmp_path / "notes.doc").problem.startswith("notes.doc has an unsupported file type .doc")


def test_sheets_are_described_or_refused_in_one_sentence(tmp_path):
    attributes = tmp_path / "attributes.csv"
    attributes.write_text("file,site,Funding model\na.txt,Site A,Mainstream\n,Site B,Other\n", encoding="utf-8")
    text, warnings = describe_sheet("attributes", attributes)
    assert text == "1 file described; other columns become source attributes: Funding model."
    assert warnings == ["attributes sheet attributes.csv: row 3 has no file name and was skipped."]
    speakers = tmp_path / "speakers.csv"
    speakers.write_text("speaker,participant\nI,Jo\nR,Sam\n", encoding="utf-8")
    assert describe_sheet("speakers", speakers) == ("2 speaker labels mapped, 1 interviewer among them.", [])
    sites = tmp_path / "sites.csv"
    sites.write_text("site,Funding model\nSite A,Mainstream\nSite B,Short-term\n", encoding="utf-8")
    assert describe_sheet("sites", sites) == ("2 sites: Site A, Site B; attributes: Funding model.", [])
    sites.write_text("site\n", encoding="utf-8")
    with pytest.raises(SheetError, match=r"^sites sheet sites.csv has a header row but no rows under it\.$"):
        describe_sheet("sites", sites)


def test_import_choices_offer_what_the_project_has(tmp_path, project):
    files = write_batch(tmp_path / "batch")
    import_files(project, [files["txt"]], ImportOptions(site="Site B", participant_type="partner agency"))
    import_files(project, [files["docx"]], ImportOptions(site="Site A", participant_type="resident"))
    with project.session() as session:
        choices = import_choices(session)
    assert choices.sites == ["Site B", "Site A"]  # the project's order: first imported first
    assert choices.participant_types == ["partner agency", "resident"]


def test_batch_warnings_are_the_ones_the_import_will_give(tmp_path, project):
    write_batch(tmp_path / "batch")
    (tmp_path / "batch" / "notes.pages").write_bytes(b"?")
    attributes = tmp_path / "attributes.csv"
    attributes.write_text("file,site\npartner-a.txt,Site A\npartnr-b.docx,Site B\n,Site C\n", encoding="utf-8")
    options = ImportOptions(attributes_sheet=attributes)
    warnings = batch_warnings([tmp_path / "batch"], options)
    assert warnings == [
        "1 file(s) in the folders given were skipped because Charter cannot read their type (.pages).",
        "attributes sheet attributes.csv: row 4 has no file name and was skipped.",
        "Attributes sheet attributes.csv: entries for 1 file(s) match no imported file: partnr-b.docx.",
    ]
    assert import_files(project, [tmp_path / "batch"], options).warnings == warnings
