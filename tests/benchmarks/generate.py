"""A large synthetic Charter project for the scale benchmarks (``tests.benchmarks.core``).

The default shape is the study at full size: 6 sites, 5 participant types, ~1,000
participants (plus a few interviewers), 1,000 interviews and focus groups of ~10,000
words each (10 million words), a 150-theme framework in 3 levels, 250,000 codings by 3
coders with their coding segments, 5,000 summaries, and the full-text index.

The project is written directly through the models' tables with Core bulk inserts, in
one transaction, after ``create_project`` — not through the importer or the framework
operations, which would take hours at this size. What the application derives is
derived with the application's own helpers so the numbers agree exactly:
``count_words``/``content_hash`` (models.canonical) for sources and turns,
``segment_rows`` (framework.segments) for coding segments, and ``index_turns``
(models.search_index) for the search index. Codings follow the application's rule that
one coder's codings of one theme in one source never overlap or touch. Bulk inserts
bypass the session's audit hook, so the audit log starts empty.

Deterministic: the same arguments and seed give the same rows, timestamps included
(only the project row and its audit entry, written by ``create_project``, differ).

    .venv/bin/python -m tests.benchmarks.generate PATH [--scale 0.01] [--seed N]

``--scale`` shrinks every count (sources, words, participants, themes, codings,
summaries) proportionally, for quick checks; sites and participant types stay as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path

SEED = 20130314
BATCH_SOURCES = 50  # sources generated, then inserted, per round

SITES = ("Site A", "Site B", "Site C", "Site D", "Site E", "Site F")
PARTICIPANT_TYPES = (  # name, share of participants
    ("partner agency", 0.25),
    ("police constable", 0.20),
    ("PCSO", 0.15),
    ("resident", 0.30),
    ("external partner", 0.10),
)
INTERVIEWERS = ("Helen Ward", "Rob Keane", "Priya Shah", "Tom Ellis")
CODERS = (("Alex Coder", "AC", "#0072B2", 0.5), ("Bea Analyst", "BA", "#D55E00", 0.3),
          ("Cal Reviewer", "CR", "#009E73", 0.2))
FIXED_TIME = dt.datetime(2014, 6, 1, 9, 0, tzinfo=dt.timezone.utc)

FIRST_NAMES = (
    "Sam Alex Jo Chris Pat Lee Kim Ray Dee Max Ali Ann Ben Cara Dan Eve Fay Gus Hal Ivy Jay "
    "Kit Lou Mo Ned Olly Pam Quin Rita Sid Tess Uma Vic Wyn Zoe Amir Bryn Cleo Dev Ezra Gwen "
    "Hana Iain Jude Kofi Lena Mina Noor Owen Ravi Sian Theo Yusuf Zara Aled Bev Colm Dora Ifan"
).split()
SURNAMES = (
    "Jones Smith Patel Evans Hughes Khan Davies Price Morgan Lewis Walsh Brown Green Reid "
    "Clarke Turner Hill Ward Bell Shaw Fox Kerr Lyons Moss Nash Owen Pike Quinn Rowe Sharp "
    "Todd Vance Webb Young Ahmed Begum Chen Doyle Ellis Flynn Grant Hart Ince Jarvis Kaur"
).split()

# Roughly in order of frequency (function words first); drawn with Zipf-like weights.
VOCABULARY = (
    "the and to of a in that we it is they was for with on you but have be this are "
    "as at not there so what about all if would do can when people more from our really "
    "think know just because them which their will an like one some were been had has "
    "then out up who how could get other time work very also no where now those well into "
    "police partnership partners community council meeting residents problem local area "
    "officers issues crime neighbourhood information together agencies team share support "
    "services working public better month housing youth safer trust patrols data "
    "priorities engagement funding behaviour antisocial report visible solving manager "
    "sergeant inspector constable group forum board strategy plan action response "
    "problems concerns feedback contact victims offenders schools parents families "
    "landlords tenants estate street park shop centre station office staff colleagues "
    "managers volunteers leaders chair members minutes agenda review process outcome "
    "results evidence figures reports analysis intelligence referrals cases calls "
    "incidents complaints noise litter graffiti drugs alcohol vehicles speeding parking "
    "burglary theft violence damage fear confidence satisfaction perception visibility "
    "presence ownership responsibility accountability leadership commitment capacity "
    "resources budget cuts pressure demand workload shifts rota hours weekend evening "
    "night summer winter week year always never often sometimes usually quickly slowly "
    "clearly certainly probably actually obviously honestly generally particularly "
    "especially mainly mostly properly regularly formally informally jointly directly "
    "good bad big small new old different same important difficult easy hard useful "
    "helpful open honest frustrating positive negative strong weak real whole main "
    "key clear early late regular formal informal joint shared wider local national "
    "talk listen attend meet discuss agree decide deliver improve change help tackle "
    "address identify solve reduce prevent respond engage involve consult inform "
    "coordinate lead manage fund commission monitor evaluate understand explain "
    "remember feel believe hope expect want need try start stop continue keep bring "
    "relationship relationships culture structure approach model example experience "
    "knowledge skills training learning practice policy guidance protocol agreement "
    "priority decision decisions meetings minutes emails phone calls visits walkabouts "
    "surgeries newsletters leaflets website survey consultation"
).split()
PHRASES = (  # recurring phrases, inserted whole so that phrase queries have hits
    ("tasking", "meeting"), ("information", "sharing"), ("neighbourhood", "manager"),
    ("problem", "solving"), ("partnership", "working"), ("community", "safety"),
    ("antisocial", "behaviour"), ("joint", "tasking"), ("police", "and", "partners"),
    ("local", "priorities"),
)
PHRASE_CHANCE = 0.12  # per turn

TOP_THEMES = (
    "Partnership structures", "Information sharing", "Tasking and coordination",
    "Community engagement", "Leadership and culture", "Resources and funding",
    "Outcomes and impact", "Barriers and facilitators", "Roles and responsibilities",
    "Accountability", "Trust and confidence", "Problem solving",
)
ASPECTS = (
    "Meetings", "Membership", "Data", "Protocols", "Attendance", "Communication",
    "Decisions", "Priorities", "Feedback", "Training", "Staffing", "Budgets",
    "Visibility", "Relationships", "Continuity", "Evidence",
)
QUALIFIERS = (
    "Facilitators", "Barriers", "Examples", "Changes over time", "Views of residents",
    "Views of police", "Views of partners", "Good practice", "Problems", "Suggestions",
)
METHOD_SHARES = (("interview", 0.8), ("focus-group", 0.2))
STATUS_SHARES = (("draft", 0.4), ("submitted", 0.25), ("returned", 0.1), ("approved", 0.25))


def generate(
    path: Path,
    *,
    sources: int = 1000,
    words: int = 10_000_000,
    participants: int = 1000,
    sites: int = 6,
    types: int = 5,
    themes: int = 150,
    codings: int = 250_000,
    summaries: int = 5000,
    seed: int = SEED,
) -> None:
    """Create the project at ``path`` (which must not exist) and fill it."""
    from sqlalchemy import func, insert, select

    from framework.palette import PALETTE
    from framework.segments import CodingSpan, TurnSpan, segment_rows
    from models import Coder, Coding, CodingSegment, Participant, Site, Source, Summary, Theme, Turn
    from models.canonical import content_hash, count_words
    from models.project import create_project
    from models.search_index import index_turns

    if not (1 <= sites <= len(SITES) and 1 <= types <= len(PARTICIPANT_TYPES)):
        raise ValueError(f"sites must be 1–{len(SITES)} and types 1–{len(PARTICIPANT_TYPES)}")
    started = time.perf_counter()
    rng = random.Random(seed)
    words_per_source = max(200, words // max(sources, 1))
    print(f"Generating {path}: {sources:,} sources × ~{words_per_source:,} words, "
          f"{participants:,} participants, {themes} themes, {codings:,} codings, "
          f"{summaries:,} summaries (seed {seed})", flush=True)

    project = create_project(path)
    try:
        with project.engine.begin() as connection:
            def put(table, rows: list[dict]) -> None:
                if rows:
                    connection.execute(insert(table.__table__), rows)

            # --- coders, sites, participants ----------------------------------------
            put(Coder, [{"id": i + 1, "name": name, "initials": initials, "colour": colour,
                         "created_at": FIXED_TIME} for i, (name, initials, colour, _) in enumerate(CODERS)])
            coder_ids = [i + 1 for i in range(len(CODERS))]
            coder_weights = list(accumulate(share for *_, share in CODERS))
            site_names = SITES[:sites]
            put(Site, [{"id": i + 1, "name": name, "position": i, "description": "",
                        "created_at": FIXED_TIME} for i, name in enumerate(site_names)])
            type_names = [name for name, _ in PARTICIPANT_TYPES[:types]]
            type_weights = list(accumulate(share for _, share in PARTICIPANT_TYPES[:types]))
            people = rng.sample([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], participants)
            participant_rows, by_site = [], {site_id: [] for site_id in range(1, sites + 1)}
            for index, name in enumerate(people):
                site_id = index % sites + 1
                ptype = rng.choices(type_names, cum_weights=type_weights)[0]
                if ptype == "police constable":
                    name = f"PC {name}"
                elif ptype == "PCSO":
                    name = f"PCSO {name}"
                participant_rows.append({"id": index + 1, "site_id": site_id, "name": name,
                                         "participant_type": ptype, "is_interviewer": False,
                                         "created_at": FIXED_TIME})
                by_site[site_id].append((index + 1, name))
            interviewer_ids = []
            for offset, name in enumerate(INTERVIEWERS):
                interviewer_ids.append(participants + offset + 1)
                participant_rows.append({"id": participants + offset + 1, "site_id": None,
                                         "name": f"Interviewer ({name})", "participant_type": None,
                                         "is_interviewer": True, "created_at": FIXED_TIME})
            put(Participant, participant_rows)
            respondent_ids = [row["id"] for row in participant_rows if not row["is_interviewer"]]

            # --- the framework: a tree of themes in three levels ---------------------
            theme_rows, levels = _theme_tree(rng, themes, PALETTE)
            put(Theme, theme_rows)
            print(f"  {len(site_names)} sites, {len(participant_rows):,} participants, "
                  f"{len(theme_rows)} themes", flush=True)
            # Codings go mostly to third-level themes, some to second-level ones; a few
            # themes are far more popular than others.
            codable = levels[3] + levels[2] if levels[3] else levels[2] + levels[1]
            rng.shuffle(codable)
            theme_weights = list(accumulate(
                (1.0 if theme_id in levels[3] or not levels[3] else 0.15) / (rank + 3) ** 0.8
                for rank, theme_id in enumerate(codable)))

            # --- sources, turns, codings, segments, search index ---------------------
            word_weights = list(accumulate(1.0 / (rank + 2) ** 0.9 for rank in range(len(VOCABULARY))))
            cycles = {site_id: _Cycle(rng, members) for site_id, members in by_site.items() if members}
            method_weights = list(accumulate(share for _, share in METHOD_SHARES))
            next_turn, next_coding = 1, 1
            totals = {"turns": 0, "codings": 0, "segments": 0, "words": 0}
            batch: dict[str, list] = {"sources": [], "turns": [], "index": [], "codings": [], "segments": []}

            def flush_batch() -> None:
                put(Source, batch["sources"])
                put(Turn, batch["turns"])
                index_turns(connection, batch["index"])
                put(Coding, batch["codings"])
                put(CodingSegment, batch["segments"])
                for rows in batch.values():
                    rows.clear()

            for number in range(sources):
                source_id = number + 1
                site_id = number % sites + 1
                method = rng.choices([m for m, _ in METHOD_SHARES], cum_weights=method_weights)[0]
                voices = 1 + (rng.random() < 0.2) if method == "interview" else rng.randint(4, 8)
                voices = min(voices, len(by_site[site_id])) if by_site[site_id] else 0
                speakers = cycles[site_id].take(voices) if voices else []
                interviewer = rng.choice(interviewer_ids)
                name = f"{SITES[site_id - 1]} {method} {number + 1:04d}"
                text, turns = _transcript(rng, name, interviewer, speakers, method, words_per_source,
                                          word_weights)
                batch["sources"].append({
                    "id": source_id, "name": name, "site_id": site_id, "method": method,
                    "date": dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                    "text": text, "text_length": len(text), "word_count": count_words(text),
                    "content_hash": content_hash(text), "original_filename": f"{name}.docx",
                    "provenance": {"generator": "tests.benchmarks.generate", "seed": seed},
                    "imported_by_id": coder_ids[0], "created_at": FIXED_TIME,
                })
                spans = []
                for turn in turns:
                    body = text[turn.start:turn.end]
                    turn.id = next_turn
                    next_turn += 1
                    batch["turns"].append({
                        "id": turn.id, "source_id": source_id, "participant_id": turn.participant_id,
                        "start": turn.start, "end": turn.end, "timestamp_seconds": None,
                        "speaker_label": turn.label, "word_count": count_words(body),
                    })
                    batch["index"].append((turn.id, body))
                    spans.append(TurnSpan(turn.id, turn.participant_id, turn.start, turn.end))
                quota = codings * (number + 1) // sources - codings * number // sources
                for theme_id, coder_id, start, end in _codings(rng, turns, quota, codable, theme_weights,
                                                               coder_ids, coder_weights, interviewer_ids):
                    batch["codings"].append({
                        "id": next_coding, "source_id": source_id, "theme_id": theme_id,
                        "coder_id": coder_id, "start": start, "end": end, "memo": "",
                        "created_at": FIXED_TIME, "updated_at": FIXED_TIME,
                    })
                    batch["segments"].extend(
                        segment_rows(CodingSpan(next_coding, theme_id, start, end), source_id, text, spans))
                    next_coding += 1
                totals["turns"] += len(turns)
                totals["codings"] = next_coding - 1
                totals["words"] += batch["sources"][-1]["word_count"]
                if len(batch["sources"]) >= BATCH_SOURCES or number == sources - 1:
                    totals["segments"] += len(batch["segments"])
                    flush_batch()
                    elapsed = time.perf_counter() - started
                    print(f"  {number + 1:,}/{sources:,} sources, {totals['words']:,} words, "
                          f"{totals['turns']:,} turns, {totals['codings']:,} codings  ({elapsed:.0f} s)",
                          flush=True)

            # --- summaries: distinct participant × theme cells -----------------------
            put(Summary, _summaries(rng, summaries, respondent_ids, levels, coder_ids))
            counts = {table.__tablename__: connection.scalar(select(func.count()).select_from(table))
                      for table in (Turn, Coding, CodingSegment, Summary)}
        project.close()
    except BaseException:
        project.close()
        raise
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    print(f"Done in {seconds:.1f} s: {totals['words']:,} words, {counts['turns']:,} turns, "
          f"{counts['codings']:,} codings, {counts['coding_segments']:,} segments, "
          f"{counts['summaries']:,} summaries; {size / 1e6:,.0f} MB", flush=True)


# --------------------------------------------------------------------------- pieces


class _Turn:
    __slots__ = ("id", "participant_id", "label", "start", "end", "word_starts", "word_ends",
                 "is_interviewer")

    def __init__(self, participant_id, label, start, end, word_starts, word_ends, is_interviewer):
        self.id = 0
        self.participant_id = participant_id
        self.label = label
        self.start, self.end = start, end
        self.word_starts, self.word_ends = word_starts, word_ends
        self.is_interviewer = is_interviewer


class _Cycle:
    """Hands out a site's participants in a shuffled round, so everyone speaks somewhere."""

    def __init__(self, rng: random.Random, members: list[tuple[int, str]]) -> None:
        self.rng, self.members, self.queue = rng, members, []

    def take(self, count: int) -> list[tuple[int, str]]:
        chosen: list[tuple[int, str]] = []
        while len(chosen) < count:
            if not self.queue:
                self.queue = self.members[:]
                self.rng.shuffle(self.queue)
            member = self.queue.pop()
            if member not in chosen:
                chosen.append(member)
        return chosen


