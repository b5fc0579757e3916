"""The ``charter`` command line: parse arguments, call the core, print the result.

Errors a user can cause are printed as one sentence on stderr with exit status 1;
argparse reports usage mistakes with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from framework.coders import ensure_coder
from framework.overview import project_overview
from framework.sources import SourceNotFound, find_source, list_sources, source_turns
from importers.service import ImportOptions, ImportSetupError, import_files
from importers.sheet_values import parse_date
from models import METHODS
from framework.templates import TemplateError, apply_template, load_template, template_names
from models.integrity import check_project
from models.project import ProjectError, create_project, open_project


class CommandError(Exception):
    """A failure to report to the user as one sentence."""


def cmd_new(args: argparse.Namespace) -> int:
    load_template(args.template)  # refuse a bad template before creating anything
    project = create_project(args.path, name=args.name)
    with project:
        with project.transaction(f"apply template {args.template}") as session:
            created = apply_template(session, args.template)
        print(f"Created {project.location} with {created} themes from the {args.template!r} template.")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with open_project(args.path) as project, project.session() as session:
        overview = project_overview(session, project.schema_revision or "")
    if args.json:
        print(json.dumps(overview.as_dict(), indent=2))
        return 0
    rows = [
        ("Project", overview.name),
        ("Location", project.location),
        ("Schema version", overview.schema_version),
        ("Created", f"{overview.created} with Charter {overview.created_with}"),
        ("Sites", overview.sites),
        ("Participants", overview.participants),
        ("Sources", overview.sources),
        ("Words", f"{overview.words:,}"),
        ("Themes", overview.themes),
        ("Codings", overview.codings),
        ("Summaries", overview.summaries),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with open_project(args.path) as project:
        report = check_project(project)
    if report.ok:
        print(f"{project.location}: no problems found.")
        return 0
    print(f"{project.location}: {len(report.problems)} problem(s) found:", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


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
        coder_id = None
        if args.coder:
            with project.transaction("add coder") as session:
                coder_id = ensure_coder(session, args.coder)
        options = ImportOptions(
            site=args.site, participant_type=args.type, method=args.method, date=date,
            attributes_sheet=args.attributes, speaker_map=args.speaker_map,
            sites_sheet=args.sites, speaker_patterns=args.speaker_pattern or [],
            coder_id=coder_id,
        )
        show_progress = not args.json and sys.stderr.isatty()
        try:
            report = import_files(project, args.paths, options,
                                  progress=_progress_bar if show_progress else None)
        except ImportSetupError as error:
            raise CommandError(str(error)) from error
    for result in report.results:
        if args.json:
            print(json.dumps(result.as_json(), ensure_ascii=False))
        elif result.status == "imported":
            speakers = ", ".join(result.speakers) or "no speakers found"
            print(f"imported   {result.file}: {result.turns} turns ({speakers}); "
                  f"{result.convention}, {result.encoding or 'n/a'}")
        else:
            print(f"{result.status:<10} {result.file}: {result.error}")
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
        print(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
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
        print(json.dumps([t.as_json() for t in turns], indent=2, ensure_ascii=False))
    else:
        for turn in turns:
            who = turn.speaker or "(no speaker)"
            flag = " [interviewer]" if turn.interviewer else ""
            print(f"[{turn.start}:{turn.end}] {who}{flag}: {text[turn.start:turn.end]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="charter", description="Charter: qualitative analysis with the Framework method."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = sub.add_parser("new", help="create a new project file")
    new.add_argument("path", help="the new project file (*.charter) or a PostgreSQL URL")
    new.add_argument(
        "--template", default="blank", choices=template_names(), help="starting framework"
    )
    new.add_argument("--name", help="the project's display name (default: the file name)")
    new.set_defaults(handler=cmd_new)

    info = sub.add_parser("info", help="show what a project holds")
    info.add_argument("path", help="project file or PostgreSQL URL")
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(handler=cmd_info)

    check = sub.add_parser("check", help="check a project's integrity")
    check.add_argument("path", help="project file or PostgreSQL URL")
    check.set_defaults(handler=cmd_check)

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
    imp.add_argument("--coder", help="your name, recorded as the importer")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (ProjectError, TemplateError, CommandError) as error:
        print(f"charter: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
