"""``charter new``, ``charter demo``, ``charter info`` and ``charter check``: projects as a whole."""

from __future__ import annotations

import argparse
import json
import sys

from framework.overview import project_overview
from framework.templates import apply_template, load_template, template_names
from models.integrity import check_project
from models.project import create_project, open_project


def cmd_new(args: argparse.Namespace) -> int:
    load_template(args.template)  # refuse a bad template before creating anything
    project = create_project(args.path, name=args.name)
    with project:
        with project.transaction(f"apply template {args.template}") as session:
            created = apply_template(session, args.template)
        print(f"Created {project.location} with {created} themes from the {args.template!r} template.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import build_demo_project  # reads the demo files only when asked

    with build_demo_project(args.path) as project, project.session() as session:
        overview = project_overview(session, project.schema_revision or "")
    print(f"Created the demo study at {project.location}: {overview.sites} sites, {overview.sources} "
          f"transcripts, {overview.codings} codings and {overview.summaries} summaries.")
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


def register(sub) -> None:
    new = sub.add_parser("new", help="create a new project file")
    new.add_argument("path", help="the new project file (*.charter) or a PostgreSQL URL")
    new.add_argument(
        "--template", default="blank", choices=template_names(), help="starting framework"
    )
    new.add_argument("--name", help="the project's display name (default: the file name)")
    new.set_defaults(handler=cmd_new)

    demo = sub.add_parser("demo", help="build the demo study (six sites, coded and charted)")
    demo.add_argument("path", help="the new project file (*.charter) or a PostgreSQL URL")
    demo.set_defaults(handler=cmd_demo)

    info = sub.add_parser("info", help="show what a project holds")
    info.add_argument("path", help="project file or PostgreSQL URL")
    info.add_argument("--json", action="store_true", help="print JSON for scripts")
    info.set_defaults(handler=cmd_info)

    check = sub.add_parser("check", help="check a project's integrity")
    check.add_argument("path", help="project file or PostgreSQL URL")
    check.set_defaults(handler=cmd_check)
