"""Codebook operations: paths, add/rename/move, merge and delete semantics."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from framework.codebook import (
    ThemeInUse,
    add_theme,
    define_theme,
    delete_theme,
    find_theme,
    merge_themes,
    move_theme,
    rename_theme,
    theme_paths,
    theme_tree,
)
from framework.coding import apply_coding
from framework.errors import CharterError
from framework.summaries import save_summary
from models import Coding, Summary, SummaryRevision, Theme


def test_paths_tree_and_lookup(project, study):
    with project.transaction("themes") as session:
        slash = add_theme(session, "Data/information sharing", parent_id=study.themes["Facilitators"])
        assert theme_paths(session)[slash] == "Facilitators/Data\\/information sharing"
        assert find_theme(session, "facilitators/data\\/information sharing").id == slash
        assert find_theme(session, "Leadership").id == study.themes["Facilitators/Leadership"]
        tree = theme_tree(session)
        assert [node.path for node in tree] == ["Facilitators", "Barriers", "Benefits"]
        assert [child.name for child in tree[0].children] == ["Meetings", "Leadership", "Data/information sharing"]
        assert tree[0].children[0].colour == tree[0].colour
        with pytest.raises(CharterError, match="There is no theme 'Nope/Leadership'"):
            find_theme(session, "Nope/Leadership")


def test_names_are_unique_among_siblings_and_moves_cannot_loop(project, study):
    with project.transaction("themes") as session:
        with pytest.raises(CharterError, match="already a theme called 'barriers' at the top level"):
            add_theme(session, "barriers")
        with pytest.raises(CharterError, match="under itself"):
            move_theme(session, study.themes["Facilitators"], study.themes["Facilitators/Meetings"])
        assert rename_theme(session, study.themes["Benefits"], "Outcomes") == "Benefits"
        move_theme(session, study.themes["Facilitators/Leadership"], None, position=0)
        top = session.scalars(select(Theme.name).where(Theme.parent_id.is_(None)).order_by(Theme.position)).all()
        assert top == ["Leadership", "Facilitators", "Barriers", "Outcomes"]
        assert define_theme(session, study.themes["Barriers"], use_when="Obstacles named") == {"use_when": ""}


def test_merge_repoints_combines_and_appends_summaries(project, study):
    meetings, leadership = study.themes["Facilitators/Meetings"], study.themes["Facilitators/Leadership"]
    sam = study.people["Sam"]
    with project.transaction("setup") as session:
        a, b = study.span(session, "partner-a", "We meet every month")
        apply_coding(session, study.sources["partner-a"], meetings, a, b, study.coder)
        apply_coding(session, study.sources["partner-a"], leadership, a + 3, b + 10, study.coder)  # overlaps
        c, d = study.span(session, "partner-b", "We share data")
        apply_coding(session, study.sources["partner-b"], meetings, c, d, study.coder)
        save_summary(session, sam, meetings, "Meets monthly.", author_id=study.coder, expected_version=None)
        save_summary(session, sam, leadership, "Manager leads.", author_id=study.coder, expected_version=None)
    with project.transaction("merge") as session:
        result = merge_themes(session, meetings, leadership)
        assert (result.codings_moved, result.codings_combined, result.summaries_appended) == (2, 1, 1)
        codings = session.execute(select(Coding.source_id, Coding.start, Coding.end)
                                  .where(Coding.theme_id == leadership).order_by(Coding.source_id)).all()
        assert [tuple(c) for c in codings] == [(study.sources["partner-a"], a, b + 10), (study.sources["partner-b"], c, d)]
        summary = session.scalar(select(Summary).where(Summary.theme_id == leadership))
        assert summary.text == "Manager leads.\n\n[Merged from Meetings] Meets monthly."
        assert session.scalar(select(SummaryRevision.text)) == "Manager leads."
        assert session.get(Theme, meetings) is None


def test_delete_refuses_then_moves_or_deletes(project, study):
    meetings = study.themes["Facilitators/Meetings"]
    with project.transaction("setup") as session:
        a, b = study.span(session, "partner-a", "We meet every month")
        apply_coding(session, study.sources["partner-a"], meetings, a, b, study.coder)
    with project.transaction("refuse") as session, pytest.raises(ThemeInUse, match="has 1 coding"):
        delete_theme(session, meetings)
    with project.transaction("move") as session:
        assert delete_theme(session, meetings, codings="move-to-parent").codings_moved == 1
        assert session.scalars(select(Coding.theme_id)).all() == [study.themes["Facilitators"]]
    with project.transaction("top") as session, pytest.raises(CharterError, match="no parent"):
        delete_theme(session, study.themes["Facilitators"], codings="move-to-parent")
    with project.transaction("delete") as session:
        result = delete_theme(session, study.themes["Facilitators"], codings="delete")
        assert (result.themes_deleted, result.codings_deleted) == (2, 1)
        assert session.scalars(select(Theme.name).order_by(Theme.position)).all() == ["Barriers", "Benefits"]
        assert session.scalars(select(Theme.position).order_by(Theme.position)).all() == [0, 1]
