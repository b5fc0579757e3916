"""Bulk work off the GUI thread: throttled progress, cooperative cancel, result back on
the GUI thread.

A ``Job`` runs ``fn(progress, is_cancelled)`` on a pool thread. ``progress(done, total,
label)`` may be called as often as the work likes: the GUI hears at most one update per
``interval_ms`` (20 a second by default), always the latest, and never a stale one after
the job ends. ``is_cancelled()`` turns true once ``cancel()`` is called; the function
checks it between units of work (files, sources, index batches) and either returns what
it has (an import report marked cancelled) or raises ``Cancelled``. Whatever happens,
the job ends with exactly one of ``finished(result)``, ``failed(message, details)`` or
``cancelled()``, then ``done()``, all delivered on the GUI thread.

Jobs that write to the project run one at a time on a single writer thread
(``writes=True``), so two imports never fight over SQLite's write lock; read-only work
(previews, exports) runs on Qt's global pool. Database work inside a job opens its own
sessions from the project's engine: a file project's engine pools connections with
``check_same_thread`` off (SQLAlchemy's default for file databases), so each thread
checks out its own connection, and WAL lets the GUI read while a job writes.

Views that read in the background to show the latest state of the project (the
Sources, Extracts and Framework panes) use a ``LatestJob``: bursts of requests are
merged into one read, a read overtaken by a newer request is cancelled and its result
dropped, and only the newest request's result is delivered.

The GUI thread never waits for a job while it runs; ``wait_for_jobs`` exists for the
moment the application quits, after everything has been asked to cancel. While jobs run,
the heap that existed before them is kept out of Python's full garbage collections
(``_hold_heap``), which would otherwise stall the GUI thread for 100-200 ms at a time,
and handed back to the collector only when the app is idle (``collect_when_idle``).
"""

from __future__ import annotations

import gc
import logging
import operator
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    SIGNAL,
    SLOT,
    QCoreApplication,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.messages import show_error
from app.workspace import USER_ERRORS, one_sentence

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]
JobFunction = Callable[[Progress, IsCancelled], Any]

PROGRESS_INTERVAL_MS = 50  # at most 20 progress updates a second reach the GUI


class Cancelled(Exception):
    """Raised by a job's function to stop early with nothing to return."""


_writer_pool: QThreadPool | None = None
_running: set[Job] = set()  # keeps each job alive until its outcome reaches the GUI thread


def _hold_heap(job: Job) -> None:
    """While a job runs, every object that existed when it started is left out of
    Python's cyclic garbage collection (``gc.freeze``).

    A full collection holds the GIL while it walks every tracked object: with the GUI,
    SQLAlchemy and the readers loaded that is ~100,000 objects and 100-200 ms, a stall of
    the GUI thread whichever thread triggered it, and parsing a batch of Word files
    triggers several. Frozen, the collections a job causes walk only what it created
    (a few ms). Objects are only set aside, not kept: reference counting still frees
    them. The frozen heap is not handed back when the job ends — that would make the next
    full collection walk it all, mid-click — but in one go once the app has been idle a
    while (``collect_when_idle``).
    """
    gc.freeze()
    _running.add(job)


def _release_heap(job: Job) -> None:
    _running.discard(job)
    if not _running:
        collect_when_idle()


IDLE_COLLECT_MS = 4_000
_idle_timer: QTimer | None = None


def collect_when_idle() -> None:
    """Hand the frozen heap back to the collector, collect, and freeze what survives,
    once no job has run for ``IDLE_COLLECT_MS``: the one long collection then falls in
    a moment the user is not doing anything, and cycles of objects that died while
    frozen are still reclaimed."""
    global _idle_timer
    if QCoreApplication.instance() is None:
        return
    if _idle_timer is None:
        _idle_timer = QTimer()
        _idle_timer.setSingleShot(True)
        _idle_timer.timeout.connect(_collect_now)
    _idle_timer.start(IDLE_COLLECT_MS)


def _collect_now() -> None:
    if _running:
        return  # a job started since: it will ask again when it ends
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _pool(writes: bool) -> QThreadPool:
    global _writer_pool
    if not writes:
        return QThreadPool.globalInstance()
    if _writer_pool is None:
        _writer_pool = QThreadPool()
        _writer_pool.setObjectName("charter-writer")
        _writer_pool.setMaxThreadCount(1)
    return _writer_pool


