"""The demo study that ``make run`` opens: a small Framework project built from the
files in ``resources/demo/``.

The study follows the Home Office / NatCen case study "Delivering neighbourhood policing
in partnership": six exemplar sites (A–F, their Table 1 attributes in ``sites.csv``),
and at each site a partner interview, a police focus group and a resident focus group,
in the formats researchers actually receive (Word, plain text, WebVTT auto-transcripts).
Everything goes in through the same code a user's own files do: the project is created
by the migrations, the framework comes from the ``neighbourhood-policing`` template, the
transcripts are read by ``importers.service.import_files`` with the attributes sheet,
speaker map and sites sheet, and the passages in ``codings.toml`` and the charted
summaries in ``summaries.toml`` are written by ``framework.coding`` and
``framework.summaries`` as a demo coder.

The user's copy lives in their data folder (``demo_project_path``) and is built there on
first use (``ensure_demo_project``), into a temporary sibling that is renamed into place
only when complete, so a half-built demo is never left behind.

Nothing here imports Qt: the GUI runs ``ensure_demo_project`` as a background job, the
``charter demo`` command runs ``build_demo_project``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import select, text
from sqlalchemy.orm import Session

import resources
from framework.cases import find_participant
from framework.codebook import find_theme
from framework.coders import ensure_coder
from framework.coding import apply_coding
from framework.errors import CharterError
from framework.summaries import save_summary, set_status
from framework.templates import apply_template
from importers.service import ImportOptions, import_files
from models import Coding, Participant, Source, Turn
from models.engine import database_url
from models.project import Project, create_project

DEMO_TEMPLATE = "neighbourhood-policing"
DEMO_NAME = "Neighbourhood policing in partnership (demo study)"
DEMO_CODER = "Demo Researcher"
DEMO_REVIEWER = "Demo Lead"  # approves or returns the researcher's submitted summaries
DEMO_PATH_VARIABLE = "CHARTER_DEMO_PATH"
CITE_MARK = "[[cite]]"

# The review steps that take a new (draft) summary to each status in summaries.toml.
STATUS_STEPS = {
    "draft": (),
    "submitted": ("submitted",),
    "approved": ("submitted", "approved"),
    "returned": ("submitted", "returned"),
}

Progress = Callable[[int, int, str], None]
IsCancelled = Callable[[], bool]


class DemoError(CharterError):
    """The demo files are inconsistent (a quote not in its transcript, a file that did
    not import); ``str(error)`` names the file and the entry."""


class DemoCancelled(Exception):
    """``is_cancelled`` turned true while the demo was being built."""


def demo_folder() -> Path:
    """``resources/demo``: the sheets, ``codings.toml``, ``summaries.toml`` and the
    ``transcripts`` folder."""
    return Path(resources.__file__).resolve().parent / "demo"


def demo_project_path() -> Path:
    """Where the user's copy of the demo lives: ``Charter/demo.charter`` in the user data
    folder, or the path in ``$CHARTER_DEMO_PATH`` when that is set (tests use it)."""
    override = os.environ.get(DEMO_PATH_VARIABLE)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("Charter", appauthor=False) / "demo.charter"


def ensure_demo_project(*, progress: Progress | None = None,
                        is_cancelled: IsCancelled | None = None) -> Path | None:
    """The demo project's path, building it first if it is not there yet.

    The build happens in a temporary folder next to the final path and the finished
    file is then moved into place in one step, so an interrupted or failed build leaves
    nothing behind. Returns None if ``is_cancelled`` stopped the build.
    """
    path = demo_project_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix=f".{path.stem}-building-", dir=path.parent))
    try:
        built = workspace / path.name
        try:
            project = build_demo_project(built, progress=progress, is_cancelled=is_cancelled)
        except DemoCancelled:
            return None
        _close_sqlite(project)
        _move_into_place(built, path)
        return path
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def build_demo_project(location: str | Path, *, progress: Progress | None = None,
                       is_cancelled: IsCancelled | None = None) -> Project:
    """Create the demo study at ``location`` (a new file, or an empty PostgreSQL
    database) and return it open; the caller closes it.

    ``progress(done, total, label)`` is called as the work advances and
    ``is_cancelled()`` is checked between files and sources; when it turns true the
    build stops with ``DemoCancelled``. On any failure a new project file is removed
    again, so nothing half-built is left at ``location``.
    """
    folder = demo_folder()
    codings = _read_toml(folder / "codings.toml")
    summaries = _read_toml(folder / "summaries.toml").get("summaries", [])
    transcripts = sorted(p for p in (folder / "transcripts").iterdir() if not p.name.startswith("."))
    total = 1 + len(transcripts) + len(codings) + 1
    step = _Steps(total, progress, is_cancelled)

    step.report(0, "Creating the project")
    project = create_project(location, name=DEMO_NAME)
    try:
        with project.transaction(f"apply template {DEMO_TEMPLATE}") as session:
            apply_template(session, DEMO_TEMPLATE)
        with project.transaction("add demo coders") as session:
            coder_id = ensure_coder(session, DEMO_CODER)
            reviewer_id = ensure_coder(session, DEMO_REVIEWER)
        _import_transcripts(project, folder, coder_id, step)
        done, themes = 1 + len(transcripts), {}
        for number, (source_name, entries) in enumerate(codings.items()):
            step.check()
            step.report(done + number, f"Coding {source_name}")
            _apply_codings(project, source_name, entries, coder_id, themes)
        step.check()
        step.report(total - 1, "Charting summaries")
        _write_summaries(project, summaries, coder_id, reviewer_id)
        step.report(total, "")
    except BaseException:
        _discard(project, location)
        raise
    return project


# --- steps ---------------------------------------------------------------------------

class _Steps:
    def __init__(self, total: int, progress: Progress | None, is_cancelled: IsCancelled | None) -> None:
        self.total, self.progress, self.is_cancelled = total, progress, is_cancelled

    def report(self, done: int, label: str) -> None:
        if self.progress is not None:
            self.progress(done, self.total, label)

    def check(self) -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise DemoCancelled()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise DemoError(f"The demo file {path.name} is malformed: {error}.") from error


def _import_transcripts(project: Project, folder: Path, coder_id: int, step: _Steps) -> None:
    options = ImportOptions(
        attributes_sheet=folder / "attributes.csv",
        speaker_map=folder / "speaker-map.csv",
        sites_sheet=folder / "sites.csv",
        coder_id=coder_id,
    )
    report = import_files(
        project, [folder / "transcripts"], options,
        progress=lambda done, total, name: step.report(1 + done, f"Importing {name}" if name else ""),
        is_cancelled=step.is_cancelled,
    )
    if report.cancelled:
        raise DemoCancelled()
    for result in report.results:
        if result.status != "imported":
            raise DemoError(f"The demo transcript {Path(result.file).name} did not import: {result.error}")
    if report.warnings:
        raise DemoError(f"The demo sheets do not match the transcripts: {report.warnings[0]}")


def _apply_codings(project: Project, source_name: str, entries: list[dict], coder_id: int,
                   themes: dict[str, int]) -> None:
    """Code one transcript; ``themes`` caches theme ids by path across transcripts."""
    with project.transaction(f"demo codings for {source_name}", coder_id=coder_id) as session:
        source = session.scalar(select(Source).where(Source.name == source_name))
        if source is None:
            raise DemoError(f"codings.toml codes {source_name!r}, which is not one of the demo transcripts.")
        for entry in entries:
            quote, path = entry["quote"], entry["theme"]
            start = source.text.find(quote)
            if start < 0:
                raise DemoError(f"codings.toml: the quote {quote!r} is not in the transcript {source_name}.")
            if path not in themes:
                themes[path] = find_theme(session, path).id
            apply_coding(session, source.id, themes[path], start, start + len(quote), coder_id,
                         memo=entry.get("memo", ""))


def _write_summaries(project: Project, summaries: list[dict], coder_id: int, reviewer_id: int) -> None:
    with project.transaction("demo summaries", coder_id=coder_id) as session:
        for entry in summaries:
            participant = find_participant(session, entry["participant"])
            theme_id = find_theme(session, entry["theme"]).id
            summary_text, cite = entry["text"], []
            if "cite" in entry:
                coding_id = _coding_holding(session, participant, theme_id, entry["cite"])
                cite = [coding_id]
                summary_text = summary_text.replace(CITE_MARK, f"[[C{coding_id}]]")
            state = save_summary(session, participant.id, theme_id, summary_text, author_id=coder_id,
                                 expected_version=None, cite=cite)
            status = entry.get("status", "draft")
            if status not in STATUS_STEPS:
                raise DemoError(f"summaries.toml: {entry['participant']} × {entry['theme']} has the "
                                f"unknown status {status!r}.")
            steps = STATUS_STEPS[status]
            for target in steps:  # the researcher submits; the lead approves or returns
                set_status(session, state.id, target,
                           reviewer_id=coder_id if target == "submitted" else reviewer_id,
                           note=entry.get("note", "") if target == steps[-1] else "")


def _coding_holding(session: Session, participant: Participant, theme_id: int, quote: str) -> int:
    """The coding of ``theme_id`` that holds ``quote`` in one of the participant's sources."""
    source_ids = session.scalars(select(Turn.source_id).where(Turn.participant_id == participant.id).distinct())
    for source in session.scalars(select(Source).where(Source.id.in_(list(source_ids)))):
        start = source.text.find(quote)
        if start < 0:
            continue
        coding_id = session.scalar(
            select(Coding.id).where(Coding.source_id == source.id, Coding.theme_id == theme_id,
                                    Coding.start <= start, Coding.end >= start + len(quote))
        )
        if coding_id is not None:
            return coding_id
    raise DemoError(f"summaries.toml: no coding of that theme holds {participant.name}'s words {quote!r}.")


# --- the file on disk ----------------------------------------------------------------

def _sqlite_path(location: str | Path) -> Path | None:
    url = database_url(location)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _close_sqlite(project: Project) -> None:
    """Fold the write-ahead log into the file and close it, so the file alone is the
    whole project and can be moved."""
    if project.backend == "sqlite":
        with project.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    project.close()


def _discard(project: Project, location: str | Path) -> None:
    project.close()
    path = _sqlite_path(location)
    if path is not None:
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)


def _move_into_place(built: Path, path: Path) -> None:
    """Move the finished file to ``path`` in one step, never over a demo another Charter
    finished first (theirs is just as good)."""
    try:
        os.link(built, path)  # atomic, and refuses to overwrite
    except FileExistsError:
        return
    except OSError:  # a file system without hard links
        if not path.exists():
            os.replace(built, path)
