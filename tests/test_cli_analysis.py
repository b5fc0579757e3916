"""The analysis commands end to end, on a project made the way a researcher makes one."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.cli import main
from tests.framework.study import PARTNER_A, PARTNER_B, RESIDENTS_A


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHARTER_CODER", "Alex Coder")
    path = tmp_path / "study.charter"
    assert run(capsys, "new", path, "--template", "neighbourhood-policing")[0] == 0
    for name, text, site, kind in (("partner-a", PARTNER_A, "Site A", "partner agency"),
                                   ("residents-a", RESIDENTS_A, "Site A", "resident"),
                                   ("partner-b", PARTNER_B, "Site B", "partner agency")):
        (tmp_path / f"{name}.txt").write_text(text)
        assert run(capsys, "import", path, tmp_path / f"{name}.txt", "--site", site, "--type", kind)[0] == 0
    return path


def offsets(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_code_matrix_summary_and_uncode(project, capsys):
    start, end = offsets(PARTNER_A, "Funding cuts hurt us badly.")
    code, out, _ = run(capsys, "code", project, "--source", "partner-a", "--theme", "Barriers/Public spending cuts",
                       "--start", start, "--end", end)
    assert code == 0
    coding_id = int(out)
    a, b = offsets(PARTNER_A, "Leadership from the manager helps.")
    run(capsys, "code", project, "--source", "partner-a", "--theme", "Facilitators/Strong leadership and commitment",
        "--start", a, "--end", b)
    code, out, _ = run(capsys, "matrix", project, "--format", "json")
    matrix = json.loads(out)
    paths = {c["id"]: c["path"] for c in matrix["columns"]}
    labels = {r["id"]: r["label"] for r in matrix["rows"]}
    cells = {(labels[c["row"]], paths[c["column"]]): (c["passages"], c["words"]) for c in matrix["cells"]}
    assert cells == {("Sam", "Barriers"): (1, 5), ("Sam", "Facilitators"): (1, 5)}
    assert [r["group"] for r in matrix["rows"]] == ["Site A / partner agency", "Site A / resident",
                                                   "Site A / resident", "Site B / partner agency"]

    code, out, _ = run(capsys, "matrix", project)
    assert code == 0
    lines = out.splitlines()
    assert lines[3] == "Site A / partner agency" and lines[4].split()[0] == "Sam"
    assert "1 (28%)" in lines[4]  # 5 of Sam's 18 spoken words

    code, out, _ = run(capsys, "summary", project, "--row", "Site A/Sam", "--theme", "Barriers",
                       "--text", f"Cuts hurt [[C{coding_id}]].")
    assert code == 0 and "version 1, 1 citation(s)" in out
    code, out, _ = run(capsys, "matrix", project, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    sam_barriers = next(r for r in rows if r["row"] == "Sam" and r["theme"] == "Barriers")
    assert (sam_barriers["passages"], sam_barriers["summary"]) == ("1", f"Cuts hurt [[C{coding_id}]].")

    code, out, _ = run(capsys, "uncode", project, "--source", "partner-a", "--theme", "Barriers/Public spending cuts",
                       "--start", start, "--end", start + 8)
    assert code == 0 and "Removed 1 coding(s); 1 remain" in out


def test_themes_commands(project, capsys):
    code, out, _ = run(capsys, "themes", project, "--json")
    tree = json.loads(out)
    assert [node["path"] for node in tree][:2] == ["Partnership arrangements", "Information sharing"]
    assert set(tree[0]) == {"id", "path", "name", "colour", "children"}
    assert run(capsys, "themes", "add", project, "Emerging", "--parent", "Barriers")[0] == 0
    assert run(capsys, "themes", "rename", project, "Barriers/Emerging", "Emerging issues")[0] == 0
    assert run(capsys, "themes", "move", project, "Barriers/Emerging issues", "--to", "/")[0] == 0
    code, out, _ = run(capsys, "themes", "merge", project, "Emerging issues", "--into", "Barriers")
    assert code == 0 and "Merged" in out
    code, _, err = run(capsys, "themes", "delete", project, "Nope")
    assert code == 1 and err == "charter: There is no theme 'Nope' in this project.\n"
    code, out, _ = run(capsys, "themes", project)
    assert "Emerging" not in out and out.splitlines()[0].startswith("Partnership arrangements")


def test_autocode_dry_run_then_apply(project, capsys):
    code, out, _ = run(capsys, "autocode", project, "--theme", "Benefits for residents", "--type", "resident",
                       "--dry-run")
    assert code == 0 and out.strip() == "Would code 3 passage(s) in 1 source(s) with 'Benefits for residents'."
    code, out, _ = run(capsys, "autocode", project, "--theme", "Benefits for residents", "--type", "resident")
    assert code == 0 and out.startswith("Coded 3 passage(s) in 1 source(s)")
    code, out, _ = run(capsys, "info", project, "--json")
    assert json.loads(out)["codings"] == 3


def test_search_and_freq(project, capsys):
    code, out, _ = run(capsys, "search", project, '"funding cuts"', "--json")
    hits = json.loads(out)
    assert {(h["source"], h["speaker"], h["site"], h["type"]) for h in hits} == {
        ("partner-a", "Sam", "Site A", "partner agency"), ("residents-a", "Ann", "Site A", "resident")}
    assert all(set(h) == {"source", "start", "end", "speaker", "site", "type", "context"} for h in hits)
    code, _, err = run(capsys, "search", project, '"unclosed')
    assert code == 1 and err.count("\n") == 1
    code, out, _ = run(capsys, "freq", project, "--by", "type", "--json")
    table = json.loads(out)
    assert dict(table["resident"])["safer"] == 2
