"""Benchmark: importing 200 Word transcripts of ~10,000 words each.

Figures printed: seconds, words per second, peak memory, and the ratio to the floor —
opening the same files with python-docx and reading every paragraph's text, which any
.docx importer must at least do. Each side runs in a fresh process so that its peak
memory is its own. Target (issue 3): ratio ≤ 1.5, peak memory < 500 MB.

    make bench            # or: .venv/bin/python -m tests.benchmarks.import_docx
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = 200
WORDS_PER_FILE = 10_000
SEED = 20130314
CACHE = Path(__file__).resolve().parents[2] / ".bench-cache" / f"docx-{FILES}x{WORDS_PER_FILE}-{SEED}"

VOCABULARY = (
    "the partnership police residents council meeting we they problem solving community "
    "engagement information sharing neighbourhood manager funding co-location tasking "
    "officers trust local area crime antisocial behaviour youth housing agencies really "
    "think know because when would could about there work together every month better "
    "issues people feel safer patrols visible report meet share data priorities and of to "
    "in is was it that for with on as at this but not"
).split()


def generate(folder: Path) -> None:
    """Deterministic, speaker-labelled interviews: an interviewer and one or more voices."""
    import docx

    rng = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(FILES):
        document = docx.Document()
        document.add_heading(f"Interview {number:03d}", level=1)
        speakers = ["Interviewer"] + [f"Participant {n}" for n in range(1, rng.randint(2, 9))]
        words = 0
        turn = 0
        while words < WORDS_PER_FILE:
            speaker = speakers[0] if turn % 2 == 0 else rng.choice(speakers[1:])
            length = rng.randint(8, 30) if speaker == "Interviewer" else rng.randint(20, 120)
            text = " ".join(rng.choice(VOCABULARY) for _ in range(length)).capitalize() + "."
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{speaker}:").bold = True
            paragraph.add_run(f" {text}")
            words += length + 1
            turn += 1
        document.save(folder / f"interview-{number:03d}.docx")
    (folder / "complete").write_text("ok")


def floor(folder: Path) -> dict:
    import docx

    started = time.perf_counter()
    characters = 0
    for path in sorted(folder.glob("*.docx")):
        characters += len("\n".join(p.text for p in docx.Document(path).paragraphs))
    return {"seconds": time.perf_counter() - started, "characters": characters}


def charter_import(folder: Path) -> dict:
    from sqlalchemy import func, select

    from importers.service import import_files
    from models import Source, Turn
    from models.project import create_project

    with tempfile.TemporaryDirectory() as scratch:
        project = create_project(Path(scratch) / "bench.charter")
        started = time.perf_counter()
        report = import_files(project, [folder])
        seconds = time.perf_counter() - started
        with project.session() as session:
            words = session.scalar(select(func.sum(Source.word_count)))
            turns = session.scalar(select(func.count()).select_from(Turn))
        project.close()
    statuses = {r.status for r in report.results}
    assert statuses == {"imported"}, [r.error for r in report.failed][:3]
    return {"seconds": seconds, "words": words, "turns": turns, "files": len(report.results)}


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_in_fresh_process(which: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import_docx", "--measure", which],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        result = (floor if sys.argv[2] == "floor" else charter_import)(CACHE)
        result["peak_mb"] = _peak_rss_mb()
        print(json.dumps(result))
        return
    if not (CACHE / "complete").exists():
        print(f"Generating {FILES} transcripts of ~{WORDS_PER_FILE:,} words (once, cached)…", flush=True)
        generate(CACHE)
    bare = _run_in_fresh_process("floor")
    ours = _run_in_fresh_process("import")
    ratio = ours["seconds"] / bare["seconds"]
    print(f"Import {ours['files']} .docx transcripts ({ours['words']:,} words, {ours['turns']:,} turns)")
    print(f"  floor  python-docx open + paragraph text: {bare['seconds']:7.2f} s   peak {bare['peak_mb']:6.0f} MB")
    print(f"  charter import (parse + store):           {ours['seconds']:7.2f} s   peak {ours['peak_mb']:6.0f} MB")
    print(f"  {ours['words'] / ours['seconds']:,.0f} words/s; ratio to floor {ratio:.2f} (target ≤ 1.5); "
          f"peak memory target < 500 MB")


if __name__ == "__main__":
    main()
