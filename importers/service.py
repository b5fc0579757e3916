"""The batch import: many files and folders in, one result per file out.

Each file is read and parsed outside any transaction, then written in a transaction of
its own, so a file that fails leaves no trace and does not stop the others. A file whose
canonical text is already in the project is reported as a duplicate and skipped.
Progress is reported after each file and cancellation is checked before each one.

The steps an import takes before it stores anything (``read_sheets``, ``parse_file``,
``plan_source``, ``batch_warnings``) are public, so the import preview
(``importers.preview``) takes exactly the same ones.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from importers.assemble import assemble
from importers.document import ImportFailure, ParsedDocument
from importers.registry import SUPPORTED_EXTENSIONS, reader_for
from importers.safety import read_file
from importers.speakers import SpeakerPatternError, custom_conventions
from importers.sheet_values import parse_date
from importers.sheets import (
    AttributesSheet,
    SheetError,
    SpeakerMap,
    read_attributes_sheet,
    read_sites_sheet,
    read_speaker_map,
)
from importers.store import SourcePlan, Speaker, default_speaker, get_or_create_site, set_attribute, store_document
from models import METHODS, Source
from models.canonical import content_hash
from models.db_errors import DatabaseUnavailable
from models.errors import CharterError
from models.project import Project

ProgressCallback = Callable[[int, int, str], None]


@dataclass
class ImportOptions:
    site: str | None = None
    participant_type: str | None = None
    method: str | None = None
    date: dt.date | None = None
    attributes_sheet: Path | None = None
    speaker_map: Path | None = None
    sites_sheet: Path | None = None
    speaker_patterns: list[str] = field(default_factory=list)
    coder_id: int | None = None


@dataclass
class FileResult:
    """One file's outcome. ``as_json`` is the stable scripting interface."""

    file: str
    status: str  # "imported" | "duplicate" | "failed"
    source_id: int | None = None
    turns: int = 0
    speakers: list[str] = field(default_factory=list)
    encoding: str | None = None
    convention: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "file": self.file, "status": self.status, "source_id": self.source_id,
            "turns": self.turns, "speakers": self.speakers, "encoding": self.encoding,
            "convention": self.convention, "error": self.error, "notes": self.notes,
        }


@dataclass
class ImportReport:
    results: list[FileResult]
    warnings: list[str]
    cancelled: bool = False

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


class ImportSetupError(CharterError):
    """The batch cannot start (a bad sheet, a bad option); nothing was imported."""


SHEET_EXTENSIONS = {".csv", ".xlsx", ".xls", ".ods", ".tsv"}


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileResult], list[Path]]:
    """Files to import (folders searched recursively, in a stable order), results for
    paths that do not exist, and files in folders skipped for their type.

    Inside folders, hidden files and Office lock files (``~$…``) are passed over, and so
    are spreadsheets (a folder of transcripts often holds the sheets too); other files
    of a type Charter cannot read are counted, so the user hears about them. A path
    given explicitly is always attempted, so its problem is reported.
    """
    files: list[Path] = []
    missing: list[FileResult] = []
    skipped: list[Path] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path).parts
                if (not found.is_file() or any(part.startswith(".") for part in relative)
                        or found.name.startswith("~$")):
                    continue
                suffix = found.suffix.lower()
                if suffix in SUPPORTED_EXTENSIONS:
                    files.append(found)
                elif suffix not in SHEET_EXTENSIONS:
                    skipped.append(found)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            missing.append(FileResult(str(path), "failed", error=f"{path} does not exist."))
    seen: set[Path] = set()
    unique = [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]
    return unique, missing, skipped


class Sheets:
    """The sheets that describe a batch (attributes, speaker map, sites), read once;
    ``ImportSetupError`` if one cannot be used."""

    def __init__(self, options: ImportOptions) -> None:
        try:
            self.attributes: AttributesSheet | None = (
                read_attributes_sheet(options.attributes_sheet) if options.attributes_sheet else None
            )
            self.speakers: SpeakerMap | None = (
                read_speaker_map(options.speaker_map) if options.speaker_map else None
            )
            self.sites = read_sites_sheet(options.sites_sheet) if options.sites_sheet else []
        except SheetError as error:
            raise ImportSetupError(str(error)) from error


