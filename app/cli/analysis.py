"""``charter matrix``, ``charter summary``, ``charter search`` and ``charter freq``."""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap

from app.cli.common import CommandError, add_coder_option, add_project_argument, coder_id, print_json
from framework.cases import find_participant
from framework.codebook import find_theme
from framework.frequencies import word_frequencies
from framework.matrix import ROW_KINDS, Matrix, build_matrix, csv_rows
from framework.search import search
from framework.summaries import get_summary, save_summary
from models.project import open_project

CELL_WIDTH = 14


def _filters(values: list[str] | None) -> dict[str, str]:
    filters = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--filter {item!r} must look like NAME=VALUE, e.g. site=Site A.")
        filters[name.strip()] = value.strip()
    return filters


def _depth(text: str) -> int | None:
    """``--depth``: a level, or "all" for every theme as a column of its own (None)."""
    if text.strip().lower() == "all":
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a level; give a number such as 2, or all") from None


def cmd_matrix(args: argparse.Namespace) -> int:
    group_by = tuple(part.strip() for part in args.group_by.split(",") if part.strip())
    with open_project(args.project) as project, project.session() as session:
        matrix = build_matrix(session, rows=args.rows, group_by=group_by, depth=args.depth,
                              filters=_filters(args.filter))
    if args.format == "json":
        print_json(matrix.as_json())
    elif args.format == "csv":
        _write_csv(matrix)
    else:
        _print_table(matrix, args.rows)
    return 0


def _write_csv(matrix: Matrix) -> None:
    csv.writer(sys.stdout).writerows(csv_rows(matrix))


def _print_table(matrix: Matrix, kind: str) -> None:
    """Rows grouped under their group headings; each cell "passages (coverage%)"."""
    if not matrix.columns:
        print("The project has no themes yet.")
        return
    label_width = max([len(r.label) for r in matrix.rows] + [20]) + 2
    print(f"{kind.title()}s × themes — each cell: coded passages (coverage of the {kind}'s words); ✎ charted")
    for line in _header_lines([c.path.rsplit("/", 1)[-1] for c in matrix.columns] + ["Total"]):
        print(" " * label_width + "".join(f"{h:>{CELL_WIDTH}}" for h in line))
    group = None
    for row in matrix.rows:
        if row.group != group:
            group = row.group
            if group:
                print(group)
        cells = [_cell_text(matrix.cell(row.id, c.id)) for c in matrix.columns]
        total = matrix.row_totals.get(row.id)
        line = f"  {row.label[:label_width - 3]:<{label_width - 2}}" + "".join(f"{c:>{CELL_WIDTH}}" for c in cells)
        print(line + f"{_cell_text(total) if total else '–':>{CELL_WIDTH}}")
    totals = [matrix.column_totals.get(c.id) for c in matrix.columns]
    print(f"{'Total passages':<{label_width}}" + "".join(f"{(t.passages if t else 0):>{CELL_WIDTH}}" for t in totals))


def _header_lines(names: list[str]) -> list[list[str]]:
    """Column names wrapped onto two lines, the second shortened if need be."""
    wrapped = []
    for name in names:
        parts = textwrap.wrap(name, CELL_WIDTH - 1) or [""]
        second = textwrap.shorten(" ".join(parts[1:]), CELL_WIDTH - 1, placeholder="…") if len(parts) > 1 else ""
        wrapped.append((parts[0], second))
    if not any(second for _, second in wrapped):
        return [[first for first, _ in wrapped]]
    return [[first for first, _ in wrapped], [second for _, second in wrapped]]


def _cell_text(cell) -> str:
    if cell is None or not cell.passages:
        return "–" if cell is None or not cell.summary else "✎"
    mark = "✎" if cell.summary else ""
    return f"{cell.passages} ({cell.coverage:.0f}%){mark}"


def cmd_summary(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        writer = coder_id(project, args)
        with project.transaction("chart summary", coder_id=writer) as session:
            participant = find_participant(session, args.row)
            theme = find_theme(session, args.theme)
            current = get_summary(session, participant.id, theme.id)
            if args.text is None:
                print(current.text if current else "(no summary yet)")
                return 0
            state = save_summary(session, participant.id, theme.id, args.text, author_id=writer,
                                 expected_version=current.version if current else None, cite=args.cite)
    print(f"Saved the summary for {participant.name} × {theme.name} (version {state.version}, "
          f"{len(state.citations)} citation(s)).")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with open_project(args.project) as project, project.session() as session:
        hits = search(session, args.query, lemma=args.lemma, site=args.site, participant_type=args.type,
                      limit=args.limit)
    if args.json:
        print_json([hit.as_json() for hit in hits])
        return 0
    for hit in hits:
        who = hit.speaker or "(no speaker)"
        print(f"{hit.source} [{hit.start}:{hit.end}] {who}: {hit.as_json()['context']}")
    print(f"{len(hits)} hit(s).")
    return 0


def cmd_freq(args: argparse.Namespace) -> int:
    with open_project(args.project) as project, project.session() as session:
        table = word_frequencies(session, by=args.by, top=args.top, lemmas=args.lemmas)
    if args.json:
        print_json(table)
        return 0
    for group, words in table.items():
        print(group)
        for word, count in words:
            print(f"  {word:<24}{count:>8}")
    return 0


def register(sub) -> None:
    matrix = sub.add_parser("matrix", help="the framework matrix: cases × themes")
    add_project_argument(matrix)
    matrix.add_argument("--rows", choices=ROW_KINDS, default="participant")
    matrix.add_argument("--group-by", default="site,type", metavar="A,B",
                        help="group rows by site, type, method or any attribute (default: site,type)")
    matrix.add_argument("--depth", type=_depth, default=1, metavar="N|all",
                        help="theme level for columns (1 = top level; all = every theme a column)")
    matrix.add_argument("--filter", action="append", metavar="NAME=VALUE",
                        help="keep rows with this site, type, method or attribute value (repeatable)")
    matrix.add_argument("--format", choices=("table", "json", "csv"), default="table")
    matrix.set_defaults(handler=cmd_matrix)

    summary = sub.add_parser("summary", help="read or write the summary charted in one matrix cell")
    add_project_argument(summary)
    summary.add_argument("--row", required=True, help="participant id, name or Site/Name")
    summary.add_argument("--theme", required=True, metavar="PATH")
    summary.add_argument("--text", help="the new summary (cite extracts as [[C123]]); omit to print it")
    summary.add_argument("--cite", type=int, nargs="+", metavar="CODING_ID", help="codings the summary draws on")
    add_coder_option(summary)
    summary.set_defaults(handler=cmd_summary)

    find = sub.add_parser("search", help="full-text search over what participants said")
    add_project_argument(find)
    find.add_argument("query", help='words, "phrases", prefix*, AND/OR/NOT, NEAR(a b, 5)')
    find.add_argument("--lemma", action="store_true", help="match every form of each word (meet: met, meeting)")
    find.add_argument("--site")
    find.add_argument("--type", help="participant type")
    find.add_argument("--limit", type=int)
    find.add_argument("--json", action="store_true")
    find.set_defaults(handler=cmd_search)

    freq = sub.add_parser("freq", help="most frequent words, by site or participant type")
    add_project_argument(freq)
    freq.add_argument("--by", choices=("site", "type"))
    freq.add_argument("--top", type=int, default=20)
    freq.add_argument("--lemmas", action="store_true", help="count lemmas (meet, met, meeting → meet)")
    freq.add_argument("--json", action="store_true")
    freq.set_defaults(handler=cmd_freq)
