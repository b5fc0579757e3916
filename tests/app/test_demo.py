"""The demo study (``app/demo.py`` + ``resources/demo/``): built through the real
importers and framework, it holds what the Framework matrix needs to tell the study's
story, and it is sound. No Qt needed."""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.demo import (
    DEMO_PATH_VARIABLE,
    build_demo_project,
    demo_folder,
    demo_project_path,
    ensure_demo_project,
)
from framework.codebook import find_theme
from framework.matrix import build_matrix
from models import Coding, Participant, Site, Source, Summary, SummaryCitation, Turn
from models.integrity import check_project
from models.project import open_project

SITES = [f"Site {letter}" for letter in "ABCDEF"]
TYPES = {"partner", "police", "resident"}
REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    """The demo built once for the module, the way the GUI builds it: through
    ``ensure_demo_project`` at the path ``$CHARTER_DEMO_PATH`` names."""
    path = tmp_path_factory.mktemp("demo") / "data" / "demo.charter"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DEMO_PATH_VARIABLE, str(path))
        assert ensure_demo_project() == path
    return path


@pytest.fixture(scope="module")
def demo(demo_path):
    with open_project(demo_path) as project:
        yield project


@pytest.fixture
def session(demo):
    with demo.session() as session:
        yield session


def codings_file() -> dict[str, list[dict]]:
    return tomllib.loads((demo_folder() / "codings.toml").read_text(encoding="utf-8"))


def summaries_file() -> list[dict]:
    return tomllib.loads((demo_folder() / "summaries.toml").read_text(encoding="utf-8"))["summaries"]


def speakers_by_source(session) -> dict[int, list[Participant]]:
    rows = session.execute(select(Turn.source_id, Participant)
                           .join(Participant, Participant.id == Turn.participant_id).distinct())
    found: dict[int, list[Participant]] = defaultdict(list)
    for source_id, participant in rows:
        found[source_id].append(participant)
    return found


# --- the transcripts ----------------------------------------------------------------

def test_at_least_eighteen_transcripts_of_at_least_1500_words(session):
    sources = session.scalars(select(Source)).all()
    assert len(sources) >= 18
    short = {s.name: s.word_count for s in sources if s.word_count < 1500}
    assert not short


def test_transcripts_come_in_word_text_and_caption_formats():
    suffixes = {p.suffix for p in (demo_folder() / "transcripts").iterdir()}
    assert suffixes == {".docx", ".txt", ".vtt"}


def test_each_site_has_a_partner_interview_a_police_and_a_resident_focus_group(session):
    speakers = speakers_by_source(session)
    found = defaultdict(set)
    for source in session.scalars(select(Source)):
        respondents = [p for p in speakers[source.id] if not p.is_interviewer]
        types = frozenset(p.participant_type for p in respondents)
        found[source.site.name].add((source.method, types))
        if source.method == "focus-group":
            size = (3, 5) if types == {"police"} else (4, 6)
            assert size[0] <= len(respondents) <= size[1], source.name
    assert sorted(found) == SITES
    for site in SITES:
        assert {("interview", frozenset({"partner"})), ("focus-group", frozenset({"police"})),
                ("focus-group", frozenset({"resident"}))} <= found[site], site


def test_interviewers_are_flagged_belong_to_no_site_and_are_not_counted(session):
    interviewers = session.scalars(select(Participant).where(Participant.is_interviewer.is_(True))).all()
    assert {p.name for p in interviewers} == {"Helen Marsh", "Daniel Okafor"}
    assert all(p.site_id is None and p.participant_type is None for p in interviewers)
    speakers = speakers_by_source(session)
    for source in session.scalars(select(Source)):
        assert any(p.is_interviewer for p in speakers[source.id]), f"{source.name} has no interviewer"
    matrix = build_matrix(session)
    assert not {row.label for row in matrix.rows} & {p.name for p in interviewers}


def test_every_participant_has_a_participant_type(session):
    participants = session.scalars(select(Participant).where(Participant.is_interviewer.is_(False))).all()
    assert len(participants) > 50
    assert {p.name: p.participant_type for p in participants if p.participant_type not in TYPES} == {}
    assert all(p.site_id is not None for p in participants)


def test_speaker_map_gives_role_labels_their_people(session):
    names = set(session.scalars(select(Participant.name)))
    assert {"Carol Jennings", "Pat Holloway", "Mark Heywood", "Rob Cullen"} <= names
    assert not names & {"R", "P1", "Sgt Heywood", "Rob", "Moderator", "Facilitator", "I"}


def test_sites_carry_their_table_1_attributes(session):
    matrix = build_matrix(session, rows="site", filters={"Funding model": "Mainstream"})
    mainstream = {row.label for row in matrix.rows
                  if (total := matrix.row_totals.get(row.id)) is not None and total.passages > 0}
    assert mainstream == {"Site A", "Site C", "Site D"}
    assert session.scalar(select(Site.name).where(Site.position == 5)) == "Site F"


# --- codings and summaries ------------------------------------------------------------

