"""The framework matrix, with numbers worked out by hand from ``tests/framework/study.py``.

Spoken words (interviewers left out): Sam 18, Ann 13, Bob 4, Kit 7.
The same expectations hold on SQLite and PostgreSQL (the ``project`` fixture runs both).
"""

from __future__ import annotations

import pytest

from framework.coding import apply_coding
from framework.errors import CharterError
from framework.matrix import build_matrix
from framework.summaries import save_summary
from tests.framework.study import build_study


@pytest.fixture
def coded(project, tmp_path):
    study = build_study(project, tmp_path)
    t, s = study.themes, study.sources
    with project.transaction("code") as session:
        def code(source, phrase, theme, coder=study.coder):
            start, end = study.span(session, source, phrase)
            return apply_coding(session, s[source], t[theme], start, end, coder).result_id

        meeting = "We meet every month at the tasking meeting."
        code("partner-a", meeting, "Facilitators/Meetings")
        code("partner-a", meeting, "Facilitators/Meetings", study.other_coder)  # same passage, 2nd coder
        code("partner-a", meeting, "Facilitators/Leadership")  # same passage, sibling sub-theme
        code("partner-a", "Leadership from the manager helps.", "Facilitators/Leadership")
        code("partner-a", "Funding cuts hurt us badly.", "Barriers")
        code("residents-a", "Safer than before. The patrols are visible.", "Benefits")
        code("residents-a", "Funding cuts closed the youth club.", "Barriers")
        code("residents-a", "I feel safer too.", "Benefits")
        code("residents-a", "How safe does the area feel?", "Benefits")  # the moderator: never counted
        code("partner-b", "We share data weekly with the council.", "Facilitators")
        save_summary(session, study.people["Sam"], t["Facilitators"], "Monthly tasking; strong manager.",
                     author_id=study.coder, expected_version=None)
    return study


def table(matrix):
    labels = {row.id: row.label for row in matrix.rows}
    paths = {column.id: column.path for column in matrix.columns}
    return {
        (labels[cell.row], paths[cell.column]): (cell.passages, cell.sources, cell.words, cell.coverage)
        for cell in matrix.cells.values() if cell.passages
    }


def test_participant_matrix_counts_each_passage_once(project, coded):
    with project.session() as session:
        matrix = build_matrix(session)
    assert [(row.label, row.group) for row in matrix.rows] == [
        ("Sam", "Site A / partner"), ("Ann", "Site A / resident"), ("Bob", "Site A / resident"),
        ("Kit", "Site B / partner"),
    ]
    assert [c.path for c in matrix.columns] == ["Facilitators", "Barriers", "Benefits"]
    assert table(matrix) == {
        ("Sam", "Facilitators"): (2, 1, 13, 72.22),
        ("Sam", "Barriers"): (1, 1, 5, 27.78),
        ("Ann", "Barriers"): (1, 1, 6, 46.15),
        ("Ann", "Benefits"): (1, 1, 7, 53.85),
        ("Bob", "Benefits"): (1, 1, 4, 100.0),
        ("Kit", "Facilitators"): (1, 1, 7, 100.0),
    }
    by_label = {row.label: row.id for row in matrix.rows}
    totals = {label: (matrix.row_totals[i].passages, matrix.row_totals[i].words, matrix.row_totals[i].coverage)
              for label, i in by_label.items()}
    assert totals == {"Sam": (3, 18, 100.0), "Ann": (2, 13, 100.0), "Bob": (1, 4, 100.0), "Kit": (1, 7, 100.0)}
    columns = {c.path: (matrix.column_totals[c.id].passages, matrix.column_totals[c.id].sources,
                        matrix.column_totals[c.id].words) for c in matrix.columns}
    assert columns == {"Facilitators": (3, 2, 20), "Barriers": (2, 2, 11), "Benefits": (2, 1, 11)}
    sam = matrix.cell(by_label["Sam"], coded.themes["Facilitators"])
    assert (sam.summary, sam.status) == ("Monthly tasking; strong manager.", "draft")


