"""Per-theme counts for the Framework pane, checked against hand-counted codings, and
the colour-blind-safe palette."""

from __future__ import annotations


from framework.codebook import add_theme
from framework.coding import apply_coding
from framework.palette import OKABE_ITO, PALETTE, new_theme_colour, next_colour
from framework.summaries import save_summary
from framework.theme_stats import ThemeCounts, theme_counts, theme_rows
from models import Theme
from models.themes import HEX_COLOUR


def test_counts_per_theme_and_including_sub_themes(project, study):
    t, s = study.themes, study.sources
    with project.transaction("code") as session:
        a, b = study.span(session, "partner-a", "We meet every month")
        apply_coding(session, s["partner-a"], t["Facilitators/Meetings"], a, b, study.coder)
        apply_coding(session, s["partner-a"], t["Facilitators/Meetings"], a, b, study.other_coder)
        c, d = study.span(session, "partner-b", "We share data weekly")
        apply_coding(session, s["partner-b"], t["Facilitators/Meetings"], c, d, study.coder)
        e, f = study.span(session, "partner-a", "Leadership from the manager helps.")
        apply_coding(session, s["partner-a"], t["Facilitators/Leadership"], e, f, study.coder)
        g, h = study.span(session, "residents-a", "Safer than before.")
        apply_coding(session, s["residents-a"], t["Facilitators"], g, h, study.coder)
        save_summary(session, study.people["Sam"], t["Facilitators/Meetings"], "Monthly.", author_id=study.coder,
                     expected_version=None)
        save_summary(session, study.people["Kit"], t["Facilitators/Meetings"], "Weekly.", author_id=study.coder,
                     expected_version=None)
    with project.session() as session:
        counts = theme_counts(session)
    assert counts[t["Facilitators/Meetings"]] == ThemeCounts(3, 2, 2, 3, 2, 2)
    assert counts[t["Facilitators/Leadership"]] == ThemeCounts(1, 1, 0, 1, 1, 0)
    assert counts[t["Facilitators"]] == ThemeCounts(1, 1, 0, 5, 3, 2)
    assert counts[t["Barriers"]] == counts[t["Benefits"]] == ThemeCounts()
    assert set(counts) == set(t.values())


def test_theme_rows_in_framework_order_with_definitions(project, study):
    with project.transaction("define") as session:
        add_theme(session, "Trust", position=0, description="Residents trusting partners.")
        rows = theme_rows(session)
    top = [row.name for row in rows if row.parent_id is None]
    assert top == ["Trust", "Facilitators", "Barriers", "Benefits"]
    assert next(row for row in rows if row.name == "Trust").description == "Residents trusting partners."
    assert all(len(row.guid) == 36 for row in rows)


def test_palette_is_valid_distinct_and_reused_least_first():
    assert all(HEX_COLOUR.match(colour) for colour in PALETTE)
    assert len(set(PALETTE)) == len(PALETTE) >= 24
    assert next_colour([]) == OKABE_ITO[0]
    assert next_colour(["#e69f00", "#56B4E9"]) == "#009E73"  # case does not matter
    everything_once = list(PALETTE) + [PALETTE[0], PALETTE[1]]
    assert next_colour(everything_once) == PALETTE[2]


def test_new_theme_colour_follows_parent_or_palette(project, study):
    with project.transaction("colours") as session:
        facilitators = study.themes["Facilitators"]
        parent_colour = new_theme_colour(session, facilitators)
        assert parent_colour == session.get(Theme, facilitators).colour
        used = {row.colour for row in theme_rows(session) if row.parent_id is None}
        top_colour = new_theme_colour(session, None)
        assert top_colour in PALETTE and top_colour not in used