def read_sheets(options: ImportOptions) -> Sheets:
    """Check the batch's custom speaker patterns and read its sheets: what must hold
    before any file is read. ``ImportSetupError`` (one sentence) if the batch cannot start."""
    try:
        custom_conventions(options.speaker_patterns)
    except SpeakerPatternError as error:
        raise ImportSetupError(str(error)) from error
    return Sheets(options)


def batch_warnings(files: list[Path], skipped: list[Path], sheets: Sheets) -> list[str]:
    """What the user should hear about a batch besides its files' results: files in the
    folders given skipped for their type, rows the sheets passed over, and sheet entries
    that match none of ``files`` (usually a typo in a file name)."""
    warnings: list[str] = []
    if skipped:
        kinds = sorted({p.suffix.lower() or "(no extension)" for p in skipped})
        warnings.append(
            f"{len(skipped)} file(s) in the folders given were skipped because Charter cannot "
            f"read their type ({', '.join(kinds)})."
        )
    # Full paths: a sheet may tell "SiteA/interview1.txt" from "SiteB/interview1.txt".
    seen = [p.absolute() for p in files]
    for sheet, title in ((sheets.attributes, "Attributes sheet"), (sheets.speakers, "Speaker map")):
        if sheet is None:
            continue
        warnings.extend(str(warning) for warning in sheet.warnings)
        unmatched = sheet.unmatched(seen)
        if unmatched:
            warnings.append(
                f"{title} {sheet.name}: entries for {len(unmatched)} file(s) match no imported "
                f"file: {', '.join(unmatched)}."
            )
    return warnings


