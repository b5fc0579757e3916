"""File ▸ Export ▸ Matrix as CSV on the demo study: every charted summary is in the
file, in its own participant × theme cell, whatever level of the framework it sits at.

The export once built the matrix at the top level only, while the demo's summaries sit
on sub-themes, so the file held none of them (issue #9).
"""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

import app.main_window
from app.demo import build_demo_project
from framework.codebook import theme_paths
from models import Participant, Summary
from models.project import open_project


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.charter"
    build_demo_project(path).close()
    return path


def test_the_matrix_csv_holds_every_summary_in_its_cell(window, demo_path, tmp_path, monkeypatch):
    with open_project(demo_path) as project, project.session() as session:
        paths = theme_paths(session)
        expected = {(name, paths[theme_id], text) for name, theme_id, text in session.execute(
            select(Participant.name, Summary.theme_id, Summary.text).join(Participant))}
    assert len(expected) == 53  # the demo's summaries, at the top level and below it

    out = tmp_path / "matrix.csv"
    monkeypatch.setattr(app.main_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "CSV (*.csv)"))
    monkeypatch.setattr(app.main_window, "show_error", lambda *args: pytest.fail(f"export failed: {args}"))
    assert window.open_location(str(demo_path))
    window.export_matrix_action.trigger()

    with out.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.DictReader(stream))
    exported = {(line["row"], line["theme"], line["summary"]) for line in lines if line["summary"]}
    assert exported == expected
    # Every theme is a column once for every participant, parents counting their sub-themes.
    themes_per_row = {}
    for line in lines:
        themes_per_row.setdefault(line["row_id"], []).append(line["theme"])
    assert all(sorted(themes) == sorted(paths.values()) for themes in themes_per_row.values())
