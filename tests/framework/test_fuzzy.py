"""Fuzzy matching of theme paths: which themes match, in which order, and where."""

from __future__ import annotations

import random
import time

import pytest

from framework.codebook import add_theme
from framework.fuzzy import FuzzyIndex, fold, fuzzy_match, theme_candidates
from framework.templates import apply_template, load_template
from models.project import create_project


def _template_paths(name: str = "neighbourhood-policing") -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []

    def walk(themes, ancestors):
        for theme in themes:
            segments = (*ancestors, theme["name"])
            paths.append(segments)
            walk(theme.get("children", []), segments)

    walk(load_template(name)["themes"], ())
    return paths


@pytest.fixture(scope="module")
def index() -> FuzzyIndex:
    return FuzzyIndex(_template_paths())


def ranked(index: FuzzyIndex, query: str, top: int = 5) -> list[str]:
    return [index.text(match.index) for match in index.search(query)[:top]]


def test_letters_in_order_find_the_theme_whose_name_holds_them(index):
    assert ranked(index, "tsk")[0] == "Information sharing/Tasking meetings"
    assert ranked(index, "lead")[0] == "Facilitators/Strong leadership and commitment"
    assert ranked(index, "safe")[0] == "Benefits for residents/Improved perceptions of safety"
    assert ranked(index, "cut")[0] == "Barriers/Public spending cuts"


def test_an_exact_name_then_name_prefixes_come_first(index):
    assert ranked(index, "barriers", 1) == ["Barriers"]
    assert ranked(index, "PACT meetings", 1) == ["Community engagement/PACT meetings"]
    # Four names start with "inf"; ties go to the shorter path, then framework order.
    assert ranked(index, "inf", 4) == [
        "Information sharing",
        "Information sharing/Informal exchange",
        "Community engagement/Informing residents",
        "Problem solving/Informal problem-solving approaches",
    ]


def test_a_match_in_the_name_outranks_the_same_match_on_an_ancestor(index):
    order = ranked(index, "comm", 30)
    assert order[0] == "Community engagement"
    in_names = [order.index("Facilitators/Effective communication"),
                order.index("Barriers/Narrow community engagement")]
    on_ancestor = order.index("Community engagement/PACT meetings")
    assert max(in_names) < on_ancestor


def test_letters_together_outrank_letters_scattered_through_a_name(index):
    order = ranked(index, "bar", 12)
    assert order[0] == "Barriers"
    assert all(path.startswith("Barriers/") for path in order[1:6])
    assert order.index("Barriers/Public spending cuts") < order.index("Benefits for partners")


def test_words_match_independently_and_all_must_match(index):
    assert ranked(index, "lead strong") == ["Facilitators/Strong leadership and commitment"]
    assert ranked(index, "strong lead") == ["Facilitators/Strong leadership and commitment"]
    assert ranked(index, "lead zebra") == []
    assert ranked(index, "ben res", 1) == ["Benefits for residents"]


def test_a_slash_addresses_the_path(index):
    assert ranked(index, "info/tsk") == ["Information sharing/Tasking meetings"]
    order = ranked(index, "barriers/", 8)
    assert len(order) == 6 and all(path.startswith("Barriers/") for path in order)


def test_case_and_accents_are_ignored_and_positions_point_at_the_original():
    match = fuzzy_match("cafe", ["Réunions", "Café Œuvre"])
    assert match is not None
    text = "Réunions/Café Œuvre"
    assert [text[p] for p in match.positions] == ["C", "a", "f", "é"]
    assert fuzzy_match("oeuvre", ["Café Œuvre"]).positions == (5, 6, 7, 8, 9)  # Œ is "oe"
    assert fuzzy_match("reu", ["Réunions"]).positions == (0, 1, 2)
    assert fuzzy_match("strasse", ["Straße"]).positions == (0, 1, 2, 3, 4, 5)
    assert fuzzy_match("o'neil", ["O’Neil’s estate"]) is not None
    assert fold("ÉCOLE Ø") == "ecole o"
    assert fuzzy_match("xyz", ["Café"]) is None


def test_positions_mark_the_best_placement_for_bold_highlighting(index):
    match = index.search("tsk")[0]
    text = index.text(match.index)
    assert [text[p] for p in match.positions] == ["T", "s", "k"]
    assert match.positions[0] == index.name_start(match.index) == len("Information sharing/")
    lead = index.search("lead")[0]
    assert index.text(lead.index)[lead.positions[0]:lead.positions[-1] + 1] == "lead"


def test_an_empty_query_lists_everything_in_order(index):
    matches = index.search("   ")
    assert [m.index for m in matches] == list(range(len(index)))
    assert all(m.score == 0 and m.positions == () for m in matches)


def test_narrowing_as_you_type_gives_the_same_results_as_a_fresh_search():
    paths = _template_paths()
    typed = FuzzyIndex(paths)
    for query in ["p", "pr", "pro", "prob", "prob s", "prob so", "pro", "x", "", "co"]:
        assert typed.search(query) == FuzzyIndex(paths).search(query), query


def test_two_thousand_themes_are_searched_in_a_blink():
    words = ("partner police council resident meeting trust data safety funding youth crime "
             "estate housing school leadership patrol").split()
    chooser = random.Random(7)
    paths = [tuple(" ".join(chooser.choice(words) for _ in range(chooser.randint(1, 4))).capitalize() + f" {n}"
                   for _ in range(chooser.randint(1, 3))) for n in range(2000)]
    index = FuzzyIndex(paths)
    slowest = 0.0
    for query in ["p", "pa", "par", "part", "t", "tr", "tru", "s m", "hou sch", "yth"]:
        started = time.perf_counter()
        index.search(query)
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.2  # typically 10-20 ms; generous for a busy test machine
    small = FuzzyIndex(_template_paths())
    started = time.perf_counter()
    for query in ["t", "ts", "tsk", "l", "le", "lea", "lead", "co", "comm"]:
        small.search(query)
    assert (time.perf_counter() - started) / 9 < 0.01  # typically 0.2 ms


def test_theme_candidates_list_the_framework_in_order_with_guids(tmp_path):
    with create_project(tmp_path / "study.charter") as project:
        with project.transaction("template") as session:
            apply_template(session, "neighbourhood-policing")
            barriers = next(c.id for c in theme_candidates(session) if c.path == "Barriers")
            add_theme(session, "Parking/traffic", parent_id=barriers)
        with project.session() as session:
            candidates = theme_candidates(session)
    assert candidates[0].path == "Partnership arrangements" and candidates[0].parent_id is None
    assert candidates[1].segments == ("Partnership arrangements", "Partner mix and membership")
    slashed = next(c for c in candidates if c.name == "Parking/traffic")
    assert slashed.path == "Barriers/Parking\\/traffic"
    assert slashed.segments == ("Barriers", "Parking/traffic") and slashed.parent_id == barriers
    assert len({c.guid for c in candidates}) == len(candidates) and all(c.guid for c in candidates)
    assert len(candidates) == len(_template_paths()) + 1
