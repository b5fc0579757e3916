"""Charted summaries: revisions, citations, conflicts and review status."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from framework.coding import apply_coding
from framework.errors import CharterError
from framework.summaries import (
    SummaryConflict,
    add_comment,
    get_summary,
    save_summary,
    set_status,
    summary_history,
)


def test_revisions_citations_and_conflicts(project, study):
    sam, barriers = study.people["Sam"], study.themes["Barriers"]
    with project.transaction("chart") as session:
        a, b = study.span(session, "partner-a", "Funding cuts hurt us badly.")
        coding = apply_coding(session, study.sources["partner-a"], barriers, a, b, study.coder).result_id
        first = save_summary(session, sam, barriers, "Cuts hurt.", author_id=study.coder, expected_version=None)
        second = save_summary(session, sam, barriers, f"Cuts hurt badly [[C{coding}]].",
                              author_id=study.other_coder, expected_version=first.version)
        assert (first.version, second.version, second.citations) == (1, 2, [coding])
        assert [r.text for r in summary_history(session, second.id)] == ["Cuts hurt."]
    # someone saves over version 1 after version 2 exists: refused, both texts returned
    with project.transaction("late save") as session, pytest.raises(SummaryConflict) as conflict:
        save_summary(session, sam, barriers, "My stale edit.", author_id=study.coder, expected_version=1)
    assert (conflict.value.yours, conflict.value.theirs) == ("My stale edit.", f"Cuts hurt badly [[C{coding}]].")
    with project.session() as session:
        assert get_summary(session, sam, barriers).text == f"Cuts hurt badly [[C{coding}]]."
    with project.transaction("bad cite") as session, pytest.raises(CharterError, match="cites coding 999"):
        save_summary(session, sam, barriers, "See [[C999]].", author_id=study.coder, expected_version=2)


def test_review_workflow(project, study):
    with project.transaction("chart") as session:
        summary = save_summary(session, study.people["Ann"], study.themes["Benefits"], "Feels safer.",
                               author_id=study.coder, expected_version=None)
        with pytest.raises(CharterError, match="A draft summary cannot be marked approved"):
            set_status(session, summary.id, "approved", reviewer_id=study.other_coder)
        assert set_status(session, summary.id, "submitted", reviewer_id=study.coder) == "draft"
        set_status(session, summary.id, "returned", reviewer_id=study.other_coder, note="Cite the extract.")
        assert add_comment(session, author_id=study.other_coder, text="Which patrols?", summary_id=summary.id) > 0
        with pytest.raises(CharterError, match="exactly one summary or one coding"):
            add_comment(session, author_id=study.coder, text="x")
        assert get_summary(session, study.people["Ann"], study.themes["Benefits"]).status == "returned"


def test_two_first_saves_of_an_empty_cell_at_once_keep_both_texts(project, study):
    """Both coders opened the empty cell and save at the same moment. There is no row
    to lock, so the second save waits on the first one's write (SQLite: the write lock;
    PostgreSQL: the unique index) and must then get the same conflict as a save over an
    existing summary, with both texts, rather than a database error."""
    kit, benefits = study.people["Kit"], study.themes["Benefits"]
    started, finished = threading.Event(), threading.Event()
    outcome: list[BaseException | None] = []

    def second_coder() -> None:
        started.set()
        try:
            with project.transaction("chart") as session:
                save_summary(session, kit, benefits, "Blake's reading.", author_id=study.other_coder,
                             expected_version=None)
            outcome.append(None)
        except BaseException as error:  # handed to the test thread, which asserts on it
            outcome.append(error)
        finally:
            finished.set()

    with project.transaction("chart") as session:
        save_summary(session, kit, benefits, "Alex's reading.", author_id=study.coder, expected_version=None)
        thread = threading.Thread(target=second_coder)
        thread.start()
        assert started.wait(10)
        if project.backend == "postgresql":
            wait_until_a_backend_waits_for_a_lock(project)
        else:  # nothing to ask SQLite; a blocked writer simply has not finished yet
            finished.wait(0.5)
    thread.join(30)
    assert finished.is_set()

    [error] = outcome
    assert isinstance(error, SummaryConflict), repr(error)
    assert (error.yours, error.theirs, error.version) == ("Blake's reading.", "Alex's reading.", 1)
    with project.session() as session:
        stored = get_summary(session, kit, benefits)
        assert (stored.text, stored.version) == ("Alex's reading.", 1)


def wait_until_a_backend_waits_for_a_lock(project, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    with project.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'")).scalar()
            if waiting:
                return
            connection.rollback()
            time.sleep(0.02)
    raise AssertionError("the second save never waited for the first one's lock")
