"""Benchmark: Charter's analytical core on a project of the study's full size.

The project (see ``tests.benchmarks.generate``): 1,000 sources of ~10,000 words (10
million words), ~1,000 participants, 150 themes in 3 levels, 250,000 codings by 3 coders
with their coding segments, 5,000 summaries. It is generated once, in a fresh process,
and cached in ``.bench-cache/``; every run measures a copy, since coding changes it.

Figures, each against a bare floor measured in the same run where there is one:

* the framework matrix, participants × top-level themes and × all themes (depth 3):
  ``build_matrix``, median of 5 after a warm-up, against the single bare SQL GROUP BY
  of segments by participant and theme. Target: ratio ≤ 2.
* a word and a phrase query over all turns: ``search`` (every hit, with offsets and
  context), median of 5, against the bare FTS5 ``SELECT rowid … MATCH`` fetching every
  rowid. Targets: ≤ 50 ms and ratio ≤ 1.5. Also with ``limit=200``, the first page the
  GUI shows, reported separately.
* applying one coding, and removing it again, each in its own committed transaction:
  median of 20. Target: ≤ 20 ms each.
* rebuilding the full-text index from scratch (``rebuild_index``): seconds, words/s.
* generation time, its peak memory, and the file size.

It is a report: it exits 0 when a target is missed, and marks the miss.

    .venv/bin/python -m tests.benchmarks.core [--scale 0.01] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.benchmarks.generate import SEED

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".bench-cache"
RUNS = 5
EDITS = 20
PAGE = 200  # hits on the first page of the GUI's search results
QUERIES = ("partnership", '"tasking meeting"')
FLOOR_MATRIX = (
    "SELECT s.participant_id, c.theme_id, COUNT(*), SUM(s.words) "
    "FROM coding_segments s JOIN codings c ON c.id = s.coding_id GROUP BY 1, 2"
)
FLOOR_SEARCH = "SELECT rowid FROM turn_search WHERE turn_search MATCH ?"


# --------------------------------------------------------------------------- the project


def cached_project(scale: float, seed: int) -> tuple[Path, dict]:
    """The generated project (made now, in a fresh process, if not cached) and how long
    making it took."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"core-{scale:g}-{seed}.charter"
    info_path = path.with_suffix(".json")
    if path.exists() and info_path.exists():
        return path, json.loads(info_path.read_text())
    partial = path.with_name(path.stem + "-partial.charter")
    for stale in (path, info_path, *partial.parent.glob(partial.name + "*")):
        stale.unlink(missing_ok=True)
    print(f"Generating the scale {scale:g} project (once, cached in {CACHE.name}/)…", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.generate", str(partial),
         "--scale", repr(scale), "--seed", str(seed)],
        check=True, cwd=REPO,
    )
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    partial.rename(path)
    info = {"seconds": seconds, "peak_mb": peak_mb, "bytes": path.stat().st_size}
    info_path.write_text(json.dumps(info))
    return path, info


def project_facts(project) -> dict[str, int]:
    from sqlalchemy import func, select

    from models import Coding, CodingSegment, Participant, Source, Summary, Theme, Turn

    with project.session() as session:
        def count(table) -> int:
            return session.scalar(select(func.count()).select_from(table))

        return {
            "sources": count(Source), "words": session.scalar(select(func.sum(Source.word_count))),
            "turn_words": session.scalar(select(func.sum(Turn.word_count))),
            "turns": count(Turn), "participants": count(Participant), "themes": count(Theme),
            "top_themes": session.scalar(select(func.count()).where(Theme.parent_id.is_(None))),
            "codings": count(Coding), "segments": count(CodingSegment), "summaries": count(Summary),
        }


# --------------------------------------------------------------------------- timing


