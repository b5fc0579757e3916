"""Helpers shared by the command modules: the coder writing, and JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import os

from framework.coders import ensure_coder
from framework.errors import CharterError
from models.project import Project


class CommandError(CharterError):
    """A failure to report to the user as one sentence."""


def add_project_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or PostgreSQL URL")


def add_coder_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--coder", help="your name, recorded with every change (default: $CHARTER_CODER or your login)"
    )


def coder_name(args: argparse.Namespace) -> str:
    return getattr(args, "coder", None) or os.environ.get("CHARTER_CODER") or getpass.getuser()


def coder_id(project: Project, args: argparse.Namespace) -> int:
    with project.transaction("add coder") as session:
        return ensure_coder(session, coder_name(args))


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))