class _Runner(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the job owns it
        self.job = job

    def run(self) -> None:
        self.job._work()


class Job(QObject):
    """One piece of bulk work. Create it on the GUI thread, connect, then ``start()``."""

    progress = Signal(int, int, str)  # done, total, what is being worked on now
    finished = Signal(object)  # the function's return value
    failed = Signal(str, str)  # one sentence, technical details
    cancelled = Signal()  # the function raised Cancelled, or was cancelled before it began
    done = Signal()  # after whichever of the three above

    # Worker thread -> GUI thread (queued): "there is new progress", and the outcome.
    _poked = Signal()
    _ended = Signal(str, object, str)

    def __init__(self, fn: JobFunction, *, writes: bool = False, interval_ms: int = PROGRESS_INTERVAL_MS) -> None:
        super().__init__()  # no Qt parent: a parent deleted mid-job would take the job with it
        self._fn = fn
        self._writes = writes
        self._interval = interval_ms / 1000
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None
        self._posted = False
        self._last_emit = 0.0
        self._running = False
        self._runner = _Runner(self)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setTimerType(Qt.TimerType.PreciseTimer)
        self._throttle.timeout.connect(self._flush_progress)
        self._poked.connect(self._on_poked, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_ended, Qt.ConnectionType.QueuedConnection)
        self.result: Any = None

    # --- GUI thread -------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        if self._running:
            raise RuntimeError("This job is already running.")
        self._running = True
        _hold_heap(self)
        _pool(self._writes).start(self._runner)

    def cancel(self) -> None:
        """Ask the work to stop at its next check; the outcome still arrives as a signal."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _on_poked(self) -> None:
        wait = self._last_emit + self._interval - time.monotonic()
        if wait <= 0:
            self._flush_progress()
        elif not self._throttle.isActive():
            self._throttle.start(max(1, int(wait * 1000)))

    def _flush_progress(self) -> None:
        with self._lock:
            latest, self._latest, self._posted = self._latest, None, False
        if latest is not None:
            self._last_emit = time.monotonic()
            self.progress.emit(*latest)

    def _on_ended(self, outcome: str, value: object, details: str) -> None:
        self._throttle.stop()
        self._flush_progress()  # the last update lands before the outcome
        self._running = False
        _release_heap(self)
        if outcome == "finished":
            self.result = value
            self.finished.emit(value)
        elif outcome == "failed":
            self.failed.emit(str(value), details)
        else:
            self.cancelled.emit()
        self.done.emit()

    # --- worker thread ----------------------------------------------------------------

    def _report(self, done: int, total: int, label: str) -> None:
        with self._lock:
            self._latest = (done, total, label)
            post, self._posted = not self._posted, True
        if post:
            self._poked.emit()

    def _work(self) -> None:
        if self._cancel.is_set():
            self._ended.emit("cancelled", None, "")
            return
        try:
            result = self._fn(self._report, self._cancel.is_set)
        except Cancelled:
            self._ended.emit("cancelled", None, "")
        except Exception as error:  # reported to the GUI, never lost in a pool thread
            if not isinstance(error, USER_ERRORS):
                log.error("Background job failed", exc_info=error)
            self._ended.emit("failed", one_sentence(error), traceback.format_exc())
        else:
            self._ended.emit("finished", result, "")


class LatestJob(QObject):
    """The latest of a stream of background reads, for a view that shows the state of
    the project as of its newest request.

    ``request(wanted)`` asks for a read; requests made within ``delay_ms`` of each
    other make one read, their ``wanted`` values merged by ``merge`` (``|`` unless
    given). A request also cancels the read already running, whose work is then redone:
    its ``wanted`` is merged into the next read, and its result, if it still arrives,
    is dropped. ``make(wanted)`` turns a merged request into the job's function, run on
    the pool (None: nothing to read). ``finished(wanted, result)`` delivers the result
    of the latest request only; ``failed(wanted, message)`` a bug in the running read
    (errors users can cause belong in the result). ``forget()`` drops everything queued
    or running (another project is shown).
    """

    finished = Signal(object, object)  # what was read (merged requests), the function's result
    failed = Signal(object, str)  # what was being read, one sentence

    def __init__(self, make: Callable[[Any], JobFunction | None], *, delay_ms: int,
                 merge: Callable[[Any, Any], Any] = operator.or_, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._make, self._merge, self._delay = make, merge, delay_ms
        self._generation = 0  # tells the latest request's result from an overtaken one
        self.job: Job | None = None
        self.pending: Any = None  # asked for, not started yet (None: nothing)
        self.running: Any = None  # what the running job reads (None: no job)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self._start)

    def is_busy(self) -> bool:
        """Whether a read is queued or running."""
        return self.job is not None or self._debounce.isActive()

    def request(self, wanted: Any, *, delay_ms: int | None = None) -> None:
        self.pending = wanted if self.pending is None else self._merge(self.pending, wanted)
        self._generation += 1
        if self.job is not None:
            self.job.cancel()  # its result would be stale: the next read redoes its work
        self._debounce.start(self._delay if delay_ms is None else delay_ms)

    def forget(self) -> None:
        self._generation += 1
        self._debounce.stop()
        if self.job is not None:
            self.job.cancel()
        self.job = None
        self.pending = self.running = None

    def _start(self) -> None:
        wanted, self.pending = self.pending, None
        if self.job is not None:  # overtaken: its work is done again here
            wanted = self.running if wanted is None else self._merge(wanted, self.running)
        fn = self._make(wanted) if wanted is not None else None
        if fn is None:
            return
        self.running = wanted
        generation = self._generation

        def run(progress: Progress, is_cancelled: IsCancelled) -> tuple[int, Any]:
            return generation, fn(progress, is_cancelled)

        job = Job(run)
        job.finished.connect(self._job_finished)
        job.failed.connect(self._job_failed)
        self.job = job
        job.start()

    def _job_finished(self, result: tuple[int, Any]) -> None:
        generation, found = result
        if generation != self._generation:
            return  # a newer request is on its way
        wanted, self.running, self.job = self.running, None, None
        self.finished.emit(wanted, found)

    def _job_failed(self, message: str, _details: str) -> None:
        if self.job is None or self.sender() is not self.job:
            return
        wanted, self.running, self.job = self.running, None, None
        self.failed.emit(wanted, message)


def running_jobs() -> list[Job]:
    return list(_running)


def wait_for_jobs(timeout_ms: int = 30_000) -> bool:
    """Cancel every job and wait for the pools to drain; only for quitting the
    application, when blocking the GUI thread no longer matters. False on timeout."""
    for job in list(_running):
        job.cancel()
    pools = [QThreadPool.globalInstance()] + ([_writer_pool] if _writer_pool is not None else [])
    return all(pool.waitForDone(timeout_ms) for pool in pools)


class JobProgressDialog(QProgressDialog):
    """A window-modal progress dialog for one job. Cancel (button, Escape or closing the
    window) asks the job to stop and says so; the dialog stays up until the job has
    really stopped, so nothing else can start against a half-finished operation."""

    def __init__(self, job: Job, title: str, label: str, parent: QWidget | None = None,
                 minimum_duration_ms: int = 300) -> None:
        super().__init__(label or title, "Cancel", 0, 0, parent)
        self.setObjectName("job_progress")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(minimum_duration_ms)
        # QProgressDialog hides itself on cancel; this one waits for the job instead.
        QObject.disconnect(self, SIGNAL("canceled()"), self, SLOT("cancel()"))
        self.canceled.connect(self._ask_to_cancel)
        self.job = job
        job.progress.connect(self._show_progress)
        job.done.connect(self._job_done)
        self.setValue(0)

    def _show_progress(self, done: int, total: int, label: str) -> None:
        if self.job.is_cancelled():
            return
        self.setMaximum(max(total, 0))
        self.setValue(min(done, total) if total > 0 else 0)
        if label:
            self.setLabelText(label)

    def _ask_to_cancel(self) -> None:
        if not self.job.is_running:
            return
        self.job.cancel()
        self.setLabelText("Cancelling… (waiting for the current step to finish)")

    def reject(self) -> None:  # Escape
        self._ask_to_cancel()

    def closeEvent(self, event) -> None:  # the window's close button
        if self.job.is_running:
            event.ignore()
            self._ask_to_cancel()
        else:
            event.accept()

    def _job_done(self) -> None:
        self.hide()
        self.deleteLater()


def run_with_progress(parent: QWidget | None, title: str, fn: JobFunction, *, label: str = "",
                      writes: bool = False, minimum_duration_ms: int = 300) -> Any:
    """Run ``fn`` as a job behind a window-modal progress dialog and return its result,
    or None if the user cancelled it or it failed (the failure is shown in a message box:
    one sentence, the details folded away).

    The GUI keeps processing events meanwhile (a local event loop, not a wait). Callers
    that must tell a None result from a cancel use a ``Job`` directly.
    """
    job = Job(fn, writes=writes)
    dialog = JobProgressDialog(job, title, label, parent, minimum_duration_ms)  # closes itself when done
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    job.finished.connect(lambda result: outcome.update(result=result))
    job.failed.connect(lambda message, details: outcome.update(failed=(message, details)))
    job.done.connect(loop.quit)
    job.start()
    loop.exec()
    if job.is_running:  # the application is quitting, which ends every event loop
        job.cancel()
        return None
    if "failed" in outcome:
        message, details = outcome["failed"]
        show_error(dialog.parentWidget(), title, message, details)
    return outcome.get("result")
