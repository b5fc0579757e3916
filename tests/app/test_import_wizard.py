"""The import wizard and the background jobs under it, with real widgets, real files and
a real project: what each page shows, what lands in the database, and that the GUI
thread is never the one doing the work."""

from __future__ import annotations

import gc
import threading
import time
import warnings
from pathlib import Path

import docx
import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWizard
from sqlalchemy import func, select

import importers.service
import app.workers
from app.qtmodels.import_models import PathListModel, PreviewModel, ResultsModel
from app.widgets.import_wizard import ImportWizard
from app.workers import Cancelled, Job, JobProgressDialog, run_with_progress, running_jobs
from importers.preview import preview_files
from importers.service import ImportOptions
from models import Participant, Site, Source, Turn

OFFICER_INTERVIEW = """\
Interviewer: How did the tasking meetings change things?
Karen Price: We finally saw the same list of problems as the council did.
Interviewer: What got in the way?
Karen Price: Shift patterns. Half the team never made a single meeting.
"""

PCSO_GROUP = [
    ("Moderator", "What does a good week look like?"),
    ("Tom Reed", "Knowing the shopkeepers by name."),
    ("Priya Shah", "Getting out of the car and walking the estate."),
    ("Moderator", "And a bad week?"),
    ("Tom Reed", "Covering response shifts all week."),
    ("Dev Patel", "Same for me, mostly paperwork."),
]

TEAMS_VTT = """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Interviewer>Thanks for making time today.</v>

00:00:03.500 --> 00:00:06.000
<v Lena Ortiz>No problem, happy to help.</v>

00:00:06.500 --> 00:00:09.000
<v Lena Ortiz>The housing team shares data weekly now.</v>
"""


def three_transcripts(folder: Path) -> list[Path]:
    """A .txt with Name: labels, a Word file with bold labels, and a Teams .vtt."""
    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / "officer-interview.txt"
    txt.write_text(OFFICER_INTERVIEW, encoding="utf-8")
    word = folder / "pcso-group.docx"
    document = docx.Document()
    for speaker, words in PCSO_GROUP:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{speaker}:").bold = True
        paragraph.add_run(f" {words}")
    document.save(word)
    vtt = folder / "partner-call.vtt"
    vtt.write_text(TEAMS_VTT, encoding="utf-8")
    return [txt, word, vtt]