def import_files(
    project: Project,
    paths: Iterable[Path],
    options: ImportOptions | None = None,
    *,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    options = options or ImportOptions()
    if options.method is not None and options.method not in METHODS:
        raise ImportSetupError(f"Unknown method {options.method!r}; use one of {', '.join(METHODS)}.")
    sheets = read_sheets(options)
    files, results, skipped = collect_files([Path(p) for p in paths])
    if sheets.sites:
        _store_sites(project, sheets.sites, options.coder_id)
    cancelled = False
    for done, path in enumerate(files):
        if is_cancelled is not None and is_cancelled():
            cancelled = True
            break
        if progress is not None:
            progress(done, len(files), path.name)
        results.append(_import_one(project, path, options, sheets))
    if progress is not None and not cancelled:
        progress(len(files), len(files), "")
    return ImportReport(results, batch_warnings(files, skipped, sheets), cancelled)


def _store_sites(project: Project, sites, coder_id: int | None) -> None:
    with project.transaction("import sites sheet", coder_id=coder_id) as session:
        for row in sites:
            site = get_or_create_site(session, row.name)
            for name, value in row.attributes.items():
                set_attribute(session, "site", site.id, name, value)


def _import_one(project: Project, path: Path, options: ImportOptions, sheets: Sheets) -> FileResult:
    result = FileResult(str(path), "failed")
    try:
        parsed = parse_file(path, options.speaker_patterns)
    except ImportFailure as error:
        result.error = str(error)
        return result
    result.encoding, result.convention, result.notes = parsed.encoding, parsed.convention, parsed.notes
    result.turns, result.speakers = len(parsed.turns), parsed.speakers
    try:
        plan = plan_source(path, parsed, options, sheets)
        result.notes = list(plan.provenance["notes"])
        with project.transaction(f"import {readable_file_name(path.name)}", coder_id=options.coder_id) as session:
            duplicate = session.scalar(
                select(Source.id).where(Source.content_hash == content_hash(parsed.text))
            )
            if duplicate is not None:
                result.status, result.source_id = "duplicate", duplicate
                result.error = f"{path.name} is already in the project (same text as source {duplicate})."
                return result
            source = store_document(session, parsed, plan)
            result.status, result.source_id = "imported", source.id
            result.notes = list(source.provenance["notes"])
    except (ImportFailure, SheetError) as error:
        result.error = str(error)
    except DatabaseUnavailable:
        raise  # a full disk or a lost server fails every file alike: stop, keep what was stored
    except Exception as error:  # the transaction rolled back: report it, go on with the rest
        result.error = f"{path.name} could not be stored ({type(error).__name__}: {_first_line(error)})."
    return result


def readable_file_name(name: str) -> str:
    """A file name as text that can be stored. A name whose bytes are not UTF-8 (say, a
    Windows-1252 "café" unpacked from an old zip) reaches Python with stand-ins for
    those bytes, which no database takes; such names are read as Windows-1252, the
    usual source of them."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("cp1252", errors="replace")
    return name


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def parse_file(path: Path, speaker_patterns: list[str]) -> ParsedDocument:
    """The file read (with the safety checks) and parsed into text and turns, or
    ``ImportFailure`` with one sentence naming the file."""
    try:
        reader = reader_for(path)
        data = read_file(path)
        return assemble(reader(path, data), speaker_patterns, file_name=path.name)
    except ImportFailure:
        raise
    except Exception as error:  # a parser library's own failure on a damaged file
        raise ImportFailure(f"{path.name} could not be read ({type(error).__name__}: {error}).") from error


def plan_source(path: Path, parsed: ParsedDocument, options: ImportOptions, sheets: Sheets) -> SourcePlan:
    """How a parsed file is to be stored: its site, method and date (the attributes
    sheet first, then the batch's defaults, then the file's own header) and who each
    speaker is (the speaker map first), or, for a file without speaker labels, whose
    text it is (the attributes sheet's participant, else the source's own name)."""
    row = sheets.attributes.row_for(path.absolute()) if sheets.attributes else None
    site = (row.site if row and row.site else None) or options.site
    participant_type = (row.participant_type if row and row.participant_type else None) or options.participant_type
    interviewer = row.interviewer if row else None
    date = (row.date if row and row.date else None) or options.date
    if date is None and "date" in parsed.metadata:
        date = parse_date(parsed.metadata["date"])
    method = (row.method if row and row.method else None) or options.method or _guess_method(parsed)
    name = readable_file_name(path.stem)
    participant = row.participant if row else None
    notes = list(parsed.notes)
    if participant and parsed.speakers:
        notes.append(f"The attributes sheet's participant “{participant}” is not used: {path.name} has "
                      "speaker labels, so the speaker map says who each speaker is.")

    def resolve(label: str, source_name: str) -> Speaker:
        mapped = sheets.speakers.lookup(path.absolute(), label) if sheets.speakers else None
        if mapped is not None:
            kind = None if mapped.is_interviewer else mapped.participant_type or participant_type
            return Speaker(mapped.participant, kind, mapped.is_interviewer)
        return default_speaker(label, source_name=source_name, participant_type=participant_type,
                               interviewer=interviewer)

    return SourcePlan(
        name=name,
        original_filename=readable_file_name(path.name),
        site=site,
        method=method,
        date=date,
        provenance={
            "importer": path.suffix.lower().lstrip("."),
            "encoding": parsed.encoding,
            "convention": parsed.convention,
            "notes": notes,
            "metadata": parsed.metadata,
            "imported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "coder_id": options.coder_id,
        },
        resolve_speaker=resolve,
        attributes=dict(row.extra) if row else {},
        participant=participant,
        participant_type=participant_type,
    )


def _guess_method(parsed: ParsedDocument) -> str:
    """With nothing said about the method: three or more respondents make a focus group."""
    from importers.speakers import is_interviewer_label

    respondents = [s for s in parsed.speakers if not is_interviewer_label(s)]
    return "focus-group" if len(respondents) >= 3 else "interview"
