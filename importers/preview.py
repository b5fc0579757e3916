"""What an import would do, worked out without storing anything.

The import wizard shows this before the researcher commits: for each file, whether it
can be read, the labelling convention found, who speaks and how much, and which
speakers would be filed as interviewers (by their label, the attributes sheet's
interviewer column or the speaker map); for a file without speaker labels, the one
participant all its text would belong to, with a note saying so. Files are read
exactly as ``import_files`` reads them (the same readers, safety checks, custom speaker
patterns, sheets and speaker resolution), so what the preview promises is what the
import then does.

Also here, for the same wizard and equally Qt-free: what a picked file or folder is
(``describe_path``), what a sheet holds or why the import would refuse it
(``describe_sheet``), and the sites and participant types a project already has
(``import_choices``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import service
from importers.document import ImportFailure, ParsedDocument
from importers.registry import reader_for
from importers.service import (
    SHEET_EXTENSIONS,
    ImportOptions,
    ProgressCallback,
    Sheets,
    collect_files,
    parse_file,
    plan_source,
    read_sheets,
)
from importers.sheets import SheetError, read_attributes_sheet, read_sites_sheet, read_speaker_map
from importers.store import sole_speaker, sole_speaker_note
from models import Participant, Site, Source
from models.canonical import content_hash, count_words
from models.project import Project

HASH_BATCH = 500  # content hashes looked up per query, well under SQLite's variable limit


@dataclass(frozen=True)
class SpeakerPreview:
    """One speaker label of a file and who the import would file it under. A file
    without speaker labels has one, with an empty ``label``: the participant all its
    text is filed under."""

    label: str
    participant: str
    participant_type: str | None
    is_interviewer: bool
    turns: int
    words: int


@dataclass
class FilePreview:
    """One file as the import would see it. ``status`` is "ready", "duplicate" (its text
    is already in the project, or earlier in this batch) or "failed"; ``error`` is then
    one sentence naming the file."""

    file: str
    status: str
    error: str | None = None
    convention: str | None = None
    encoding: str | None = None
    speakers: list[SpeakerPreview] = field(default_factory=list)
    turns: int = 0
    words: int = 0
    site: str | None = None
    method: str | None = None
    notes: list[str] = field(default_factory=list)
    duplicate_of: int | None = None  # the source already holding this text
    text_hash: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return Path(self.file).name

    @property
    def interviewers(self) -> list[str]:
        return [speaker.label for speaker in self.speakers if speaker.is_interviewer]


@dataclass(frozen=True)
class ImportChoices:
    """What the project already has, offered as defaults for new transcripts."""

    sites: list[str]
    participant_types: list[str]


def import_choices(session: Session) -> ImportChoices:
    """Existing site names (in the project's order) and participant types, so a new batch
    is filed under "Site A" rather than a near-miss spelling of it."""
    sites = list(session.scalars(select(Site.name).order_by(Site.position, Site.name)))
    types = session.scalars(
        select(Participant.participant_type).distinct()
        .where(Participant.participant_type.is_not(None), Participant.is_interviewer.is_(False))
    )
    return ImportChoices(sites, sorted({t for t in types if t.strip()}, key=str.casefold))


def preview_files(
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    project: Project | None = None,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[FilePreview]:
    """One preview per file the import would attempt, in the import's order.

    Raises ``ImportSetupError`` when the batch could not start at all (a bad sheet or
    speaker pattern), as ``import_files`` would. When cancelled, the previews made so
    far are returned. With a ``project``, a file whose text is already stored is a
    duplicate; so is a file repeating the text of an earlier file in the batch.
    """
    options = options or ImportOptions()
    sheets = read_sheets(options)
    files, missing, _skipped = collect_files([Path(p) for p in paths])
    previews = [FilePreview(result.file, "failed", error=result.error) for result in missing]
    for done, path in enumerate(files):
        if is_cancelled is not None and is_cancelled():
            break
        if progress is not None:
            progress(done, len(files), path.name)
        previews.append(preview_file(path, options, sheets))
    else:
        if progress is not None:
            progress(len(files), len(files), "")
    _mark_duplicates(previews, project)
    return previews


def batch_warnings(paths: Iterable[Path], options: ImportOptions | None = None) -> list[str]:
    """The warnings the import would end with, known before it starts: files in the
    folders skipped for their type, rows the sheets passed over, and sheet entries that
    match none of the files (usually a typo in a file name).

    Raises ``ImportSetupError`` for a sheet the import would refuse. The import's own
    ``service.batch_warnings``, so worded exactly as ``import_files`` words them.
    """
    sheets = Sheets(options or ImportOptions())
    files, _missing, skipped = collect_files([Path(p) for p in paths])
    return service.batch_warnings(files, skipped, sheets)


def preview_file(path: Path, options: ImportOptions, sheets: Sheets) -> FilePreview:
    """Read and parse one file as ``import_files`` does, and resolve its speakers."""
    preview = FilePreview(str(path), "failed")
    try:
        parsed = parse_file(path, options.speaker_patterns)
    except ImportFailure as error:
        preview.error = str(error)
        return preview
    preview.convention, preview.encoding, preview.notes = parsed.convention, parsed.encoding, list(parsed.notes)
    preview.turns, preview.words = len(parsed.turns), count_words(parsed.text)
    preview.text_hash = content_hash(parsed.text)
    try:
        plan = plan_source(path, parsed, options, sheets)
    except (ImportFailure, SheetError) as error:
        preview.error = str(error)
        return preview
    preview.site, preview.method = plan.site, plan.method
    preview.notes = list(plan.provenance["notes"])
    if parsed.speakers:
        preview.speakers = _speakers(parsed, lambda label: plan.resolve_speaker(label, plan.name))
    else:
        sole = sole_speaker(plan, plan.name)
        preview.speakers = [SpeakerPreview("", sole.participant, sole.participant_type, False,
                                           len(parsed.turns), preview.words)]
        preview.notes.append(sole_speaker_note(preview.words, sole))
    preview.status = "ready"
    return preview


def _speakers(parsed: ParsedDocument, resolve) -> list[SpeakerPreview]:
    turns: dict[str, int] = {}
    words: dict[str, int] = {}
    for turn in parsed.turns:
        if turn.speaker is None:
            continue
        turns[turn.speaker] = turns.get(turn.speaker, 0) + 1
        words[turn.speaker] = words.get(turn.speaker, 0) + count_words(parsed.text[turn.start:turn.end])
    previews = []
    for label in parsed.speakers:
        who = resolve(label)
        previews.append(SpeakerPreview(label, who.participant, who.participant_type, who.is_interviewer,
                                       turns.get(label, 0), words.get(label, 0)))
    return previews


def _mark_duplicates(previews: list[FilePreview], project: Project | None) -> None:
    """Readable files whose text the project already holds, or an earlier readable file
    of the batch holds, would be skipped by the import as duplicates: say so now."""
    readable = [p for p in previews if p.status == "ready"]
    stored: dict[str, tuple[int, str]] = {}
    if project is not None and readable:
        hashes = sorted({p.text_hash for p in readable})
        with project.session() as session:
            for start in range(0, len(hashes), HASH_BATCH):
                rows = session.execute(
                    select(Source.content_hash, Source.id, Source.name)
                    .where(Source.content_hash.in_(hashes[start:start + HASH_BATCH]))
                )
                stored.update((digest, (id_, name)) for digest, id_, name in rows)
    first_in_batch: dict[str, FilePreview] = {}
    for preview in readable:
        if preview.text_hash in stored:
            source_id, source_name = stored[preview.text_hash]
            preview.duplicate_of = source_id
            preview.status = "duplicate"
            preview.error = (f"{preview.name} is already in the project "
                             f"(same text as source {source_id}, {source_name!r}).")
        elif preview.text_hash in first_in_batch:
            preview.status = "duplicate"
            preview.error = (f"{preview.name} has the same text as "
                             f"{first_in_batch[preview.text_hash].name}, which is imported first.")
        else:
            first_in_batch[preview.text_hash] = preview


# --- what the researcher picked, described before anything is read -------------------

FORMAT_NAMES = {
    ".docx": "Word document", ".txt": "Plain text", ".text": "Plain text", ".md": "Markdown",
    ".markdown": "Markdown", ".rtf": "Rich Text document", ".odt": "OpenDocument text",
    ".pdf": "PDF (text layer)", ".html": "Web page", ".htm": "Web page",
    ".vtt": "WebVTT captions", ".srt": "SubRip captions",
}


@dataclass(frozen=True)
class PathSummary:
    """A file or folder picked for import: what it is, how many transcripts it holds,
    and, if it cannot be imported, why (one sentence)."""

    path: Path
    kind: str  # "file" | "folder" | "unsupported" | "missing"
    description: str
    transcripts: int
    problem: str | None = None


def describe_path(path: Path) -> PathSummary:
    """Say what a picked path is, cheaply (no file is opened), so the file list can flag
    folders without transcripts and types Charter cannot read before any work starts."""
    if path.is_dir():
        files, _missing, skipped = collect_files([path])
        description = f"Folder with {_count(len(files), 'transcript')}"
        if skipped:
            description += f"; {_count(len(skipped), 'other file')} will be skipped"
        problem = None if files else f"{path.name} holds no files Charter can import."
        return PathSummary(path, "folder", description, len(files), problem)
    if not (path.exists() or path.is_symlink()):
        return PathSummary(path, "missing", "Not found", 0, f"{path} does not exist.")
    suffix = path.suffix.lower()
    if suffix in FORMAT_NAMES:
        return PathSummary(path, "file", FORMAT_NAMES[suffix], 1)
    if suffix in SHEET_EXTENSIONS:
        return PathSummary(path, "unsupported", "Spreadsheet", 1,
                           f"{path.name} is a spreadsheet, not a transcript; choose it as a sheet "
                           "on the Details page instead.")
    try:
        reader_for(path)
    except ImportFailure as error:
        return PathSummary(path, "unsupported", f"{suffix or 'No extension'}: not a transcript type", 1,
                           str(error))
    return PathSummary(path, "file", suffix, 1)  # a reader exists that has no display name yet


SHEET_KINDS = ("attributes", "speakers", "sites")


def describe_sheet(kind: str, path: Path) -> tuple[str, list[str]]:
    """Read a sheet as the import will and say what it holds in one sentence, with the
    sheet's warnings; raises ``SheetError`` (one sentence) if the import would refuse it.

    ``kind`` is "attributes", "speakers" (a speaker map) or "sites".
    """
    if kind == "attributes":
        sheet = read_attributes_sheet(path)
        extra = list(dict.fromkeys(name for row in sheet.rows for name in row.extra))
        text = f"{_count(len(sheet.rows), 'file')} described"
        if extra:
            text += f"; other columns become source attributes: {', '.join(extra)}"
        return text + ".", [str(w) for w in sheet.warnings]
    if kind == "speakers":
        speakers = read_speaker_map(path)
        interviewers = sum(row.mapping.is_interviewer for row in speakers.rows)
        text = f"{_count(len(speakers.rows), 'speaker label')} mapped"
        if interviewers:
            text += f", {_count(interviewers, 'interviewer')} among them"
        return text + ".", [str(w) for w in speakers.warnings]
    if kind == "sites":
        sites = read_sites_sheet(path)
        attributes = list(dict.fromkeys(name for site in sites for name in site.attributes))
        text = f"{_count(len(sites), 'site')}: {', '.join(site.name for site in sites)}"
        if attributes:
            text += f"; attributes: {', '.join(attributes)}"
        return text + ".", []
    raise ValueError(f"Unknown kind of sheet {kind!r}; use one of {', '.join(SHEET_KINDS)}.")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
