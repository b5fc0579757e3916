"""The database itself enforces Charter's rules, on SQLite and PostgreSQL alike.

Rows are written with plain SQL where the point is that the database (not Python)
refuses them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from models import Coding, Site, Source, Summary, Theme, Turn
from tests.factories import add_study


def insert_coding(session, study, start: int, end: int) -> None:
    session.execute(
        text(
            'INSERT INTO codings (source_id, theme_id, coder_id, start, "end", memo, '
            "created_at, updated_at) VALUES (:s, :t, :c, :start, :end, '', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ),
        {"s": study.source_id, "t": study.theme_id, "c": study.coder_id, "start": start, "end": end},
    )


@pytest.mark.parametrize(
    "start, end",
    [(-1, 5), (10, 10), (12, 3), (0, 10_000)],
    ids=["negative start", "empty span", "reversed span", "beyond the text"],
)
def test_database_rejects_invalid_coding_spans(project, start, end):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("bad coding") as session:
        insert_coding(session, study, start, end)
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 1


def test_a_coding_may_end_exactly_at_the_end_of_the_text(project):
    with project.transaction("setup") as session:
        study = add_study(session)
        length = session.get(Source, study.source_id).text_length
        insert_coding(session, study, length - 5, length)
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Coding)) == 2


def test_moving_a_coding_beyond_its_source_is_rejected(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("stretch") as session:
        session.execute(
            text('UPDATE codings SET "end" = 100000 WHERE id = :id'), {"id": study.coding_id}
        )


def test_database_rejects_a_turn_beyond_its_source(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("bad turn") as session:
        session.add(Turn(source_id=study.source_id, start=5, end=10_000))


def test_source_text_cannot_change_once_coded(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("rewrite") as session:
        session.get(Source, study.source_id).text = "Something else entirely."


def test_deleting_a_source_removes_its_turns_and_codings(project):
    with project.transaction("setup") as session:
        study = add_study(session)
        other = Source(name="Untouched notes", text="Observation notes.")
        session.add(other)
    with project.transaction("delete source") as session:
        session.execute(text("DELETE FROM sources WHERE id = :id"), {"id": study.source_id})
    with project.session() as session:
        assert session.scalars(select(Turn.id)).all() == []
        assert session.scalars(select(Coding.id)).all() == []
        assert session.scalars(select(Source.name)).all() == ["Untouched notes"]


def test_deleting_a_source_through_the_orm_cascades_too(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with project.transaction("delete source") as session:
        session.delete(session.get(Source, study.source_id))
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Turn)) == 0
        assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_a_theme_with_codings_cannot_be_deleted_behind_the_codebooks_back(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("delete theme") as session:
        session.execute(text("DELETE FROM themes WHERE id = :id"), {"id": study.theme_id})


def test_theme_names_are_unique_among_siblings_including_top_level(project):
    with project.transaction("setup") as session:
        parent = Theme(name="Barriers")
        session.add(parent)
        session.add(Theme(name="Austerity", parent=parent))
    with pytest.raises(IntegrityError), project.transaction("duplicate child") as session:
        session.add(Theme(name="Austerity", parent_id=parent.id))
    with pytest.raises(IntegrityError), project.transaction("duplicate top") as session:
        session.add(Theme(name="Barriers"))
    with project.transaction("same name elsewhere") as session:
        other = Theme(name="Facilitators")
        session.add(other)
        session.add(Theme(name="Austerity", parent=other))
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Theme)) == 4


def test_one_summary_per_cell(project):
    with project.transaction("setup") as session:
        study = add_study(session)
        session.add(
            Summary(participant_id=study.participant_id, theme_id=study.theme_id,
                    author_id=study.coder_id, text="Monthly tasking meetings.")
        )
    with pytest.raises(IntegrityError), project.transaction("second summary") as session:
        session.add(
            Summary(participant_id=study.participant_id, theme_id=study.theme_id,
                    author_id=study.coder_id, text="Another.")
        )


def test_saving_over_a_summary_someone_else_changed_fails(project):
    with project.transaction("setup") as session:
        study = add_study(session)
        summary = Summary(participant_id=study.participant_id, theme_id=study.theme_id,
                          author_id=study.coder_id, text="First.")
        session.add(summary)
    mine, theirs = project.session(), project.session()
    my_copy = mine.get(Summary, summary.id)
    mine.commit()  # loaded for editing; the read transaction ends, the version is kept
    their_copy = theirs.get(Summary, summary.id)
    their_copy.text = "Their edit."
    theirs.commit()
    my_copy.text = "My edit."
    with pytest.raises(StaleDataError):
        mine.commit()
    mine.close()
    theirs.close()
    with project.session() as session:
        assert session.get(Summary, summary.id).text == "Their edit."


def test_a_site_in_use_cannot_be_deleted(project):
    with project.transaction("setup") as session:
        study = add_study(session)
    with pytest.raises(IntegrityError), project.transaction("delete site") as session:
        session.execute(text("DELETE FROM sites WHERE id = :id"), {"id": study.site_id})
    with project.session() as session:
        assert session.get(Site, study.site_id) is not None
