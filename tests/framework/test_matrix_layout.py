"""Which rows and columns the matrix shows, and in what order: sites in the project's
own order (not alphabetical), only the rows a filter lets through whatever the row kind,
and every theme as a column of its own when asked for.

The study (``tests/framework/study.py``): Site A has Sam (partner, partner-a) and Ann
and Bob (residents, residents-a); Site B has Kit (partner, partner-b).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from framework.matrix import build_matrix
from models import Site
from tests.framework.test_matrix import coded, table  # noqa: F401  (coded is a fixture)


@pytest.fixture
def site_b_first(project, coded):  # noqa: F811
    """Put Site B before Site A, as a researcher ordering the study's sites would."""
    with project.transaction("reorder sites") as session:
        for site in session.scalars(select(Site)):
            site.position = 0 if site.name == "Site B" else 1
    return coded


def labels(matrix):
    return [(row.group, row.label) for row in matrix.rows]


def test_participants_are_grouped_by_site_in_the_sites_own_order(project, site_b_first):
    with project.session() as session:
        matrix = build_matrix(session)
    assert labels(matrix) == [("Site B / partner", "Kit"), ("Site A / partner", "Sam"),
                              ("Site A / resident", "Ann"), ("Site A / resident", "Bob")]


def test_site_and_source_rows_follow_the_sites_own_order(project, site_b_first):
    with project.session() as session:
        sites = build_matrix(session, rows="site")
        sources = build_matrix(session, rows="source", group_by=("site",))
    assert [row.label for row in sites.rows] == ["Site B", "Site A"]
    assert labels(sources) == [("Site B", "partner-b"), ("Site A", "partner-a"), ("Site A", "residents-a")]


def test_a_site_filter_leaves_other_sites_out_of_every_kind_of_row(project, coded):  # noqa: F811
    with project.session() as session:
        sites = build_matrix(session, rows="site", filters={"site": "Site A"})
        types = build_matrix(session, rows="type", filters={"site": "Site B"})
        sources = build_matrix(session, rows="source", filters={"site": "Site A"})
        residents = build_matrix(session, rows="site", filters={"type": "resident"})
    assert [row.label for row in sites.rows] == ["Site A"]
    assert [row.label for row in types.rows] == ["partner"]
    assert sorted(row.label for row in sources.rows) == ["partner-a", "residents-a"]
    assert [row.label for row in residents.rows] == ["Site A"]
    # The rows shown still hold their whole count: Site A's passages are Sam's, Ann's and Bob's.
    site_a = sites.rows[0].id
    assert sites.row_totals[site_a].passages == 6


def test_a_method_filter_keeps_only_the_sites_and_types_that_speak_there(project, coded):  # noqa: F811
    with project.session() as session:
        focus_groups = build_matrix(session, rows="type", filters={"method": "focus-group"})
        sites = build_matrix(session, rows="site", filters={"method": "focus-group"})
    assert [row.label for row in focus_groups.rows] == ["resident"]
    assert [row.label for row in sites.rows] == ["Site A"]


def test_every_theme_a_column_counts_each_at_its_own_level(project, coded):  # noqa: F811
    with project.session() as session:
        matrix = build_matrix(session, depth=None)
    assert [c.path for c in matrix.columns] == [
        "Facilitators", "Facilitators/Meetings", "Facilitators/Leadership", "Barriers", "Benefits",
    ]
    cells = table(matrix)
    # The parent counts its sub-themes (as at depth 1), not only what was coded to it directly.
    assert cells[("Sam", "Facilitators")] == (2, 1, 13, 72.22)
    assert cells[("Kit", "Facilitators")] == (1, 1, 7, 100.0)
    assert cells[("Sam", "Facilitators/Meetings")] == (1, 1, 8, 44.44)
    assert cells[("Sam", "Facilitators/Leadership")] == (2, 1, 13, 72.22)
    sam = next(row.id for row in matrix.rows if row.label == "Sam")
    assert matrix.cell(sam, coded.themes["Facilitators"]).summary == "Monthly tasking; strong manager."
    assert matrix.column_totals[coded.themes["Facilitators"]].passages == 3
    assert matrix.row_totals[sam].passages == 3
