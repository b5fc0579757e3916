"""``charter code``, ``charter uncode`` and ``charter autocode``: coding from the command line."""

from __future__ import annotations

import argparse

from app.cli.common import add_coder_option, add_project_argument, coder_id
from framework.autocode import UNITS, Selection, apply_autocode, autocode_passages
from framework.cases import find_participant
from framework.codebook import find_theme
from framework.coding import apply_coding, uncode
from framework.sources import find_source
from models.project import open_project


def cmd_code(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        writer = coder_id(project, args)
        with project.transaction("code", coder_id=writer) as session:
            source = find_source(session, args.source)
            theme = find_theme(session, args.theme)
            edit = apply_coding(session, source.id, theme.id, args.start, args.end, writer, args.memo or "")
    print(edit.result_id)
    return 0


def cmd_uncode(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        writer = coder_id(project, args)
        with project.transaction("uncode", coder_id=writer) as session:
            source = find_source(session, args.source)
            theme = find_theme(session, args.theme)
            edit = uncode(session, source.id, theme.id, args.start, args.end,
                          None if args.all_coders else writer)
    print(f"Removed {len(edit.removed)} coding(s); {len(edit.created)} remain as the parts outside the span.")
    return 0


def cmd_autocode(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        writer = coder_id(project, args)
        with project.transaction("autocode", coder_id=writer) as session:
            theme = find_theme(session, args.theme)
            participant = find_participant(session, args.participant).id if args.participant else None
            selection = Selection(participant_id=participant, participant_type=args.type, site=args.site,
                                  query=args.query, lemma=args.lemma, unit=args.unit)
            preview = autocode_passages(session, selection)
            if args.dry_run:
                print(f"Would code {len(preview.passages)} passage(s) in {preview.sources} source(s) "
                      f"with {theme.name!r}.")
                return 0
            edit = apply_autocode(session, theme.id, writer, selection)
    print(f"Coded {len(preview.passages)} passage(s) in {preview.sources} source(s) with {theme.name!r} "
          f"({len(edit.created)} coding(s) after merging with existing ones).")
    return 0


def _span_arguments(parser: argparse.ArgumentParser) -> None:
    add_project_argument(parser)
    parser.add_argument("--source", required=True, help="source id or name")
    parser.add_argument("--theme", required=True, metavar="PATH", help="theme path, e.g. Facilitators/Leadership")
    parser.add_argument("--start", required=True, type=int, help="first character (Python index)")
    parser.add_argument("--end", required=True, type=int, help="one past the last character")
    add_coder_option(parser)


def register(sub) -> None:
    code = sub.add_parser("code", help="code a passage; prints the coding's id")
    _span_arguments(code)
    code.add_argument("--memo")
    code.set_defaults(handler=cmd_code)

    un = sub.add_parser("uncode", help="remove a theme from a passage (shortening or splitting codings)")
    _span_arguments(un)
    un.add_argument("--all-coders", action="store_true", help="remove everyone's codings, not only yours")
    un.set_defaults(handler=cmd_uncode)

    auto = sub.add_parser("autocode", help="code every turn of someone, or every match of a search")
    add_project_argument(auto)
    auto.add_argument("--theme", required=True, metavar="PATH")
    who = auto.add_mutually_exclusive_group(required=True)
    who.add_argument("--participant", help="participant id, name or Site/Name")
    who.add_argument("--type", help="participant type")
    who.add_argument("--site", help="site name")
    who.add_argument("--query", help="search query (see `charter search`)")
    auto.add_argument("--lemma", action="store_true", help="with --query: match every form of each word")
    auto.add_argument("--unit", choices=UNITS, default="turn", help="what to code around each match")
    auto.add_argument("--dry-run", action="store_true", help="only say how much would be coded")
    add_coder_option(auto)
    auto.set_defaults(handler=cmd_autocode)