def _theme_tree(rng: random.Random, themes: int, palette: list[str]) -> tuple[list[dict], dict[int, list[int]]]:
    """~5% top-level, ~27% second-level, the rest third-level (8 / 40 / 102 of 150)."""
    top = max(2, min(len(TOP_THEMES), round(themes * 8 / 150)))
    second = max(top, round(themes * 40 / 150)) if themes > top else 0
    second = min(second, themes - top)
    third = themes - top - second
    rows: list[dict] = []
    levels: dict[int, list[int]] = {1: [], 2: [], 3: []}

    def add(name: str, parent_id: int | None, position: int, level: int) -> int:
        theme_id = len(rows) + 1
        rows.append({
            "id": theme_id, "parent_id": parent_id, "name": name, "position": position,
            "colour": palette[(theme_id - 1) % len(palette)].upper(), "description": "",
            "use_when": "", "dont_use_when": "", "example": "",
            "guid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "created_at": FIXED_TIME,
        })
        levels[level].append(theme_id)
        return theme_id

    tops = [add(name, None, i, 1) for i, name in enumerate(TOP_THEMES[:top])]
    seconds = []
    for i in range(second):
        parent = tops[i % top]
        position = i // top
        seconds.append(add(_nth(ASPECTS, position), parent, position, 2))
    for i in range(third):
        parent = seconds[i % second]
        position = i // second
        add(_nth(QUALIFIERS, position), parent, position, 3)
    return rows, levels


