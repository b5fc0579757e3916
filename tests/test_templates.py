"""Framework templates load into a real project as the expected tree."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from framework.templates import TemplateError, apply_template, load_template, template_names
from models import Theme

STUDY_TOP_LEVEL = [
    "Partnership arrangements",
    "Information sharing",
    "Problem solving",
    "Community engagement",
    "Facilitators",
    "Barriers",
    "Benefits for residents",
    "Benefits for partners",
]


def themes_by_parent(session) -> dict[str | None, list[Theme]]:
    themes = session.scalars(select(Theme).order_by(Theme.parent_id, Theme.position)).all()
    names = {t.id: t.name for t in themes}
    tree: dict[str | None, list[Theme]] = {}
    for theme in themes:
        tree.setdefault(names.get(theme.parent_id), []).append(theme)
    return tree


def test_blank_template_is_facilitators_barriers_benefits(project):
    with project.transaction("template") as session:
        assert apply_template(session, "blank") == 3
    with project.session() as session:
        tree = themes_by_parent(session)
    assert [t.name for t in tree[None]] == ["Facilitators", "Barriers", "Benefits"]
    assert all(t.description for t in tree[None])


def test_neighbourhood_policing_template_follows_the_study(project):
    with project.transaction("template") as session:
        created = apply_template(session, "neighbourhood-policing")
    with project.session() as session:
        tree = themes_by_parent(session)
    top = tree[None]
    assert [t.name for t in top] == STUDY_TOP_LEVEL
    assert created == sum(len(children) for children in tree.values()) >= 20
    for parent in top:
        children = tree.get(parent.name, [])
        assert len(children) >= 2, parent.name
        assert [c.position for c in children] == list(range(len(children)))
        assert {c.colour for c in children} == {parent.colour}
    every_theme = [t for children in tree.values() for t in children]
    assert all(t.description.strip() for t in every_theme)
    assert len({t.colour for t in top}) == len(top)


def test_applying_a_template_appends_after_existing_top_level_themes(project):
    with project.transaction("own theme") as session:
        session.add(Theme(name="Emerging issues", position=0))
    with project.transaction("template") as session:
        apply_template(session, "blank")
    with project.session() as session:
        top = themes_by_parent(session)[None]
    assert [(t.name, t.position) for t in top] == [
        ("Emerging issues", 0), ("Facilitators", 1), ("Barriers", 2), ("Benefits", 3),
    ]


def test_unknown_template_names_the_choices():
    with pytest.raises(TemplateError, match="no framework template called 'nope'.*blank"):
        load_template("nope")
    assert {"blank", "neighbourhood-policing"} <= set(template_names())
