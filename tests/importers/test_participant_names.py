"""A person speaking in several transcripts of a site is one participant, however their
name's case and accents are written; on SQLite and PostgreSQL (the shared ``project``
fixture)."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from framework.cases import find_participant
from importers.service import ImportOptions, import_files
from models import Participant, Site, Turn


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


PEOPLE = ["José Ñúñez", "Émile", "Siân", "Zoë"]


def transcript(path, names: list[str]):
    lines = [f"Interviewer: What has changed on the estate since {path.stem}?"]
    lines += [f"{name}: I would say the patrols, number {number}." for number, name in enumerate(names, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_repeat_speaker_with_a_non_ascii_name_is_one_participant(project, tmp_path):
    files = [
        transcript(tmp_path / "first.txt", PEOPLE),
        transcript(tmp_path / "same-spelling.txt", PEOPLE),  # the spelling that hit the UNIQUE constraint
        transcript(tmp_path / "capitals.txt", ["JOSÉ ÑÚÑEZ", "ÉMILE", "SIÂN", "ZOË"]),
        transcript(tmp_path / "decomposed.txt", [nfd(name) for name in ["JOSÉ Ñúñez", "Émile", "Siân", "ZOË"]]),
    ]
    report = import_files(project, files, ImportOptions(site="Site A", participant_type="resident"))
    assert [(r.status, r.error) for r in report.results] == [("imported", None)] * 4
    with project.session() as session:
        people = session.execute(select(Participant.name, Participant.site_id, Participant.name_key)
                                 .where(Participant.is_interviewer.is_(False)).order_by(Participant.id)).all()
        assert [tuple(p) for p in people] == [
            ("José Ñúñez", 1, "josé ñúñez"), ("Émile", 1, "émile"), ("Siân", 1, "siân"), ("Zoë", 1, "zoë")]
        spoken = session.execute(select(Participant.name, Turn.source_id)
                                 .join(Participant, Participant.id == Turn.participant_id)
                                 .where(Participant.is_interviewer.is_(False)).distinct()).all()
        assert sorted(tuple(s) for s in spoken) == sorted((name, source) for name in PEOPLE for source in (1, 2, 3, 4))


def test_a_speaker_map_and_the_interviewer_column_match_labels_by_the_same_key(project, tmp_path):
    path = transcript(tmp_path / "partner.txt", ["Émile", "José Ñúñez"])
    path.write_text(path.read_text(encoding="utf-8").replace("Interviewer:", "SIÂN:"), encoding="utf-8")
    speakers = tmp_path / "speakers.csv"
    speakers.write_text("file,speaker,participant,participant type\n"
                        f",{nfd('JOSÉ ÑÚÑEZ')},José Ñúñez-Pérez,partner\n", encoding="utf-8")
    sheet = tmp_path / "attributes.csv"
    sheet.write_text(f"file,site,interviewer\npartner.txt,Site A,{nfd('Siân')}\n", encoding="utf-8")
    [result] = import_files(project, [path], ImportOptions(speaker_map=speakers, attributes_sheet=sheet)).results
    assert result.status == "imported"
    with project.session() as session:
        people = session.execute(select(Participant.name, Participant.participant_type, Participant.is_interviewer)
                                 .order_by(Participant.id)).all()
    # Names are stored composed (NFC), whatever the sheet's spelling.
    assert [tuple(p) for p in people] == [
        ("Siân", None, True), ("Émile", None, False), ("José Ñúñez-Pérez", "partner", False)]



def test_a_participant_is_found_by_any_spelling_of_a_non_ascii_name(project):
    """``charter summary --row`` and ``autocode --participant`` find people by the same
    Unicode-aware key the importer matches them by (SQL lower() folds only A–Z)."""
    with project.transaction("setup") as session:
        site = Site(name="Sité Ñ", position=0)
        session.add(site)
        session.flush()
        session.add(Participant(name="José Ñúñez", site_id=site.id))
    with project.session() as session:
        for reference in ("josé ñúñez", "JOSÉ ÑÚÑEZ", "SITÉ ñ/josé ñúñez", nfd("Sité Ñ / José Ñúñez")):
            assert find_participant(session, reference).name == "José Ñúñez", reference
