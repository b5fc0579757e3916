"""``charter import``, ``charter sources`` and ``charter text``: transcripts in and back out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli.common import CommandError, add_coder_option, coder_id, print_json
from framework.sources import SourceNotFound, find_source, list_sources, source_turns
from importers.service import ImportOptions, import_files
from importers.sheet_values import parse_date
from models import METHODS
from models.project import open_project


def _progress_bar(done: int, total: int, name: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}"
    print(line, end="" if done < total else "\n", file=sys.stderr, flush=True)


def cmd_import(args: argparse.Namespace) -> int:
    date = None
    if args.date:
        date = parse_date(args.date)
        if date is None:
            raise CommandError(f"--date {args.date!r} is not a date (use YYYY-MM-DD).")
    with open_project(args.project) as project:
        options = ImportOptions(
            site=args.site, participant_type=args.type, method=args.method, date=date,
            attributes_sheet=args.attributes, speaker_map=args.speaker_map,
            sites_sheet=args.sites, speaker_patterns=args.speaker_pattern or [],
            coder_id=coder_id(project, args),
        )
        show_progress = not args.json and sys.stderr.isatty()
        report = import_files(project, args.paths, options,
                              progress=_progress_bar if show_progress else None)
    for result in report.results:
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False))
            continue
        if result.status == "imported":
            speakers = ", ".join(result.speakers) or "no speaker labels"
            print(f"imported   {result.file}: {result.turns} turns ({speakers}); "
                  f"{result.convention}, {result.encoding or 'n/a'}")
        else:
            print(f"{result.status:<10} {result.file}: {result.error}")
        for note in result.notes:
            print(f"{'':<10} note: {note}")
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.json:
        counts = {s: sum(r.status == s for r in report.results) for s in ("imported", "duplicate", "failed")}
        print(f"{counts['imported']} imported, {counts['duplicate']} duplicate, {counts['failed']} failed.")
    return 1 if report.failed else 0


def cmd_sources(args: argparse.Namespace) -> int:
    with open_project(args.project) as project, project.session() as session:
        rows = list_sources(session)
    if args.json:
        print_json([row.as_json() for row in rows])
        return 0
    print(f"{'id':>4}  {'name':<40} {'site':<12} {'method':<20} {'words':>7} {'turns':>5} {'speakers':>8}")
    for row in rows:
        print(f"{row.id:>4}  {row.name[:40]:<40} {(row.site or '-')[:12]:<12} {row.method:<20} "
              f"{row.words:>7,} {row.turns:>5} {len(row.speakers):>8}")
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    with open_project(args.project) as project, project.session() as session:
        try:
            source = find_source(session, args.source)
        except SourceNotFound as error:
            raise CommandError(str(error)) from error
        text = source.text
        turns = source_turns(session, source.id) if args.turns else []
    if not args.turns:
        print(text)
    elif args.json:
        print_json([t.as_json() for t in turns])
    else:
        for turn in turns:
            who = turn.speaker or "(no speaker)"
            flag = " [interviewer]" if turn.interviewer else ""
            print(f"[{turn.start}:{turn.end}] {who}{flag}: {text[turn.start:turn.end]}")
    return 0


def register(sub) -> None:
    imp = sub.add_parser("import", help="import transcripts (files or folders)")
    imp.add_argument("project", help="project file or PostgreSQL URL")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    imp.add_argument("--site", help="site of every file (unless the attributes sheet says)")
    imp.add_argument("--type", help="participant type of the speakers (unless a sheet says)")
    imp.add_argument("--method", choices=METHODS, help="how the data were collected")
    imp.add_argument("--date", help="date of the interviews (YYYY-MM-DD)")
    imp.add_argument("--attributes", type=Path, metavar="FILE", help="attributes sheet (CSV/XLSX)")
    imp.add_argument("--speaker-map", type=Path, metavar="FILE", help="speaker map sheet")
    imp.add_argument("--sites", type=Path, metavar="FILE", help="sites sheet")
    imp.add_argument("--speaker-pattern", action="append", metavar="REGEX",
                     help="an extra speaker-label pattern with a (?P<name>…) group")
    add_coder_option(imp)
    imp.add_argument("--json", action="store_true", help="one JSON object per file")
    imp.set_defaults(handler=cmd_import)

    sources = sub.add_parser("sources", help="list the project's sources")
    sources.add_argument("project", help="project file or PostgreSQL URL")
    sources.add_argument("--json", action="store_true", help="print JSON for scripts")
    sources.set_defaults(handler=cmd_sources)

    text = sub.add_parser("text", help="print a source's text or its speaker turns")
    text.add_argument("project", help="project file or PostgreSQL URL")
    text.add_argument("source", help="source id or name")
    text.add_argument("--turns", action="store_true", help="list turns with speakers and offsets")
    text.add_argument("--json", action="store_true", help="with --turns: print JSON")
    text.set_defaults(handler=cmd_text)
