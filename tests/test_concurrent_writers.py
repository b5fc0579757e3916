"""Several programs writing one project file at once wait for each other instead of failing.

Four coders each run ``charter code`` 200 times on the same SQLite file at the same
moment, as four separate processes. Every coding must be stored and every command must
succeed: a writer that finds the file busy waits its turn (``BEGIN IMMEDIATE`` with the
busy timeout) rather than failing with "database is locked". One whose wait runs out
hears, in one line, that the project is busy, and nothing is written.
"""

from __future__ import annotations

import io
import multiprocessing
import sqlite3
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from sqlalchemy import func, select

from app.cli import main
from framework.codebook import add_theme
from importers.service import import_files
from models import AuditEntry, Coding, Theme
from models.project import create_project, open_project

WORKERS = 4
CODINGS_EACH = 200
LABEL = "Sam: "  # the speaker's label stays in the text, before the first word
WORD = 5  # every word of the transcript is four characters and a space


def make_study(folder: Path) -> Path:
    """A project with one transcript of 200 four-letter words and a theme per coder."""
    path = folder / "shared.charter"
    transcript = folder / "interview.txt"
    words = " ".join(f"w{n:03d}" for n in range(CODINGS_EACH))
    transcript.write_text(f"{LABEL}{words}\n", encoding="utf-8")
    with create_project(path) as project:
        [result] = import_files(project, [transcript]).results
        assert result.status == "imported"
        with project.transaction("themes") as session:
            for worker in range(WORKERS):
                add_theme(session, f"Theme {worker}")
    return path


def word_span(n: int) -> tuple[int, int]:
    """The n-th word: codings of consecutive words do not touch, so none merge."""
    start = len(LABEL) + n * WORD
    return start, start + WORD - 1


def code_many(project: str, worker: int, barrier, results) -> None:
    """One coder's process: ``charter code`` 200 times, as the command line runs it
    (argument parsing, open, one transaction, close), each call a separate open."""
    failures: list[str] = []
    barrier.wait()
    for n in range(CODINGS_EACH):
        start, end = word_span(n)
        err = io.StringIO()
        try:
            with redirect_stdout(io.StringIO()), redirect_stderr(err):
                status = main(["code", project, "--source", "interview", "--theme", f"Theme {worker}",
                               "--start", str(start), "--end", str(end), "--coder", f"coder {worker}"])
        except Exception as error:  # what the user would have seen as a traceback
            failures.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
            continue
        if status != 0:
            failures.append(err.getvalue().strip())
    results.put((worker, failures))


def test_four_processes_coding_one_file_at_once_all_succeed(tmp_path):
    path = make_study(tmp_path)
    # A fresh, single-threaded server process forks the coders: safe wherever this test
    # runs (unlike forking pytest itself), and the modules are imported only once.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [context.Process(target=code_many, args=(str(path), worker, barrier, results))
                 for worker in range(WORKERS)]
    for process in processes:
        process.start()
    reports = dict(results.get(timeout=180) for _ in processes)
    for process in processes:
        process.join(30)

    failures = [f"coder {worker}: {failure}" for worker, failed in sorted(reports.items()) for failure in failed]
    assert failures == [], f"{len(failures)} of {WORKERS * CODINGS_EACH} codings failed, e.g. {failures[:3]}"
    with open_project(path) as project, project.session() as session:
        assert session.scalar(select(func.count(Coding.id))) == WORKERS * CODINGS_EACH
        for worker in range(WORKERS):
            starts = session.scalars(select(Coding.start).join(Theme, Theme.id == Coding.theme_id)
                                     .where(Theme.name == f"Theme {worker}"))
            assert sorted(starts) == [word_span(n)[0] for n in range(CODINGS_EACH)]


def test_a_command_that_waits_too_long_says_the_project_is_busy_in_one_line(tmp_path, monkeypatch, capsys):
    path = make_study(tmp_path)
    monkeypatch.setattr("models.engine.SQLITE_BUSY_TIMEOUT_MS", 200)
    with open_project(path) as project, project.session() as session:
        audit_before = session.scalar(select(func.count(AuditEntry.id)))
    other_writer = sqlite3.connect(path, isolation_level=None)
    try:
        other_writer.execute("BEGIN IMMEDIATE")
        status = main(["code", str(path), "--source", "interview", "--theme", "Theme 0",
                       "--start", "5", "--end", "9", "--coder", "someone new"])
    finally:
        other_writer.close()
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("charter: ") and "busy" in err
    assert str(path) in err
    with open_project(path) as project, project.session() as session:
        assert session.scalar(select(func.count(Coding.id))) == 0
        assert session.scalar(select(func.count(AuditEntry.id))) == audit_before