def _nth(names: tuple[str, ...], index: int) -> str:
    return names[index] if index < len(names) else f"{names[index % len(names)]} {index // len(names) + 1}"


def _transcript(
    rng: random.Random, name: str, interviewer: int, speakers: list[tuple[int, str]],
    method: str, target_words: int, word_weights: list[float],
) -> tuple[str, list[_Turn]]:
    """Canonical text of speaker-labelled paragraphs and its turns (the words after each
    label), with every word's offsets for placing codings."""
    heading = f"{name}, transcript"
    pieces: list[str] = [heading]
    length = len(heading)
    # Text before the first speaker label is a turn of nobody (as the importer stores it).
    turns: list[_Turn] = [_Turn(None, "", 0, length, [], [], False)]
    label_of_interviewer = "Interviewer" if method == "interview" else "Moderator"
    written = 0
    speaking = 0
    while written < target_words:
        if speaking == 0 or not speakers:
            who, label, count, asking = interviewer, label_of_interviewer, rng.randint(8, 30), True
            speaking = 1 if method == "interview" else rng.randint(1, 3)
        else:
            person, label = rng.choice(speakers)
            who, count, asking = person, rng.randint(20, 120), False
            speaking -= 1
        words = rng.choices(VOCABULARY, cum_weights=word_weights, k=count)
        if rng.random() < PHRASE_CHANCE:
            at = rng.randrange(count)
            words[at:at] = rng.choice(PHRASES)
        body, starts, ends = _sentences(rng, words, asking)
        prefix = f"{label}: "
        start = length + 1 + len(prefix)  # "\n" between paragraphs
        pieces.append("\n" + prefix + body)
        length = start + len(body)
        turns.append(_Turn(who, label, start, length, [start + s for s in starts],
                           [start + e for e in ends], asking))
        written += len(words)
    return "".join(pieces), turns