def median_seconds(operation: Callable[[], Any], runs: int = RUNS, warm_up: bool = True) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls (after one unmeasured call), and the last result."""
    result = operation() if warm_up else None
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = operation()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def raw_connection(session):
    """The sqlite3 connection under a session, for the bare floors."""
    return session.connection().connection.driver_connection


# --------------------------------------------------------------------------- measurements


def measure_matrix(project) -> list[dict]:
    from framework.matrix import build_matrix

    lines = []
    with project.session() as session:
        raw = raw_connection(session)
        floor, groups = median_seconds(lambda: raw.execute(FLOOR_MATRIX).fetchall())
        for depth, what in ((1, "top-level themes"), (3, "all themes (depth 3)")):
            seconds, matrix = median_seconds(lambda: build_matrix(session, rows="participant", depth=depth))
            lines.append({
                "name": f"matrix: participants × {what}",
                "detail": f"{len(matrix.rows):,} rows × {len(matrix.columns):,} columns, "
                          f"{len(matrix.cells):,} cells; floor GROUP BY gives {len(groups):,} groups",
                "seconds": seconds, "floor": floor, "max_ratio": 2.0,
            })
    return lines


def measure_search(project) -> list[dict]:
    from framework.query import parse, to_fts5
    from framework.search import count_hits, search

    lines = []
    with project.session() as session:
        raw = raw_connection(session)
        for query in QUERIES:
            expression = to_fts5(parse(query))
            floor, rowids = median_seconds(lambda: raw.execute(FLOOR_SEARCH, (expression,)).fetchall())
            seconds, hits = median_seconds(lambda: search(session, query))
            lines.append({
                "name": f"search {query} (all hits, with context)",
                "detail": f"{len(hits):,} hits; the index's MATCH gives {len(rowids):,} turns",
                "seconds": seconds, "floor": floor, "max_ratio": 1.5, "max_seconds": 0.050,
            })
            seconds, (page, total) = median_seconds(
                lambda: (search(session, query, limit=PAGE), count_hits(session, query)))
            lines.append({
                "name": f"search {query} (first {PAGE} with context + count)",
                "detail": f"{len(page):,} hits shown of {total:,}: what the search pane needs",
                "seconds": seconds, "floor": floor, "max_ratio": 1.5, "max_seconds": 0.050,
            })
    return lines


def edit_spots(project, count: int, seed: int) -> list[tuple[int, int, int, int, int]]:
    """``(source, theme, coder, start, end)``: 5–30 words of a respondent's turn where no
    coding of that theme (by anyone) overlaps or touches, so applying then uncoding
    creates exactly one coding and removes exactly it."""
    from sqlalchemy import select

    from models import Coder, Coding, Participant, Source, Theme, Turn
    from models.canonical import WORD

    rng = random.Random(seed)
    spots = []
    with project.session() as session:
        source_ids = session.scalars(select(Source.id)).all()
        leaves = session.scalars(select(Theme.id).where(~Theme.id.in_(
            select(Theme.parent_id).where(Theme.parent_id.is_not(None))))).all()
        coders = session.scalars(select(Coder.id)).all()
        while len(spots) < count:
            source_id = rng.choice(source_ids)
            turns = session.execute(
                select(Turn.start, Turn.end).join(Participant, Participant.id == Turn.participant_id)
                .where(Turn.source_id == source_id, Participant.is_interviewer.is_(False))
            ).all()
            if not turns:
                continue
            text = session.scalar(select(Source.text).where(Source.id == source_id))
            turn_start, turn_end = rng.choice(turns)
            words = list(WORD.finditer(text, turn_start, turn_end))
            first = rng.randrange(max(1, len(words) - 5))
            last = min(len(words), first + rng.randint(5, 30)) - 1
            start, end = words[first].start(), words[last].end()
            theme_id, coder_id = rng.choice(leaves), rng.choice(coders)
            clash = session.scalar(select(Coding.id).where(
                Coding.source_id == source_id, Coding.theme_id == theme_id,
                Coding.start <= end, Coding.end >= start).limit(1))
            if clash is None and all((s, t) != (source_id, theme_id) for s, t, *_ in spots):
                spots.append((source_id, theme_id, coder_id, start, end))
    return spots


def measure_edits(project, seed: int) -> list[dict]:
    from sqlalchemy import func, select

    from framework.coding import apply_coding, uncode
    from models import Coding

    def codings() -> int:
        with project.session() as session:
            return session.scalar(select(func.count()).select_from(Coding))

    before = codings()
    applied, removed = [], []
    spots = edit_spots(project, EDITS + 1, seed)
    for number, (source_id, theme_id, coder_id, start, end) in enumerate(spots):
        started = time.perf_counter()
        with project.transaction("benchmark: apply coding", coder_id=coder_id) as session:
            edit = apply_coding(session, source_id, theme_id, start, end, coder_id)
        middle = time.perf_counter()
        with project.transaction("benchmark: uncode", coder_id=coder_id) as session:
            undone = uncode(session, source_id, theme_id, start, end)
        finished = time.perf_counter()
        assert len(edit.created) == 1 and not edit.removed, edit
        assert [s.id for s in undone.removed] == edit.created and not undone.created, undone
        if number:  # the first pair is the warm-up
            applied.append(middle - started)
            removed.append(finished - middle)
    assert codings() == before
    return [
        {"name": "apply one coding (own committed transaction)", "detail": f"median of {EDITS}",
         "seconds": statistics.median(applied), "max_seconds": 0.020},
        {"name": "remove it again (uncode, committed)", "detail": f"median of {EDITS}",
         "seconds": statistics.median(removed), "max_seconds": 0.020},
    ]


def measure_rebuild(project, turn_words: int) -> list[dict]:
    from models.search_index import rebuild_index

    started = time.perf_counter()
    with project.engine.begin() as connection:
        turns = rebuild_index(connection)
    seconds = time.perf_counter() - started
    return [{"name": "rebuild the search index (committed)",
             "detail": f"{turns:,} turns, {turn_words / seconds:,.0f} words/s", "seconds": seconds}]


# --------------------------------------------------------------------------- report


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms" if seconds < 10 else f"{seconds:8.1f} s "


def verdict(line: dict) -> str:
    """The target, and whether it was met."""
    targets, missed = [], False
    if "max_seconds" in line:
        targets.append(f"≤ {line['max_seconds'] * 1000:.0f} ms")
        missed |= line["seconds"] > line["max_seconds"]
    if "max_ratio" in line:
        targets.append(f"ratio ≤ {line['max_ratio']:g}")
        missed |= line["seconds"] / line["floor"] > line["max_ratio"]
    if not targets:
        return ""
    return f"{', '.join(targets):<22} {'** MISSED **' if missed else 'met'}"


def print_table(lines: list[dict]) -> int:
    print(f"{'':54} {'charter':>11} {'floor':>11} {'ratio':>7}  target")
    misses = 0
    for line in lines:
        floor = _duration(line["floor"]) if "floor" in line else ""
        ratio = f"{line['seconds'] / line['floor']:7.2f}" if "floor" in line else ""
        result = verdict(line)
        misses += "MISSED" in result
        print(f"{line['name']:<54} {_duration(line['seconds']):>11} {floor:>11} {ratio:>7}  {result}")
        if line.get("detail"):
            print(f"{'':4}{line['detail']}")
    return misses


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.core",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the project (e.g. 0.01)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    from models.project import open_project
    from models.sqlite_file import backup_copy

    started = time.perf_counter()
    cached, generation = cached_project(args.scale, args.seed)
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        copy = Path(scratch) / "bench.charter"
        if cached.with_name(cached.name + "-wal").exists():  # left open elsewhere: copy via SQLite
            backup_copy(cached, copy)
        else:
            shutil.copyfile(cached, copy)
        project = open_project(copy)
        try:
            facts = project_facts(project)
            print(f"\nCharter analytical core, scale {args.scale:g} (seed {args.seed}): "
                  f"{facts['sources']:,} sources, {facts['words']:,} words, {facts['turns']:,} turns, "
                  f"{facts['participants']:,} participants, {facts['themes']} themes "
                  f"({facts['top_themes']} top-level), {facts['codings']:,} codings, "
                  f"{facts['segments']:,} segments, {facts['summaries']:,} summaries")
            print(f"Generation: {generation['seconds']:.1f} s (wall time of a fresh process, start-up included; peak "
                  f"{generation['peak_mb']:,.0f} MB); file {generation['bytes'] / 1e6:,.0f} MB "
                  f"({cached.relative_to(REPO)})\n", flush=True)
            lines = measure_matrix(project)
            lines += measure_search(project)
            lines += measure_edits(project, args.seed)
            lines += measure_rebuild(project, facts["turn_words"])
        finally:
            project.close()
    misses = print_table(lines)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nBenchmark run {time.perf_counter() - started:.0f} s; peak memory of this process {peak:,.0f} MB. "
          + (f"{misses} target(s) missed." if misses else "Every target met."))


if __name__ == "__main__":
    main(sys.argv[1:])