def test_deeper_columns_and_a_parent_coded_directly(project, coded):
    with project.session() as session:
        matrix = build_matrix(session, depth=2)
    assert [c.path for c in matrix.columns] == [
        "Facilitators", "Facilitators/Meetings", "Facilitators/Leadership", "Barriers", "Benefits",
    ]
    cells = table(matrix)
    assert cells[("Sam", "Facilitators/Meetings")] == (1, 1, 8, 44.44)
    assert cells[("Sam", "Facilitators/Leadership")] == (2, 1, 13, 72.22)
    assert cells[("Kit", "Facilitators")] == (1, 1, 7, 100.0)
    assert ("Sam", "Facilitators") not in cells


@pytest.mark.parametrize("rows, expected", [
    ("site", {("Site A", "Facilitators"): (2, 1, 13, 37.14), ("Site A", "Barriers"): (2, 2, 11, 31.43),
              ("Site A", "Benefits"): (2, 1, 11, 31.43), ("Site B", "Facilitators"): (1, 1, 7, 100.0)}),
    ("type", {("partner", "Facilitators"): (3, 2, 20, 80.0), ("partner", "Barriers"): (1, 1, 5, 20.0),
              ("resident", "Barriers"): (1, 1, 6, 35.29), ("resident", "Benefits"): (2, 1, 11, 64.71)}),
    ("source", {("partner-a", "Facilitators"): (2, 1, 13, 72.22), ("partner-a", "Barriers"): (1, 1, 5, 27.78),
                ("residents-a", "Barriers"): (1, 1, 6, 35.29), ("residents-a", "Benefits"): (2, 1, 11, 64.71),
                ("partner-b", "Facilitators"): (1, 1, 7, 100.0)}),
])
def test_other_row_kinds(project, coded, rows, expected):
    with project.session() as session:
        assert table(build_matrix(session, rows=rows)) == expected


def test_filters_and_grouping(project, coded):
    with project.session() as session:
        site_b = build_matrix(session, filters={"site": "Site B"})
        residents = build_matrix(session, filters={"type": "resident"}, group_by=("type",))
        focus_groups = build_matrix(session, filters={"method": "focus-group"})
        assert [row.label for row in site_b.rows] == ["Kit"]
        assert [(row.label, row.group) for row in residents.rows] == [("Ann", "resident"), ("Bob", "resident")]
        assert [row.label for row in focus_groups.rows] == ["Ann", "Bob"]
        assert table(focus_groups)[("Ann", "Benefits")] == (1, 1, 7, 53.85)
        with pytest.raises(CharterError, match="no attribute 'Funding model'"):
            build_matrix(session, filters={"Funding model": "stable"})


def test_json_shape_is_the_scripting_interface(project, coded):
    with project.session() as session:
        data = build_matrix(session).as_json()
    assert set(data) == {"rows", "columns", "cells", "row_totals", "column_totals"}
    assert set(data["rows"][0]) == {"id", "label", "site", "type", "group"}
    assert set(data["columns"][0]) == {"id", "path"}
    assert set(data["cells"][0]) == {"row", "column", "passages", "sources", "words", "coverage", "summary", "status"}


def test_the_cell_table_behaves_as_a_mapping_of_cells():
    """Cells are kept as arrays and made into objects when asked for; a cell once asked
    for (or added) keeps its changes, and removed cells are gone."""
    import numpy as np

    from framework.matrix import CellTable, MatrixCell

    rows, columns = [10, 11], [7, 8, 9]
    keys = np.array([1, 3, 5])  # (10, 8), (11, 7), (11, 9)
    counts = (np.array([2, 1, 4]), np.array([1, 1, 2]), np.array([30, 12, 55]), np.array([5.5, 2.0, 9.25]))
    table = CellTable(rows, columns, keys, counts)
    assert list(table) == [(10, 8), (11, 7), (11, 9)] and len(table) == 3
    assert table[(11, 9)] == MatrixCell(11, 9, 4, 2, 55, 9.25)
    assert (10, 7) not in table and table.get((10, 7)) is None and (99, 7) not in table
    table[(11, 9)].summary = "Charted"
    assert table[(11, 9)].summary == "Charted"
    added = table.setdefault((10, 9), MatrixCell(10, 9))
    assert added is table[(10, 9)] and len(table) == 4
    del table[(10, 8)]
    assert (10, 8) not in table and [k for k in table] == [(11, 7), (11, 9), (10, 9)]
