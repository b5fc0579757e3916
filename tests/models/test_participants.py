"""Participant names are compared by one stored key, the same on SQLite and PostgreSQL:
NFC, Unicode case folding, white space collapsed (``participant_name_key``)."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from models import Participant, Site
from models.cases import participant_name_key


def test_the_key_folds_case_accents_encoding_and_spaces():
    assert participant_name_key("  JOSÉ   ÑÚÑEZ ") == "josé ñúñez"
    assert participant_name_key(unicodedata.normalize("NFD", "José Ñúñez")) == "josé ñúñez"
    assert participant_name_key("STRASSE") == participant_name_key("Straße") == "strasse"
    assert participant_name_key("Zoë") != participant_name_key("Zoe")  # accents still tell names apart


def test_the_key_follows_every_name_however_the_row_is_written(project):
    with project.transaction("people") as session:
        site = Site(name="Site A")
        session.add(site)
        session.flush()
        emile = Participant(site_id=site.id, name=unicodedata.normalize("NFD", "Émile"))
        session.add(emile)
        session.flush()
        # A bulk loader's Core insert, which names no key, gets one too.
        session.execute(insert(Participant), [{"site_id": site.id, "name": "SIÂN"}])
    with project.transaction("rename") as session:
        session.get(Participant, emile.id).name = "Émile Zola"
    with project.session() as session:
        rows = session.execute(select(Participant.name, Participant.name_key).order_by(Participant.id)).all()
    assert [tuple(r) for r in rows] == [("Émile Zola", "émile zola"), ("SIÂN", "siân")]  # names stored NFC


@pytest.mark.parametrize("site", ["Site A", None], ids=["same site", "no site"])
def test_the_database_refuses_a_second_person_of_the_same_key(project, site):
    with project.transaction("first") as session:
        site_id = None
        if site:
            session.add(place := Site(name=site))
            session.flush()
            site_id = place.id
        session.add(Participant(site_id=site_id, name="Zoë"))
    with pytest.raises(IntegrityError), project.transaction("second") as session:
        session.add(Participant(site_id=site_id, name=unicodedata.normalize("NFD", "ZOË")))
    with project.transaction("elsewhere") as session:
        other = Site(name="Site B")
        session.add(other)
        session.flush()
        session.add(Participant(site_id=other.id, name="ZOË"))  # another site: another person
    with project.session() as session:
        assert sorted(session.scalars(select(Participant.name))) == ["ZOË", "Zoë"]
