"""Charted summaries: revisions, citations, conflicts and review status."""

from __future__ import annotations

import pytest

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
