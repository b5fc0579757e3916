"""`charter import`, `charter sources` and `charter text`: the stable scripting interface."""

from __future__ import annotations

import json

from app.cli import main

IMPORT_KEYS = {"file", "status", "source_id", "turns", "speakers", "encoding", "convention", "error", "notes"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json_then_sources_and_turns(tmp_path, capsys):
    project = tmp_path / "p.charter"
    run(capsys, "new", project)
    (tmp_path / "partner.txt").write_text("Interviewer: How do you share data?\nJo: Through the hub — 每周.\n")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, _ = run(capsys, "import", project, tmp_path / "partner.txt", tmp_path / "broken.docx",
                       "--site", "Site D", "--type", "partner agency", "--json")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # one file failed
    assert [set(r) for r in results] == [IMPORT_KEYS, IMPORT_KEYS]
    imported, failed = results
    assert imported["status"] == "imported" and imported["speakers"] == ["Interviewer", "Jo"]
    assert (imported["turns"], imported["encoding"], imported["convention"]) == (2, "utf-8", "name-colon")
    assert failed["status"] == "failed" and "broken.docx" in failed["error"]

    code, out, _ = run(capsys, "sources", project, "--json")
    [source] = json.loads(out)
    assert source == {"id": imported["source_id"], "name": "partner", "site": "Site D",
                      "method": "interview", "words": 11, "turns": 2, "speakers": ["Interviewer", "Jo"]}

    code, out, _ = run(capsys, "text", project, "partner", "--turns", "--json")
    turns = json.loads(out)
    code, text, _ = run(capsys, "text", project, str(imported["source_id"]))
    text = text[:-1]  # print() adds a newline
    assert [(t["speaker"], text[t["start"]:t["end"]]) for t in turns] == [
        ("Interviewer", "How do you share data?"), ("Jo", "Through the hub — 每周."),
    ]
    assert [(t["label"], t["participant_type"], t["interviewer"], t["timestamp"]) for t in turns] == [
        ("Interviewer", None, True, None), ("Jo", "partner agency", False, None),
    ]


def test_import_exits_zero_when_nothing_failed_and_duplicates_are_reported(tmp_path, capsys):
    project = tmp_path / "p.charter"
    run(capsys, "new", project)
    (tmp_path / "a.txt").write_text("Interviewer: One?\nAl: Two.")
    assert run(capsys, "import", project, tmp_path / "a.txt")[0] == 0
    code, out, _ = run(capsys, "import", project, tmp_path / "a.txt")
    assert code == 0
    assert "duplicate" in out and "0 imported, 1 duplicate, 0 failed." in out


def test_unknown_source_is_one_sentence(tmp_path, capsys):
    project = tmp_path / "p.charter"
    run(capsys, "new", project)
    code, out, err = run(capsys, "text", project, "nobody")
    assert code == 1 and out == "" and err == "charter: There is no source 'nobody' in this project.\n"


def test_bad_attributes_sheet_stops_the_import(tmp_path, capsys):
    project = tmp_path / "p.charter"
    run(capsys, "new", project)
    (tmp_path / "a.txt").write_text("Interviewer: One?\nAl: Two.")
    (tmp_path / "sheet.csv").write_text("name,site\na.txt,Site A\n")
    code, _, err = run(capsys, "import", project, tmp_path / "a.txt", "--attributes", tmp_path / "sheet.csv")
    assert code == 1 and "has no 'file' column" in err
    code, out, _ = run(capsys, "sources", project, "--json")
    assert json.loads(out) == []


def test_a_file_without_speaker_labels_is_one_participant_the_matrix_counts(tmp_path, capsys):
    project = tmp_path / "p.charter"
    run(capsys, "new", project)
    (tmp_path / "answers.txt").write_text("We moved here in spring.\n\nOur street is quiet again.\n")  # 5 + 5 words
    code, out, _ = run(capsys, "import", project, tmp_path / "answers.txt", "--site", "Site A",
                       "--type", "resident", "--json")
    [result] = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and (result["turns"], result["speakers"]) == (2, [])
    assert result["notes"] == ["No speaker labels found: all 10 words are treated as one participant, “answers”."]
    (tmp_path / "note.txt").write_text("Three partners came to the meeting.")  # 6 words
    code, out, _ = run(capsys, "import", project, tmp_path / "note.txt")
    assert code == 0
    assert "note: No speaker labels found: all 6 words are treated as one participant, “note”." in out

    code, out, _ = run(capsys, "text", project, "answers", "--turns", "--json")
    assert [(t["speaker"], t["participant_type"], t["start"], t["end"]) for t in json.loads(out)] == [
        ("answers", "resident", 0, 24), ("answers", "resident", 25, 51)]
    # "quiet again" (2 words) coded; the matrix counts it for the one participant: 2 of 10 words.
    assert run(capsys, "code", project, "--source", "answers", "--theme", "Barriers", "--start", 39,
               "--end", 50)[0] == 0
    code, out, _ = run(capsys, "matrix", project, "--format", "json")
    matrix = json.loads(out)
    row = next(r for r in matrix["rows"] if r["label"] == "answers")
    barriers = next(c["id"] for c in matrix["columns"] if c["path"] == "Barriers")
    [cell] = [c for c in matrix["cells"] if c["row"] == row["id"]]
    assert (row["site"], cell["column"], cell["passages"], cell["words"], cell["coverage"]) == (
        "Site A", barriers, 1, 2, 20.0)