def numbered_transcripts(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number in range(count):
        path = folder / f"resident-{number:02d}.txt"
        path.write_text(
            f"Interviewer: How long have you lived on the estate, resident {number}?\n"
            f"R: About {number + 2} years now.\n"
            "Interviewer: And has policing changed?\n"
            f"R: Much more visible since the {number}th of the month.\n", encoding="utf-8")
        files.append(path)
    return files


@pytest.fixture
def wizard(qtbot, workspace):
    opened = ImportWizard(workspace)
    qtbot.addWidget(opened)
    opened.show()
    yield opened
    opened.cancel_preview()
    qtbot.waitUntil(lambda: not running_jobs(), timeout=10_000)  # no job outlives its project


def source_count(workspace) -> int:
    with workspace.read() as session:
        return session.scalar(select(func.count()).select_from(Source))


def model_rows(model, parent=None, columns=None) -> list[list[str]]:
    parent = parent if parent is not None else QModelIndex()
    columns = columns if columns is not None else range(model.columnCount(parent))
    return [[model.data(model.index(row, column, parent)) for column in columns]
            for row in range(model.rowCount(parent))]


def drop_on(view, paths: list[Path]) -> None:
    """A drag from a file manager: enter, then drop, on the list's viewport."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = view.viewport().rect().center()
    with warnings.catch_warnings():  # PySide marks this event's only constructor deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point, Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(point), Qt.DropAction.CopyAction | Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), drop)
    assert drop.isAccepted() and drop.dropAction() == Qt.DropAction.CopyAction  # never a move


# --- the whole way through ---------------------------------------------------------------

def test_three_formats_through_every_page(qtbot, wizard, workspace, tmp_path):
    txt, word, vtt = three_transcripts(tmp_path / "new")
    before = source_count(workspace)
    changes = []
    workspace.changed.connect(changes.append)
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    # Files: dropped from a file manager, and added by the method the Add buttons use.
    assert wizard.currentPage() is wizard.files_page and not next_button.isEnabled()
    drop_on(wizard.files_page.view, [txt, word])
    wizard.add_paths([vtt, txt])  # txt is listed already
    assert model_rows(wizard.paths_model, columns=[0, 1]) == [
        ["officer-interview.txt", "Plain text"], ["pcso-group.docx", "Word document"],
        ["partner-call.vtt", "WebVTT captions"],
    ]
    assert wizard.files_page.summary.text() == "3 transcripts to read."
    assert next_button.isEnabled()

    # Details: defaults for files no sheet describes.
    wizard.next()
    assert wizard.currentPage() is wizard.details_page
    assert [wizard.details_page.site.itemText(i) for i in range(wizard.details_page.site.count())] == ["", "Northfield"]
    wizard.details_page.site.setCurrentText("Eastbrook")
    wizard.details_page.participant_type.setCurrentText("police")
    assert next_button.isEnabled()

    # Preview: read off the GUI thread, then shown file by file with speakers.
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert wizard.preview_running and not wizard.preview_page.isComplete()
    qtbot.waitUntil(lambda: not wizard.preview_running, timeout=10_000)
    preview = wizard.preview_model
    assert model_rows(preview, columns=range(7)) == [
        ["officer-interview.txt", "Ready", "", "Karen Price · interviewer: Interviewer", "4", "40", "name-colon"],
        ["pcso-group.docx", "Ready", "", "Tom Reed, Priya Shah, Dev Patel · interviewer: Moderator", "6", "45",
         "bold-name"],
        ["partner-call.vtt", "Ready", "", "Lena Ortiz · interviewer: Interviewer", "2", "20", "captions"],
    ]
    assert model_rows(preview, preview.index(1, 0), columns=[0, 1, 4, 5]) == [
        ["Moderator", "Interviewer", "2", "11"],
        ["Tom Reed", "police", "2", "10"],
        ["Priya Shah", "police", "1", "9"],
        ["Dev Patel", "police", "1", "5"],
    ]
    moderator = preview.index(0, 0, preview.index(1, 0))
    assert preview.data(moderator, Qt.ItemDataRole.FontRole).italic()
    assert preview.data(moderator, Qt.ItemDataRole.ToolTipRole).endswith("an interviewer: present in the text, never counted.")
    assert model_rows(preview, columns=[7, 8])[1] == ["Eastbrook", "focus-group"]  # three speakers, guessed
    assert wizard.preview_page.summary.text() == "3 files ready to import (105 words)."
    assert source_count(workspace) == before  # a preview stores nothing
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.isEnabled() and commit.text() == "&Import"

    # Import: on the writer thread; the wizard moves to the results by itself.
    with qtbot.waitSignal(wizard.finished_import, timeout=20_000) as finished, \
            qtbot.waitSignal(wizard.imported) as imported:
        wizard.next()
        assert wizard.currentPage() is wizard.import_page
    report = finished.args[0]
    assert wizard.currentPage() is wizard.results_page
    assert model_rows(wizard.results_model, columns=[0, 1, 3]) == [
        ["officer-interview.txt", "Imported", "4"], ["pcso-group.docx", "Imported", "6"],
        ["partner-call.vtt", "Imported", "2"],
    ]
    assert wizard.results_page.summary.text() == "3 files imported (12 turns)."
    assert "delete its source" in wizard.results_page.undo_note.text()
    assert not wizard.results_page.warnings.isVisible()

    ids = imported.args[0]
    assert ids == [r.source_id for r in report.results]
    with workspace.read() as session:
        sources = session.execute(
            select(Source.id, Source.name, Site.name, Source.method, Source.imported_by_id)
            .join(Site, Site.id == Source.site_id).where(Source.id.in_(ids)).order_by(Source.id)
        ).all()
        assert [tuple(row[1:]) for row in sources] == [
            ("officer-interview", "Eastbrook", "interview", workspace.coder_id),
            ("pcso-group", "Eastbrook", "focus-group", workspace.coder_id),
            ("partner-call", "Eastbrook", "interview", workspace.coder_id),
        ]
        turns = session.execute(
            select(Turn.source_id, Participant.name, Participant.participant_type, Participant.is_interviewer)
            .join(Participant, Participant.id == Turn.participant_id)
            .where(Turn.source_id == ids[1]).order_by(Turn.start)
        ).all()
        assert [tuple(row[1:]) for row in turns] == [
            ("Moderator", None, True), ("Tom Reed", "police", False), ("Priya Shah", "police", False),
            ("Moderator", None, True), ("Tom Reed", "police", False), ("Dev Patel", "police", False),
        ]
        text = session.get(Source, ids[2]).text
        spoken = session.scalars(select(Turn.start).where(Turn.source_id == ids[2]).order_by(Turn.start)).all()
        assert text[spoken[1]:].startswith("No problem, happy to help.")
    assert changes[-1].kinds == {"sources", "attributes"} and changes[-1].source_ids == set(ids)
    assert workspace.undo_stack.count() == 0  # imports are not undone, sources are deleted
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()


def test_a_broken_file_fails_with_its_reason_and_the_others_import(qtbot, wizard, workspace, tmp_path):
    txt, _word, vtt = three_transcripts(tmp_path / "new")
    broken = tmp_path / "new" / "damaged.docx"
    broken.write_bytes(b"PK\x03\x04 the rest of this file was lost")
    wizard.add_paths([txt, broken, vtt])
    with qtbot.waitSignal(wizard.start_preview().done, timeout=10_000):
        pass
    assert model_rows(wizard.preview_model, columns=[0, 1, 2])[1] == [
        "damaged.docx", "Failed: skipped", "damaged.docx is damaged or truncated (it is not a complete .docx package).",
    ]
    assert wizard.preview_page.summary.property("error") is True
    assert wizard.preview_page.summary.text() == "2 files ready to import (60 words); 1 cannot be read, skipped."
    assert not wizard.preview_page.warnings.isVisible()

    with qtbot.waitSignal(wizard.finished_import, timeout=20_000) as finished:
        wizard.start_import()
    assert [r.status for r in finished.args[0].results] == ["imported", "failed", "imported"]
    assert model_rows(wizard.results_model, columns=[0, 1, 5])[1] == [
        "damaged.docx", "Failed", "damaged.docx is damaged or truncated (it is not a complete .docx package).",
    ]
    assert wizard.results_page.summary.text() == "2 files imported (6 turns); 1 failed."
    with workspace.read() as session:
        names = set(session.scalars(select(Source.name)))
    assert {"officer-interview", "partner-call"} <= names and "damaged" not in names


def test_cancelling_keeps_finished_files_and_no_partial_one(qtbot, wizard, workspace, tmp_path, monkeypatch):
    files = numbered_transcripts(tmp_path / "many", 10)
    original = importers.service._import_one
    worker_threads = set()

    def slow_import_one(*args, **kwargs):  # each file takes a while, so a cancel lands mid-batch
        worker_threads.add(threading.get_ident())
        result = original(*args, **kwargs)
        time.sleep(0.05)
        return result

    monkeypatch.setattr(importers.service, "_import_one", slow_import_one)
    before = source_count(workspace)
    wizard.add_paths(files)
    wizard.setStartId(ImportWizard.IMPORT)
    wizard.restart()  # straight to the import page: it starts the import itself
    job = wizard.import_job
    assert job is not None
    job.progress.connect(lambda *_: wizard.reject(), Qt.ConnectionType.SingleShotConnection)
    with qtbot.waitSignal(wizard.finished_import, timeout=20_000) as finished:
        pass
    report = finished.args[0]
    done = [r for r in report.results if r.status == "imported"]
    assert report.cancelled and 1 <= len(done) < 10 and len(report.results) == len(done)
    assert wizard.isVisible()  # Cancel during an import stops it, and stays to show what was kept
    assert wizard.currentPage() is wizard.results_page
    assert wizard.results_page.summary.text().startswith("Import cancelled: ")
    assert threading.get_ident() not in worker_threads
    with workspace.read() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == before + len(done)
        per_source = dict(session.execute(
            select(Turn.source_id, func.count()).where(Turn.source_id.in_([r.source_id for r in done]))
            .group_by(Turn.source_id)).all())
    assert per_source == {r.source_id: 4 for r in done}  # every stored source is whole


def test_a_bad_sheet_shows_its_error_and_blocks_next(qtbot, wizard, tmp_path):
    wizard.add_paths(three_transcripts(tmp_path / "new"))
    wizard.next()
    page = wizard.details_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("name,site\nofficer-interview.txt,Eastbrook\n", encoding="utf-8")
    page.sheets["attributes"].set_path(sheet)
    status = page.findChild(QLabel, "attributes_sheet_status")
    assert status.text() == "attributes sheet attributes.csv has no 'file' column; its columns are: name, site."
    assert status.property("error") is True
    assert not page.isComplete() and not next_button.isEnabled()

    sheet.write_text("file,site,Funding model\nofficer-interview.txt,Eastbrook,Mainstream\n", encoding="utf-8")
    page.sheets["attributes"].set_path(sheet)
    assert status.text() == "1 file described; other columns become source attributes: Funding model."
    assert next_button.isEnabled()

    page.patterns.setPlainText("(?P<name>[A-Z]+)>\n[unclosed")
    assert page.patterns_status.text().startswith("Speaker pattern '[unclosed' is not a valid regular expression")
    assert not next_button.isEnabled()
    page.patterns.setPlainText("(?P<name>[A-Z]+)>")
    assert page.patterns_status.text() == "1 pattern, all valid." and next_button.isEnabled()
    options = wizard.options()
    assert (options.attributes_sheet, options.speaker_patterns) == (sheet, ["(?P<name>[A-Z]+)>"])

    # A sheet row naming no listed file is a typo the preview points out before importing.
    sheet.write_text("file,site\nofficer-interview.txt,Eastbrook\nofficer-interveiw.txt,Eastbrook\n",
                     encoding="utf-8")
    page.sheets["attributes"].set_path(sheet)
    page.patterns.clear()
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.preview_running, timeout=10_000)
    warnings = wizard.preview_page.warnings
    assert warnings.isVisible() and warnings.toPlainText() == (
        "Attributes sheet attributes.csv: entries for 1 file(s) match no imported file: officer-interveiw.txt.")
    assert model_rows(wizard.preview_model, columns=[0, 7])[0] == ["officer-interview.txt", "Eastbrook"]
    wizard.back()

    page.sheets["attributes"].clear_button.click()
    assert wizard.options().attributes_sheet is None and not status.isVisible()


# --- the files page ------------------------------------------------------------------------

def test_files_page_flags_what_cannot_be_imported_and_removes_by_keyboard(qtbot, wizard, tmp_path):
    folder = tmp_path / "batch"
    numbered_transcripts(folder, 3)
    (folder / "minutes.pdf.lnk").write_bytes(b"shortcut")
    old_word = tmp_path / "notes.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0")
    wizard.add_paths([folder, old_word])
    model, view = wizard.paths_model, wizard.files_page.view
    assert model_rows(model, columns=[0, 1]) == [
        ["batch", "Folder with 3 transcripts; 1 other file will be skipped"],
        ["notes.doc", ".doc: not a transcript type"],
    ]
    reason = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert reason.startswith("notes.doc has an unsupported file type .doc (save it as .docx first)")
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert wizard.files_page.summary.text() == (
        "3 transcripts to read. 1 item cannot be imported (shown in red; hover for why).")
    remove = wizard.files_page.findChild(QPushButton, "remove_files")
    assert not remove.isEnabled()
    view.setFocus()
    view.setCurrentIndex(model.index(1, 0))
    assert remove.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert model_rows(model, columns=[0]) == [["batch"]]
    view.setCurrentIndex(model.index(0, 0))
    remove.click()
    assert model.rowCount() == 0 and not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.files_page.summary.text() == "Nothing added yet."


def test_item_models_pass_the_model_tester(qtmodeltester, tmp_path):
    files = three_transcripts(tmp_path / "new")
    paths = PathListModel()
    paths.add(files + [tmp_path / "missing.txt"])
    qtmodeltester.check(paths)
    preview = PreviewModel()
    preview.set_previews(preview_files(files + [tmp_path / "missing.txt"], ImportOptions()))
    qtmodeltester.check(preview)
    results = ResultsModel()
    results.set_report(importers.service.ImportReport(
        [importers.service.FileResult("a.txt", "imported", 1, 4, ["I", "R"]),
         importers.service.FileResult("b.txt", "failed", error="b.txt is empty.")], []))
    qtmodeltester.check(results)


# --- background jobs -------------------------------------------------------------------------

def test_job_throttles_progress_and_delivers_the_result_on_the_gui_thread(qtbot):
    threads = []

    def work(progress, is_cancelled):
        threads.append(threading.get_ident())
        for done in range(2000):
            progress(done, 2000, f"item {done}")
            if done % 200 == 0:
                time.sleep(0.01)
        progress(2000, 2000, "")
        return "all done"

    job = Job(work)
    seen = []
    job.progress.connect(lambda *args: seen.append((time.monotonic(), args)))
    with qtbot.waitSignal(job.finished, timeout=10_000) as finished:
        job.start()
    assert finished.args == ["all done"] and job.result == "all done"
    qtbot.waitUntil(lambda: not running_jobs(), timeout=5_000)
    assert threads and threads[0] != threading.get_ident()
    assert 1 <= len(seen) < 20  # 2,000 reports in ~0.1 s become a handful
    assert seen[-1][1] == (2000, 2000, "")  # the last report always arrives, before the outcome
    gaps = [later - earlier for (earlier, _), (later, _) in zip(seen, seen[1:])]
    assert all(gap >= 0.045 for gap in gaps[:-1])  # the final one is flushed with the outcome


def test_job_failure_cancel_and_cancel_before_start(qtbot):
    def broken(progress, is_cancelled):
        raise ValueError("The sheet names no file.\nmore detail")

    job = Job(broken)
    with qtbot.waitSignal(job.failed, timeout=5_000) as failed:
        job.start()
    assert failed.args[0] == "The sheet names no file."
    assert "ValueError" in failed.args[1]

    started = threading.Event()

    def patient(progress, is_cancelled):
        started.set()
        while not is_cancelled():
            time.sleep(0.005)
        raise Cancelled()

    job = Job(patient)
    job.start()
    qtbot.waitUntil(started.is_set, timeout=5_000)
    with qtbot.waitSignal(job.cancelled, timeout=5_000), qtbot.waitSignal(job.done, timeout=5_000):
        job.cancel()
    assert not job.is_running

    never = Job(lambda progress, is_cancelled: pytest.fail("a job cancelled before it began must not run"))
    never.cancel()
    with qtbot.waitSignal(never.cancelled, timeout=5_000):
        never.start()


def test_a_writing_job_uses_its_own_session_on_the_shared_engine(qtbot, workspace):
    def rename(progress, is_cancelled):
        with workspace.project.transaction("rename site", coder_id=workspace.coder_id) as session:
            session.scalar(select(Site).where(Site.name == "Northfield")).name = "Northfield Estate"
        return threading.get_ident()

    job = Job(rename, writes=True)
    with qtbot.waitSignal(job.finished, timeout=5_000) as finished:
        job.start()
    assert finished.args[0] != threading.get_ident()
    with workspace.read() as session:
        assert session.scalars(select(Site.name)).all() == ["Northfield Estate"]


def test_run_with_progress_returns_the_result_and_reports_failure(qtbot, monkeypatch):
    ticks = []

    def work(progress, is_cancelled):
        for step in range(5):
            progress(step, 5, f"step {step}")
            time.sleep(0.02)
        return 42

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    assert run_with_progress(None, "Counting", work, minimum_duration_ms=0) == 42
    timer.stop()
    assert len(ticks) >= 5  # the GUI thread kept turning its event loop meanwhile

    shown = []
    monkeypatch.setattr(app.workers, "show_error", lambda parent, title, message, details: shown.append(
        (title, message, "OSError" in details)))

    def failing(progress, is_cancelled):
        raise OSError("disk full")

    assert run_with_progress(None, "Exporting", failing) is None
    assert shown == [("Exporting", "disk full", True)]


def test_run_with_progress_cancel_waits_for_the_job(qtbot):
    def patient(progress, is_cancelled):
        progress(0, 1, "waiting")
        while not is_cancelled():
            time.sleep(0.005)
        raise Cancelled()

    def press_cancel():
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, JobProgressDialog) and w.isVisible())
        dialog.reject()  # Escape: asks the job to stop, and the dialog stays until it has
        assert dialog.isVisible() and dialog.labelText().startswith("Cancelling")

    QTimer.singleShot(100, press_cancel)
    assert run_with_progress(None, "Waiting", patient, minimum_duration_ms=0) is None


def test_a_sheet_gone_by_import_time_stops_the_import_with_its_reason(qtbot, wizard, workspace, tmp_path):
    wizard.add_paths(three_transcripts(tmp_path / "new"))
    sheet = tmp_path / "sites.csv"
    sheet.write_text("site,Funding model\nEastbrook,Mainstream\n", encoding="utf-8")
    wizard.details_page.sheets["sites"].set_path(sheet)
    sheet.unlink()  # moved away after it was checked
    before = source_count(workspace)
    with qtbot.waitSignal(wizard.start_import().failed, timeout=10_000):
        pass
    assert wizard.import_page.error.text() == f"sites sheet {sheet} does not exist."
    assert wizard.report is None and not wizard.import_page.isComplete()
    assert source_count(workspace) == before
    wizard.reject()  # nothing is running: Cancel closes
    assert not wizard.isVisible()


def test_cycles_that_die_while_frozen_are_collected_once_the_app_is_idle(qtbot, monkeypatch):
    """Jobs keep the heap out of full collections; idle time hands it back, so garbage
    cycles made unreachable meanwhile are still reclaimed, not leaked."""
    import weakref

    monkeypatch.setattr(app.workers, "IDLE_COLLECT_MS", 50)

    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle
    alive = weakref.ref(cycle)
    job = Job(lambda progress, is_cancelled: time.sleep(0.05))
    with qtbot.waitSignal(job.done, timeout=5_000):
        job.start()
        del cycle  # unreachable now, but frozen with the heap the job set aside
        gc.collect()
        assert alive() is not None
    qtbot.waitUntil(lambda: alive() is None, timeout=5_000)
