"""The batch import service end to end, into a real project."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from importers.service import ImportOptions, import_files
from models import (
    AttributeDefinition,
    Participant,
    Site,
    SiteAttributeValue,
    Source,
    SourceAttributeValue,
    Turn,
)
from models.project import create_project
from tests.importers.transcripts import (
    UTTERANCES,
    add_bold_label_paragraph,
    focus_group_lines,
    lines_for,
    write_docx,
)


@pytest.fixture
def project(tmp_path):
    created = create_project(tmp_path / "study.charter")
    yield created
    created.close()


@pytest.fixture
def folder(tmp_path):
    """A folder as researchers receive it: mixed formats, a sub-folder, and clutter."""
    root = tmp_path / "transcripts"
    (root / "site-b").mkdir(parents=True)
    (root / "partner-a.txt").write_text("\n".join(lines_for("name-colon")), encoding="utf-8")
    write_docx(root / "site-b" / "police-b.docx",
               lambda d: [d.add_heading("PCSO focus group, Site B")]
               + [add_bold_label_paragraph(d, s, w) for s, w in UTTERANCES])
    (root / "residents-a.txt").write_text("\n".join(focus_group_lines(8)))
    (root / "~$partner-a.docx").write_bytes(b"lock file")
    (root / ".DS_Store").write_bytes(b"\x00\x01")
    (root / "attributes.xlsx").write_bytes(b"sheet, not a transcript")
    return root


def stored_turns(session, source_id):
    text = session.get(Source, source_id).text
    rows = session.execute(
        select(Participant.name, Turn.start, Turn.end)
        .outerjoin(Participant, Participant.id == Turn.participant_id)
        .where(Turn.source_id == source_id).order_by(Turn.start)
    )
    return [(name, text[start:end]) for name, start, end in rows]


def test_folder_import_then_again_adds_nothing(project, folder):
    first = import_files(project, [folder], ImportOptions(site="Site A"))
    assert sorted((r.status, r.file.rsplit("/", 1)[-1]) for r in first.results) == [
        ("imported", "partner-a.txt"), ("imported", "police-b.docx"), ("imported", "residents-a.txt"),
    ]
    with project.session() as session:
        counts = [session.scalar(select(func.count()).select_from(t)) for t in (Source, Turn, Participant)]
    second = import_files(project, [folder], ImportOptions(site="Site A"))
    assert [r.status for r in second.results] == ["duplicate"] * 3
    assert all("already in the project" in r.error for r in second.results)
    with project.session() as session:
        assert [session.scalar(select(func.count()).select_from(t)) for t in (Source, Turn, Participant)] == counts


def test_stored_turns_give_back_the_written_words(project, folder):
    report = import_files(project, [folder / "partner-a.txt"], ImportOptions(site="Site A"))
    [result] = report.results
    assert result.speakers == ["Interviewer", "Sam"] and result.turns == 4
    with project.session() as session:
        assert stored_turns(session, result.source_id) == UTTERANCES


def test_focus_group_of_eight_with_sheet_participant_type(project, folder, tmp_path):
    sheet = tmp_path / "attributes.csv"
    sheet.write_text(
        "File,Site,Method,Date,Participant type,Venue,Attendees\n"
        "residents-a,Site A,Focus group,2013-03-14,resident,Library,8\n"
    )
    report = import_files(project, [folder / "residents-a.txt"], ImportOptions(attributes_sheet=sheet))
    [result] = report.results
    assert result.status == "imported"
    with project.session() as session:
        people = session.execute(
            select(Participant.name, Participant.participant_type, Participant.is_interviewer, Site.name)
            .outerjoin(Site, Site.id == Participant.site_id).order_by(Participant.id)
        ).all()
        source = session.get(Source, result.source_id)
        assert (source.method, source.date, source.site.name) == ("focus-group", dt.date(2013, 3, 14), "Site A")
        attributes = dict(session.execute(
            select(AttributeDefinition.name, AttributeDefinition.value_type)
            .join(SourceAttributeValue, SourceAttributeValue.definition_id == AttributeDefinition.id)
        ).all())
        assert attributes == {"Venue": "text", "Attendees": "number"}
        moderator_turns = session.scalar(
            select(func.count()).select_from(Turn).join(Participant)
            .where(Participant.is_interviewer.is_(True))
        )
    residents = [p for p in people if not p.is_interviewer]
    assert len(residents) == 8
    assert {p.participant_type for p in residents} == {"resident"}
    assert {p[3] for p in residents} == {"Site A"}
    assert [p.name for p in people if p.is_interviewer] == ["Moderator"]
    assert moderator_turns == 9


def test_speaker_map_names_people_and_sites_sheet_describes_sites(project, folder, tmp_path):
    speaker_map = tmp_path / "speakers.csv"
    speaker_map.write_text(
        "file,speaker,participant,participant type\n"
        "partner-a.txt,Sam,Sam Patel,partner agency\n"
        "partner-a.txt,Interviewer,Dr Lee,interviewer\n"
    )
    sites = tmp_path / "sites.csv"
    sites.write_text("Site,Unit of geography,Funding model,Population\nSite A,Ward,Mainstream,12000\n")
    options = ImportOptions(site="Site A", speaker_map=speaker_map, sites_sheet=sites)
    report = import_files(project, [folder / "partner-a.txt"], options)
    assert report.results[0].status == "imported"
    with project.session() as session:
        people = session.execute(
            select(Participant.name, Participant.participant_type, Participant.is_interviewer)
            .order_by(Participant.name)
        ).all()
        site_values = session.execute(
            select(AttributeDefinition.name, SiteAttributeValue.text_value, SiteAttributeValue.number_value)
            .join(SiteAttributeValue).order_by(AttributeDefinition.position)
        ).all()
    assert [tuple(p) for p in people] == [("Dr Lee", None, True), ("Sam Patel", "partner agency", False)]
    assert [tuple(v) for v in site_values] == [
        ("Unit of geography", "Ward", None), ("Funding model", "Mainstream", None), ("Population", None, 12000.0),
    ]


def test_generic_labels_are_people_of_one_source(project, tmp_path):
    for number in (1, 2):
        (tmp_path / f"interview-{number}.txt").write_text(f"I: Question {number}?\nR: Answer {number}.")
    import_files(project, [tmp_path / "interview-1.txt", tmp_path / "interview-2.txt"], ImportOptions(site="Site C"))
    with project.session() as session:
        names = sorted(session.scalars(select(Participant.name)))
    assert names == ["I", "R (interview-1)", "R (interview-2)"]


def test_progress_is_reported_and_cancel_stops_between_files(project, tmp_path):
    files = []
    for number in range(4):
        path = tmp_path / f"t{number}.txt"
        path.write_text(f"Interviewer: Q{number}\nJo: A{number}")
        files.append(path)
    seen = []

    def progress(done, total, name):
        seen.append((done, total, name))

    report = import_files(project, files, progress=progress, is_cancelled=lambda: len(seen) >= 2)
    assert report.cancelled
    assert [r.status for r in report.results] == ["imported", "imported"]
    assert seen == [(0, 4, "t0.txt"), (1, 4, "t1.txt")]
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 2


def test_attributes_sheet_tells_same_named_files_in_site_folders_apart(project, tmp_path):
    for site in ("SiteA", "SiteB"):
        (tmp_path / site).mkdir()
        (tmp_path / site / "interview1.txt").write_text(f"Interviewer: Hello {site}?\nJo: Hi from {site}.")
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("file,site\nSiteA/interview1.txt,Site A\nSiteB/interview1.txt,Site B\n")
    report = import_files(project, [tmp_path / "SiteA", tmp_path / "SiteB"], ImportOptions(attributes_sheet=sheet))
    assert [r.status for r in report.results] == ["imported", "imported"] and report.warnings == []
    with project.session() as session:
        placed = session.execute(select(Source.name, Site.name).join(Site).order_by(Site.name)).all()
    assert [tuple(p) for p in placed] == [("interview1", "Site A"), ("interview1 (2)", "Site B")]
