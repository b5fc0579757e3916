"""Editing sites, participants, sources and their typed attributes, on both back ends:
each edit returns what it replaced, bad values and clashing names are refused in one
sentence and store nothing."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from framework.attributes import (
    AttributeColumn,
    ParticipantRecord,
    SourceRecord,
    StoredValue,
    add_attribute,
    attribute_table,
    check_new_attribute,
    parse_attribute_value,
    participant_types,
    put_attribute_value,
    remove_attribute,
    rename_attribute,
    rename_participant,
    rename_site,
    rename_source,
    restore_attribute,
    set_attribute_value,
    set_interviewer,
    set_participant_site,
    set_participant_type,
    set_source_date,
    set_source_method,
    set_source_site,
    site_choices,
)
from framework.errors import CharterError
from models import AttributeDefinition, Participant, Site, SiteAttributeValue, Source, SourceAttributeValue


def _one_sentence(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_tables_list_every_row_with_fields_and_values(project, study):
    with project.transaction("attributes") as session:
        funding = add_attribute(session, "site", "Funding model", "choice", ["Mainstream", "Pilot"])
        length = add_attribute(session, "source", "Length (minutes)", "number")
        set_attribute_value(session, funding, 1, "pilot")
        set_attribute_value(session, length, study.sources["partner-b"], "1,200")
    with project.session() as session:
        sites = attribute_table(session, "site")
        people = attribute_table(session, "participant")
        sources = attribute_table(session, "source")
        assert site_choices(session) == [(1, "Site A"), (2, "Site B")]
        assert participant_types(session) == ["partner", "resident"]
    assert sites.columns == [AttributeColumn(funding, "site", "Funding model", "choice", ("Mainstream", "Pilot"))]
    assert [(r.name, r.values) for r in sites.records] == [
        ("Site A", {funding: StoredValue(text="Pilot")}), ("Site B", {})]
    assert [r.name for r in people.records] == ["Ann", "Bob", "Sam", "Kit", "Interviewer", "Moderator"]
    assert people.records[0] == ParticipantRecord(study.people["Ann"], "Ann", 1, "Site A", "resident", False, {})
    assert people.records[-1].is_interviewer and people.records[-1].site is None
    assert sources.records[-1] == SourceRecord(study.sources["partner-b"], "partner-b", 2, "Site B", "interview",
                                               None, {length: StoredValue(number=1200.0)})
    assert sources.records[-1].values[length].display() == "1200"


def test_site_and_participant_edits_return_what_they_replaced(project, study):
    ann, bob = study.people["Ann"], study.people["Bob"]
    with project.transaction("edits") as session:
        assert rename_site(session, 1, "  Northfield   estate ") == "Site A"
        assert rename_participant(session, ann, "Ann Clarke") == "Ann"
        assert set_participant_type(session, ann, "  police   constable ") == "resident"
        assert set_participant_type(session, bob, "") == "resident"
        assert set_interviewer(session, bob, True) is False
        assert set_participant_site(session, bob, 2) == 1
        assert set_participant_site(session, ann, None) == 1
    with project.session() as session:
        assert session.get(Site, 1).name == "Northfield estate"
        ann_row, bob_row = session.get(Participant, ann), session.get(Participant, bob)
        assert (ann_row.name, ann_row.participant_type, ann_row.site_id) == ("Ann Clarke", "police constable", None)
        assert (bob_row.participant_type, bob_row.is_interviewer, bob_row.site_id) == (None, True, 2)
    with project.transaction("undo") as session:  # putting the previous values back restores all
        set_participant_site(session, ann, 1)
        set_participant_site(session, bob, 1)
        set_interviewer(session, bob, False)
        set_participant_type(session, bob, "resident")
        set_participant_type(session, ann, "resident")
        rename_participant(session, ann, "Ann")
        rename_site(session, 1, "Site A")
    with project.session() as session:
        people = session.scalars(select(Participant).where(Participant.id.in_([ann, bob])).order_by(Participant.id))
        assert [(p.name, p.site_id, p.participant_type, p.is_interviewer) for p in people] == [
            ("Ann", 1, "resident", False), ("Bob", 1, "resident", False)]


def test_source_edits_parse_methods_and_dates(project, study):
    source = study.sources["partner-a"]
    with project.transaction("edits") as session:
        assert rename_source(session, source, "Partner A interview") == "partner-a"
        assert set_source_method(session, source, "Telephone interview") == "interview"
        assert set_source_site(session, source, None) == 1
        assert set_source_date(session, source, "12/03/2013") is None
        assert set_source_date(session, source, "12 March 2014") == date(2013, 3, 12)
    with project.session() as session:
        row = session.get(Source, source)
        assert (row.name, row.method, row.site_id, row.date) == (
            "Partner A interview", "telephone-interview", None, date(2014, 3, 12))
    with project.transaction("clear") as session:
        assert set_source_date(session, source, None) == date(2014, 3, 12)
        assert set_source_method(session, source, "focus-group") == "telephone-interview"


@pytest.mark.parametrize("edit, message", [
    (lambda s, st: rename_site(s, 2, "site a"), "There is already a site called 'site a'."),
    (lambda s, st: rename_site(s, 2, "   "), "A site needs a name."),
    (lambda s, st: rename_participant(s, st.people["Bob"], "ANN"),
     "There is already a participant called 'ANN' at Site A."),
    (lambda s, st: (set_participant_site(s, st.people["Kit"], None), set_participant_site(s, st.people["Sam"], None),
                    rename_participant(s, st.people["Sam"], "kit")),
     "There is already a participant called 'kit' with no site."),
    (lambda s, st: rename_source(s, st.sources["partner-b"], "Partner-A"),
     "There is already a source called 'Partner-A'."),
    (lambda s, st: set_source_method(s, st.sources["partner-b"], "séance"),
     "'séance' is not a method Charter knows; use one of: interview, focus group, observation, "
     "telephone interview, document."),
    (lambda s, st: set_source_date(s, st.sources["partner-b"], "31/02/2013"),
     "'31/02/2013' is not a date Charter can read for the source's date; "
     "write it as 2013-03-12, 12/03/2013 or 12 March 2013."),
    (lambda s, st: set_source_site(s, st.sources["partner-b"], 99), "Site 99 does not exist;"),
    (lambda s, st: rename_participant(s, 999, "Zed"), "Participant 999 does not exist;"),
])
def test_bad_edits_are_refused_in_one_sentence_and_store_nothing(project, study, edit, message):
    with project.session() as session:
        before = (sorted(session.execute(select(Site.id, Site.name)).all()),
                  sorted(session.execute(select(Participant.id, Participant.name, Participant.site_id)).all()),
                  sorted(session.execute(select(Source.id, Source.name, Source.method, Source.date)).all()))
    with pytest.raises(CharterError) as error:
        with project.transaction("bad edit") as session:
            edit(session, study)
    assert _one_sentence(error).startswith(message)
    with project.session() as session:
        after = (sorted(session.execute(select(Site.id, Site.name)).all()),
                 sorted(session.execute(select(Participant.id, Participant.name, Participant.site_id)).all()),
                 sorted(session.execute(select(Source.id, Source.name, Source.method, Source.date)).all()))
    assert after == before


def test_values_are_typed_as_the_sheets_type_them(project, study):
    number = AttributeColumn(1, "source", "Length", "number")
    when = AttributeColumn(2, "source", "Recorded", "date")
    choice = AttributeColumn(3, "site", "Funding", "choice", ("Mainstream", "Pilot"))
    words = AttributeColumn(4, "site", "Notes", "text")
    assert parse_attribute_value(number, " 1,200 ") == StoredValue(number=1200.0)
    assert parse_attribute_value(number, 3.5) == StoredValue(number=3.5)
    assert parse_attribute_value(when, "Tuesday 12 March 2013") == StoredValue(date=date(2013, 3, 12))
    assert parse_attribute_value(when, date(2013, 3, 12)) == StoredValue(date=date(2013, 3, 12))
    assert parse_attribute_value(choice, "PILOT") == StoredValue(text="Pilot")
    assert parse_attribute_value(words, "  two\n words ") == StoredValue(text="two words")
    assert parse_attribute_value(words, "  ") is None
    for column, raw, message in [
        (number, "3,5", "'3,5' is not a number; Length takes numbers such as 12 or 3.5."),
        (when, "12/13/2013", "'12/13/2013' is not a date Charter can read for Recorded; "
                             "write it as 2013-03-12, 12/03/2013 or 12 March 2013."),
        (choice, "Other", "'Other' is not one of the choices for Funding: Mainstream, Pilot."),
    ]:
        with pytest.raises(CharterError) as error:
            parse_attribute_value(column, raw)
        assert _one_sentence(error) == message


def test_set_and_put_values_return_the_previous_one(project, study):
    with project.transaction("define") as session:
        recorded = add_attribute(session, "source", "Recorded", "date")
        unit = add_attribute(session, "site", "Unit of geography", "text")
    source = study.sources["residents-a"]
    with project.transaction("values") as session:
        assert set_attribute_value(session, recorded, source, "2013-03-12") is None
        assert set_attribute_value(session, recorded, source, "13/03/2013") == StoredValue(date=date(2013, 3, 12))
        assert set_attribute_value(session, unit, 2, "Ward") is None
    with pytest.raises(CharterError, match="is not a date"):
        with project.transaction("bad value") as session:
            set_attribute_value(session, recorded, source, "soon")
    with project.session() as session:
        assert session.scalar(select(SourceAttributeValue.date_value)) == date(2013, 3, 13)
    with project.transaction("undo") as session:
        assert put_attribute_value(session, recorded, source, StoredValue(date=date(2013, 3, 12))) == \
            StoredValue(date=date(2013, 3, 13))
        assert put_attribute_value(session, unit, 2, None) == StoredValue(text="Ward")
        assert put_attribute_value(session, unit, 2, None) is None
    with project.session() as session:
        assert session.scalar(select(SourceAttributeValue.date_value)) == date(2013, 3, 12)
        assert session.scalar(select(func.count()).select_from(SiteAttributeValue)) == 0


def test_attribute_names_stay_unique_and_removal_restores_with_the_same_ids(project, study):
    with project.transaction("define") as session:
        funding = add_attribute(session, "site", "Funding model", "choice", ["Mainstream", " Pilot ", "Pilot"])
        set_attribute_value(session, funding, 1, "Mainstream")
        set_attribute_value(session, funding, 2, "Pilot")
        assert session.get(AttributeDefinition, funding).choices == ["Mainstream", "Pilot"]
    for kind, name, value_type, message in [
        ("source", "funding MODEL", "text", "There is already a site attribute called 'Funding model'."),
        ("site", "Method", "text", "'Method' is already a column of its own; choose another attribute name."),
        ("site", "Budget", "colour", "'colour' is not an attribute type; use one of: text, number, date, choice."),
        ("site", "Tier", "choice", "Give 'Tier' at least one choice, separated by commas."),
        ("theme", "Tier", "text",
         "'theme' is not something attributes describe; use one of: site, participant, source."),
        ("site", "", "text", "An attribute needs a name."),
    ]:
        with pytest.raises(CharterError) as error:
            with project.transaction("add") as session:
                add_attribute(session, kind, name, value_type)
        assert _one_sentence(error) == message
    with project.transaction("rename") as session:
        assert rename_attribute(session, funding, "Funding") == "Funding model"
        assert check_new_attribute(session, "source", "Funding model", "text") == ("Funding model", ())
    with project.transaction("remove") as session:
        snapshot = remove_attribute(session, funding)
    with project.session() as session:
        assert session.get(AttributeDefinition, funding) is None
        assert session.scalar(select(func.count()).select_from(SiteAttributeValue)) == 0
    with project.transaction("restore") as session:
        restore_attribute(session, snapshot)
    with project.session() as session:
        table = attribute_table(session, "site")
        assert table.columns == [AttributeColumn(funding, "site", "Funding", "choice", ("Mainstream", "Pilot"))]
        assert [r.values for r in table.records] == [{funding: StoredValue(text="Mainstream")},
                                                     {funding: StoredValue(text="Pilot")}]


def test_participant_names_clash_by_their_unicode_key(project, study):
    """Renames compare names as the database does (NFC, case folded): "ZOË ÑÚÑEZ" is the
    same person as "Zoë Ñúñez", whichever way the accents are encoded."""
    ann, bob, kit = study.people["Ann"], study.people["Bob"], study.people["Kit"]
    with project.transaction("rename") as session:
        rename_participant(session, ann, "Zoë Ñúñez")
        assert rename_participant(session, ann, "ZOË ÑÚÑEZ") == "Zoë Ñúñez"  # her own name in capitals
        rename_participant(session, kit, "zoë ñúñez")  # at Site B: someone else
    with project.session() as session:
        assert session.get(Participant, ann).name_key == session.get(Participant, kit).name_key == "zoë ñúñez"
    decomposed = unicodedata.normalize("NFD", "Zoë  Ñúñez")
    with pytest.raises(CharterError, match="There is already a participant called .* at Site A"):
        with project.transaction("clash") as session:
            rename_participant(session, bob, decomposed)
    with pytest.raises(CharterError, match="There is already a participant called 'zoë ñúñez' at Site A"):
        with project.transaction("clash") as session:
            set_participant_site(session, kit, 1)
    with project.session() as session:
        assert session.get(Participant, bob).name == "Bob" and session.get(Participant, kit).site_id == 2