def _sentences(rng: random.Random, words: list[str], asking: bool) -> tuple[str, list[int], list[int]]:
    """Words as sentences (capitalised, full stops); each word's offsets in the result."""
    tokens = words[:]
    index = 0
    while index < len(tokens):
        tokens[index] = tokens[index].capitalize()
        index += rng.randint(6, 18)
        tokens[min(index, len(tokens)) - 1] += "?" if asking and index >= len(tokens) else "."
    starts = list(accumulate((len(token) + 1 for token in tokens[:-1]), initial=0))
    ends = [start + len(word) for start, word in zip(starts, words)]
    return " ".join(tokens), starts, ends


def _codings(
    rng: random.Random, turns: list[_Turn], quota: int, themes: list[int], theme_weights: list[float],
    coder_ids: list[int], coder_weights: list[float], interviewer_ids: list[int],
):
    """``quota`` codings ``(theme, coder, start, end)`` of 5–60 words on word boundaries:
    mostly inside one respondent's turn, ~10% running on into the next turn, ~10% a
    second coder's coding of a passage already coded. One coder's codings of one theme
    never overlap or touch (the application would merge them)."""
    spoken = [i for i, turn in enumerate(turns) if turn.participant_id is not None]
    answers = [i for i in spoken if not turns[i].is_interviewer] or spoken
    taken: dict[tuple[int, int], list[tuple[int, int]]] = {}
    made: list[tuple[int, int, int, int]] = []

    def free(theme_id: int, coder_id: int, start: int, end: int) -> bool:
        return all(end < low or high < start for low, high in taken.get((theme_id, coder_id), ()))

    attempts = 0
    while len(made) < quota and attempts < quota * 50:
        attempts += 1
        if made and rng.random() < 0.10:  # double coding: same passage and theme, another coder
            theme_id, coder_id, start, end = rng.choice(made)
            coder_id = rng.choice([c for c in coder_ids if c != coder_id] or coder_ids)
        else:
            theme_id = rng.choices(themes, cum_weights=theme_weights)[0]
            coder_id = rng.choices(coder_ids, cum_weights=coder_weights)[0]
            index = rng.choice(answers) if rng.random() < 0.95 else rng.choice(spoken)
            turn = turns[index]
            length = rng.randint(5, 60)
            n = len(turn.word_starts)
            if rng.random() < 0.10 and index + 1 < len(turns):  # runs on into the next turn
                following = turns[index + 1]
                first = rng.randint(max(0, n - length + 1), n - 1)
                last = min(len(following.word_ends), max(1, length - (n - first))) - 1
                start, end = turn.word_starts[first], following.word_ends[last]
            else:
                first = rng.randint(0, max(0, n - 5))
                last = min(n, first + length) - 1
                start, end = turn.word_starts[first], turn.word_ends[last]
        if not free(theme_id, coder_id, start, end):
            continue
        taken.setdefault((theme_id, coder_id), []).append((start, end))
        made.append((theme_id, coder_id, start, end))
    return made


