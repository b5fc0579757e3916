"""The ``charter`` command line: parse arguments, call the core, print the result.

Each module here registers one group of subcommands. Errors a user can cause are
printed as one sentence on stderr with exit status 1; argparse reports usage mistakes
with exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app.cli import analysis, codebook, coding, project, transcripts
from app.cli.common import check_text_arguments
from framework.errors import CharterError

GROUPS = (project, transcripts, codebook, coding, analysis)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="charter", description="Charter: qualitative analysis with the Framework method."
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        check_text_arguments(args, skip=getattr(args, "parsed_later", ()))
        return handler(args)
    except CharterError as error:
        print(f"charter: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