def test_every_transcript_has_20_to_45_codings_in_the_file():
    entries = codings_file()
    assert len(entries) >= 18
    assert {name: len(e) for name, e in entries.items() if not 20 <= len(e) <= 45} == {}
    quotes = [e["quote"] for es in entries.values() for e in es]
    assert len(quotes) > len(set(quotes)), "some passages should be coded at two themes"
    assert sum("memo" in e for es in entries.values() for e in es) >= 3


def test_every_quote_is_respondent_speech_covered_by_a_coding_of_its_theme(session):
    themes: dict[str, int] = {}
    for name, entries in codings_file().items():
        source = session.scalar(select(Source).where(Source.name == name))
        turns = session.execute(select(Turn.start, Turn.end, Participant.is_interviewer)
                                .join(Participant, Participant.id == Turn.participant_id)
                                .where(Turn.source_id == source.id)).all()
        for entry in entries:
            start = source.text.find(entry["quote"])
            end = start + len(entry["quote"])
            assert start >= 0, entry["quote"]
            assert any(t.start <= start and end <= t.end and not t.is_interviewer for t in turns), entry["quote"]
            theme_id = themes.setdefault(entry["theme"], find_theme(session, entry["theme"]).id)
            covering = session.scalar(select(Coding.id).where(
                Coding.source_id == source.id, Coding.theme_id == theme_id,
                Coding.start <= start, Coding.end >= end))
            assert covering is not None, (name, entry["quote"], entry["theme"])
    total = sum(len(e) for e in codings_file().values())
    assert 0 < len(session.scalars(select(Coding.id)).all()) <= total


def test_summaries_are_charted_cited_and_at_every_review_stage(session):
    summaries = session.scalars(select(Summary)).all()
    assert 30 <= len(summaries) == len(summaries_file()) <= 60
    assert {s.status for s in summaries} == {"draft", "submitted", "approved", "returned"}
    cited = session.scalars(select(SummaryCitation.coding_id)).all()
    assert len(cited) == sum("cite" in entry for entry in summaries_file()) > 0
    for summary in summaries:
        assert "[[cite]]" not in summary.text
        assert summary.text.rstrip().endswith("]"), "each summary ends with its reference"


def test_matrix_has_passages_in_every_site_and_participant_type_group(session):
    matrix = build_matrix(session)
    passages = defaultdict(int)
    for row in matrix.rows:
        total = matrix.row_totals.get(row.id)
        passages[row.group] += total.passages if total else 0
    assert {f"{site} / {kind}" for site in SITES for kind in TYPES} == set(passages)
    assert {group: n for group, n in passages.items() if n == 0} == {}
    by_site = build_matrix(session, rows="site", depth=2)
    for row in by_site.rows:
        assert by_site.row_totals[row.id].passages > 20, row.label


def test_integrity_check_reports_nothing(demo):
    report = check_project(demo)
    assert report.ok, report.problems


# --- where the demo lives ----------------------------------------------------------

def test_ensure_reuses_the_built_demo_and_leaves_no_temporary_files(demo_path, monkeypatch):
    monkeypatch.setenv(DEMO_PATH_VARIABLE, str(demo_path))
    before = demo_path.stat().st_mtime_ns
    assert ensure_demo_project() == demo_path
    assert demo_path.stat().st_mtime_ns == before
    # The -wal and -shm files are the open project's (the module's fixture holds it open).
    leftovers = {p.name for p in demo_path.parent.iterdir()} - {"demo.charter-wal", "demo.charter-shm"}
    assert leftovers == {"demo.charter"}


def test_a_cancelled_build_leaves_nothing_behind(tmp_path, monkeypatch):
    path = tmp_path / "data" / "demo.charter"
    monkeypatch.setenv(DEMO_PATH_VARIABLE, str(path))
    assert ensure_demo_project(is_cancelled=lambda: True) is None
    assert list(path.parent.iterdir()) == []


def test_demo_path_defaults_to_the_user_data_folder(monkeypatch):
    monkeypatch.delenv(DEMO_PATH_VARIABLE, raising=False)
    path = demo_project_path()
    assert path.name == "demo.charter" and path.parent.name == "Charter"


def test_cli_demo_refuses_an_existing_file_in_one_sentence(tmp_path, capsys):
    existing = tmp_path / "mine.charter"
    existing.write_bytes(b"precious")
    assert main(["demo", str(existing)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("charter: ") and error.count("\n") == 0 and "already exists" in error
    assert existing.read_bytes() == b"precious"


def test_a_failed_build_removes_the_new_file(tmp_path, monkeypatch):
    import app.demo

    def broken(*_args, **_kwargs):
        raise app.demo.DemoError("The demo file codings.toml is malformed: test.")

    monkeypatch.setattr(app.demo, "_apply_codings", broken)
    path = tmp_path / "demo.charter"
    with pytest.raises(app.demo.DemoError):
        build_demo_project(path)
    assert list(tmp_path.iterdir()) == []


def test_package_data_ships_every_demo_file():
    patterns = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    resources_folder = demo_folder().parent
    for file in demo_folder().rglob("*"):
        if file.is_file():
            relative = file.relative_to(resources_folder).as_posix()
            assert any(fnmatch.fnmatch(relative, p) for p in patterns.get("resources", [])), relative
    assert os.path.isdir(resources_folder / "demo" / "transcripts")