def _summaries(rng: random.Random, count: int, participant_ids: list[int],
               levels: dict[int, list[int]], coder_ids: list[int]) -> list[dict]:
    """Distinct participant × theme cells, most of them under top-level themes (the
    columns researchers chart first)."""
    all_themes = levels[1] + levels[2] + levels[3]
    count = min(count, len(participant_ids) * len(all_themes))
    status_weights = list(accumulate(share for _, share in STATUS_SHARES))
    cells: dict[tuple[int, int], None] = {}
    attempts = 0
    while len(cells) < count:
        attempts += 1
        pool = levels[1] if rng.random() < 0.7 and attempts < count * 20 else all_themes
        cells.setdefault((rng.choice(participant_ids), rng.choice(pool)), None)
    rows = []
    for index, (participant_id, theme_id) in enumerate(sorted(cells)):
        sentences = [" ".join(rng.choices(VOCABULARY[60:], k=rng.randint(8, 20))).capitalize() + "."
                     for _ in range(rng.randint(1, 4))]
        rows.append({
            "id": index + 1, "participant_id": participant_id, "theme_id": theme_id,
            "text": " ".join(sentences), "author_id": rng.choice(coder_ids),
            "status": rng.choices([s for s, _ in STATUS_SHARES], cum_weights=status_weights)[0],
            "version": 1, "created_at": FIXED_TIME, "updated_at": FIXED_TIME,
        })
    return rows


# --------------------------------------------------------------------------- command line


def scaled_counts(scale: float) -> dict[str, int]:
    """The ``generate`` counts at ``scale`` (1 = the full study), never below a usable minimum."""
    full = {"sources": 1000, "words": 10_000_000, "participants": 1000, "themes": 150,
            "codings": 250_000, "summaries": 5000}
    minimum = {"sources": 1, "words": 2_000, "participants": 6, "themes": 12,
               "codings": 10, "summaries": 10}
    return {name: max(minimum[name], round(value * scale)) for name, value in full.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="the new project file (must not exist)")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink every count (e.g. 0.01)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.path.exists():
        parser.error(f"{args.path} already exists")
    generate(args.path, seed=args.seed, **scaled_counts(args.scale))


if __name__ == "__main__":
    main(sys.argv[1:])
