"""The ``charter`` command line, driven as a user would drive it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from models.migrations import head_revision
from models import Source
from models.project import open_project


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_info_check_on_the_study_template(tmp_path, capsys):
    path = str(tmp_path / "p.charter")
    code, out, _ = run(capsys, "new", path, "--template", "neighbourhood-policing")
    assert code == 0 and "themes" in out

    code, out, _ = run(capsys, "info", path, "--json")
    info = json.loads(out)
    assert code == 0
    assert info["themes"] >= 20
    assert info["sources"] == info["codings"] == info["words"] == 0
    assert info["schema_version"] == head_revision()
    assert info["name"] == "p"

    code, out, _ = run(capsys, "check", path)
    assert code == 0 and "no problems" in out


def test_info_counts_what_is_stored(tmp_path, capsys):
    path = tmp_path / "p.charter"
    run(capsys, "new", str(path))
    with open_project(path) as project, project.transaction("add") as session:
        session.add(Source(name="one", text="Five words are right here."))
        session.add(Source(name="two", text="And three more."))
    code, out, _ = run(capsys, "info", str(path), "--json")
    info = json.loads(out)
    assert (info["sources"], info["words"], info["themes"]) == (2, 8, 3)
    code, out, _ = run(capsys, "info", str(path))
    assert "Words" in out and " 8" in out


def test_check_reports_a_coding_outside_its_source(tmp_path, capsys):
    path = tmp_path / "damaged.charter"
    run(capsys, "new", str(path))
    with open_project(path) as project, project.transaction("add") as session:
        session.add(Source(name="short", text="Short text."))
    # Damage the file the way another program could: bypass Charter's triggers.
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER codings_span_within_source_insert")
        connection.execute("INSERT INTO coders (name, initials, colour, created_at) "
                           "VALUES ('x', 'x', '#000000', CURRENT_TIMESTAMP)")
        connection.execute(
            'INSERT INTO codings (source_id, theme_id, coder_id, start, "end", memo, '
            "created_at, updated_at) VALUES (1, 1, 1, 2, 500, '', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)"
        )
    connection.close()
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert "coding 1 lies outside its source 1 (span 2–500, text length 11)" in err


def test_errors_are_one_sentence_and_exit_non_zero(tmp_path, capsys):
    junk = tmp_path / "junk.charter"
    junk.write_bytes(os.urandom(2048))
    code, out, err = run(capsys, "info", str(junk))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(junk) in err

    code, _, err = run(capsys, "new", str(junk))
    assert code == 1 and "already exists" in err


def test_new_with_an_unknown_template_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "p.charter"
    with pytest.raises(SystemExit) as exit_:
        main(["new", str(path), "--template", "nope"])
    assert exit_.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err
    assert not path.exists()


def test_installed_console_script_runs(tmp_path):
    charter = Path(sys.executable).with_name("charter")
    path = tmp_path / "p.charter"
    created = subprocess.run([charter, "new", str(path)], capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    info = subprocess.run([charter, "info", str(path), "--json"], capture_output=True, text=True)
    assert json.loads(info.stdout)["themes"] == 3


def test_check_reports_speaker_segments_out_of_step(tmp_path, capsys):
    from framework.coders import ensure_coder
    from framework.codebook import find_theme
    from framework.coding import apply_coding

    path = tmp_path / "p.charter"
    run(capsys, "new", str(path))
    with open_project(path) as project, project.transaction("code") as session:
        session.add(Source(name="s", text="Interviewer: Why?\nJo: Because we meet."))
        session.flush()
        coder = ensure_coder(session, "Alex")
        first = apply_coding(session, 1, find_theme(session, "Barriers").id, 23, 30, coder).result_id
        second = apply_coding(session, 1, find_theme(session, "Benefits").id, 23, 30, coder).result_id
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE coding_segments SET theme_id = 1 WHERE coding_id = ?", (first,))
        connection.execute("DELETE FROM coding_segments WHERE coding_id = ?", (second,))
    connection.close()
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert f"disagrees with its coding {first} (theme, source or span)" in err
    assert f"coding {second} has no speaker segments" in err


def test_check_reports_coded_text_no_matrix_row_counts(tmp_path, capsys):
    """An imported prose file coded is healthy; a passage coded in a preamble (nobody's
    turn, as files without speaker labels were stored before) is named with its source."""
    from framework.coders import ensure_coder
    from framework.codebook import find_theme
    from framework.coding import apply_coding
    from models import Turn

    path = tmp_path / "p.charter"
    run(capsys, "new", str(path))
    (tmp_path / "answers.txt").write_text("We moved here in spring.\nOur street is quiet again.\n")
    assert run(capsys, "import", str(path), str(tmp_path / "answers.txt"), "--site", "Site A")[0] == 0
    assert run(capsys, "code", str(path), "--source", "answers", "--theme", "Barriers",
               "--start", "0", "--end", "40")[0] == 0
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and "no problems found" in out

    text = "Observation, 12 March\nThe sergeant chaired."
    with open_project(path) as project, project.transaction("old-style source") as session:
        source = Source(name="Observation 12 March", text=text)
        session.add(source)
        session.flush()
        session.add(Turn(source_id=source.id, participant_id=None, start=0, end=len(text)))
        session.flush()
        coder = ensure_coder(session, "Alex")
        apply_coding(session, source.id, find_theme(session, "Benefits").id, 22, 34, coder)  # "The sergeant"
        source_id = source.id
    code, _, err = run(capsys, "check", str(path))
    assert code == 1
    assert (f"source {source_id} “Observation 12 March” has coded text that no matrix row counts: "
            "12 characters of 1 coding(s) lie in no participant's or interviewer's turn") in err
