"""``charter themes …`` and ``charter codebook …``: the thematic framework."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import (
    CommandError,
    add_coder_option,
    add_project_argument,
    check_text_arguments,
    coder_id,
    print_json,
)
from framework.codebook import (
    add_theme,
    define_theme,
    delete_theme,
    find_theme,
    merge_themes,
    move_theme,
    place_for_new_theme,
    recolour_theme,
    rename_theme,
    split_path,
    theme_paths,
    theme_tree,
)
from framework.codebook_io import (
    export_codebook_csv,
    export_codebook_qdc,
    import_codebook_csv,
    import_codebook_qdc,
)
from models.project import open_project


def _print_tree(nodes, depth: int = 0) -> None:
    for node in nodes:
        print(f"{'  ' * depth}{node.name}  [{node.colour}]  (id {node.id})")
        _print_tree(node.children, depth + 1)


def cmd_themes(args: argparse.Namespace) -> int:
    with open_project(args.project) as project, project.session() as session:
        tree = theme_tree(session)
    if args.json:
        print_json([node.as_json() for node in tree])
    else:
        _print_tree(tree)
    return 0


def _parent_id(session, path: str | None) -> int | None:
    return find_theme(session, path).id if path else None


def cmd_theme_change(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        writer = coder_id(project, args)
        with project.transaction(f"themes {args.action}", coder_id=writer) as session:
            message = ACTIONS[args.action](session, args)
    print(message)
    return 0


def _add(session, args) -> str:
    parent_id, name = place_for_new_theme(session, args.name, _parent_id(session, args.parent))
    theme_id = add_theme(session, name, parent_id=parent_id, colour=args.colour, description=args.description or "")
    return f"Added theme {theme_paths(session)[theme_id]!r} (id {theme_id})."


def _rename(session, args) -> str:
    theme = find_theme(session, args.theme)
    parts = split_path(args.name)
    if len(parts) > 1:
        raise CommandError(f"A new name cannot hold a path ({args.name!r}); write \\/ for a slash inside "
                           "the name, or use 'charter themes move' to put the theme elsewhere.")
    rename_theme(session, theme.id, parts[0])
    return f"Renamed to {parts[0]!r}."


def _recolour(session, args) -> str:
    recolour_theme(session, find_theme(session, args.theme).id, args.colour)
    return f"Recoloured {args.theme!r} {args.colour}."


def _define(session, args) -> str:
    fields = {k: v for k, v in (("description", args.description), ("use_when", args.use_when),
                                ("dont_use_when", args.dont_use_when), ("example", args.example)) if v is not None}
    if not fields:
        raise CommandError("Give at least one of --description, --use-when, --dont-use-when, --example.")
    define_theme(session, find_theme(session, args.theme).id, **fields)
    return f"Updated the definition of {args.theme!r}."


def _move(session, args) -> str:
    theme = find_theme(session, args.theme)
    parent = None if args.to == "/" else _parent_id(session, args.to)
    move_theme(session, theme.id, parent, args.position)
    return f"Moved {theme.name!r}."


def _merge(session, args) -> str:
    source, target = find_theme(session, args.theme), find_theme(session, args.into)
    result = merge_themes(session, source.id, target.id)
    return (f"Merged {args.theme!r} into {args.into!r}: {result.codings_moved} coding(s) moved "
            f"({result.codings_combined} combined), {result.summaries_moved + result.summaries_appended} summary(ies).")


def _delete(session, args) -> str:
    result = delete_theme(session, find_theme(session, args.theme).id, codings=args.codings)
    return (f"Deleted {result.themes_deleted} theme(s); {result.codings_deleted} coding(s) deleted, "
            f"{result.codings_moved} moved to the parent.")


ACTIONS = {"add": _add, "rename": _rename, "recolour": _recolour, "define": _define,
           "move": _move, "merge": _merge, "delete": _delete}


def cmd_codebook(args: argparse.Namespace) -> int:
    path = Path(args.file)
    kind = path.suffix.lower()
    if kind not in (".csv", ".qdc", ".qdpx"):
        raise CommandError(f"{path.name}: use a .csv or a REFI-QDA .qdc file (or a .qdpx project to import from).")
    with open_project(args.project) as project:
        if args.direction == "export":
            with project.session() as session:
                (export_codebook_csv if kind == ".csv" else export_codebook_qdc)(session, path)
            print(f"Wrote {path}.")
            return 0
        writer = coder_id(project, args)
        with project.transaction(f"import codebook {path.name}", coder_id=writer) as session:
            summary = (import_codebook_csv if kind == ".csv" else import_codebook_qdc)(session, path)
    print(f"Imported {path.name}: {summary.created} created, {summary.updated} updated, "
          f"{summary.unchanged} unchanged.")
    return 0


def _action_parsers() -> dict[str, argparse.ArgumentParser]:
    parsers: dict[str, argparse.ArgumentParser] = {}

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"charter themes {name}", description=help_text)
        add_project_argument(parser)
        add_coder_option(parser)
        parser.set_defaults(action=name)
        parsers[name] = parser
        return parser

    add = action("add", "Add a theme.")
    add.add_argument("name")
    add.add_argument("--parent", metavar="PATH", help="parent theme path")
    add.add_argument("--colour", help="#RRGGBB (default: parent's, or the next palette colour)")
    add.add_argument("--description")
    rename = action("rename", "Rename a theme.")
    rename.add_argument("theme", metavar="PATH")
    rename.add_argument("name")
    recolour = action("recolour", "Change a theme's colour.")
    recolour.add_argument("theme", metavar="PATH")
    recolour.add_argument("colour")
    define = action("define", "Set a theme's definition.")
    define.add_argument("theme", metavar="PATH")
    for option in ("--description", "--use-when", "--dont-use-when", "--example"):
        define.add_argument(option)
    move = action("move", "Move a theme under another (--to / for the top level), or reorder it.")
    move.add_argument("theme", metavar="PATH")
    move.add_argument("--to", required=True, metavar="PATH")
    move.add_argument("--position", type=int, help="place among its new siblings (0 = first)")
    merge = action("merge", "Merge a theme into another.")
    merge.add_argument("theme", metavar="PATH")
    merge.add_argument("--into", required=True, metavar="PATH")
    delete = action("delete", "Delete a theme and its sub-themes.")
    delete.add_argument("theme", metavar="PATH")
    delete.add_argument("--codings", choices=("refuse", "move-to-parent", "delete"), default="refuse",
                        help="what to do with their codings (default: refuse if there are any)")
    return parsers


def cmd_themes_dispatch(args: argparse.Namespace) -> int:
    """``charter themes PROJECT`` lists; ``charter themes ACTION PROJECT …`` changes."""
    if args.rest and args.rest[0] in ACTIONS:
        action_args = _action_parsers()[args.rest[0]].parse_args(args.rest[1:])
        check_text_arguments(action_args)
        return cmd_theme_change(action_args)
    listing_args = _listing_parser().parse_args(args.rest)
    check_text_arguments(listing_args)
    return cmd_themes(listing_args)


def _listing_parser() -> argparse.ArgumentParser:
    listing = argparse.ArgumentParser(prog="charter themes", description="List the themes.")
    add_project_argument(listing)
    listing.add_argument("--json", action="store_true", help="print the tree as JSON")
    return listing


class _ThemesHelp(argparse.Action):
    """``charter themes --help``: the listing and every action, each with its usage.

    ``themes`` hands everything after it to a parser of its own, so argparse's automatic
    help would only ever see the first word; this prints the whole family instead."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show this help")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        lines = ["List the themes of a project, or change them.", "",
                 _listing_parser().format_usage().strip()]
        for name, action in _action_parsers().items():
            lines += ["", f"{name}: {action.description}", "  " + action.format_usage().strip()]
        lines += ["", "Themes are addressed by path, e.g. Facilitators/Strong leadership (a / inside "
                  "a name is written \\/). 'charter themes ACTION --help' describes one action."]
        print("\n".join(lines))
        parser.exit()


def register(sub) -> None:
    themes = sub.add_parser(
        "themes", help="list the themes, or: themes add|rename|recolour|define|move|merge|delete PROJECT …",
        add_help=False,
    )
    themes.add_argument("-h", "--help", action=_ThemesHelp)
    themes.add_argument("rest", nargs=argparse.REMAINDER)
    themes.set_defaults(handler=cmd_themes_dispatch, parsed_later=("rest",))

    codebook = sub.add_parser("codebook", help="export or import the codebook (CSV or REFI-QDA .qdc)")
    codebook.add_argument("direction", choices=("export", "import"))
    add_project_argument(codebook)
    codebook.add_argument("file", help="a .csv or .qdc file (import also reads a .qdpx project)")
    add_coder_option(codebook)
    codebook.set_defaults(handler=cmd_codebook)
