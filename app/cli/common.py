"""Helpers shared by the command modules: the coder writing, and JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import os

from framework.coders import ensure_coder, find_coder
from framework.errors import CharterError
from models.project import Project


class CommandError(CharterError):
    """A failure to report to the user as one sentence."""


def check_text_arguments(args: argparse.Namespace, skip: tuple[str, ...] = ()) -> None:
    """Refuse an argument that holds bytes which are not UTF-8 text.

    Python hands such bytes over as lone surrogates (``$'x\\xffy'`` arrives as
    ``'x\\udcffy'``), which no database and no export can store; saying so here names
    the argument, where the failure would otherwise be an encoding traceback deep in a
    write. Paths parsed as ``Path`` are left alone: a file may be named in any bytes.
    ``skip`` names arguments that a command parses again itself (and checks then).
    """
    for name, value in vars(args).items():
        if name in skip:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and any("\udc80" <= char <= "\udcff" for char in item):
                shown = os.fsencode(item).decode("utf-8", "backslashreplace")
                raise CommandError(
                    f"The {name.replace('_', ' ')} '{shown}' holds bytes that are not UTF-8 text; "
                    "type it again in UTF-8 (the encoding every modern terminal uses)."
                )


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or PostgreSQL URL")


def add_coder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--coder", help="your name, recorded with every change (default: $CHARTER_CODER or your login)"
    )


def coder_name(args: argparse.Namespace) -> str:
    return getattr(args, "coder", None) or os.environ.get("CHARTER_CODER") or getpass.getuser()


def coder_id(project: Project, args: argparse.Namespace) -> int:
    """The id of the coder writing, read without taking the write lock when they exist
    already (every command after the first), so a command locks the project once."""
    with project.session() as session:
        known = find_coder(session, coder_name(args))
    if known is not None:
        return known
    with project.transaction("add coder") as session:
        return ensure_coder(session, coder_name(args))


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
