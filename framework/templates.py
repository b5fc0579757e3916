"""Framework templates: ready-made codebooks a new project can start from.

Templates are TOML files in ``resources/templates/`` so that researchers can read and
contribute them without touching code. A theme is a table with ``name``, optional
``colour`` (top-level themes; sub-themes take their parent's), ``description``,
``use_when``, ``dont_use_when``, ``example`` and nested ``children``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Theme
from models.errors import CharterError

DEFAULT_COLOUR = "#999999"


class TemplateError(CharterError):
    """A template name that does not exist, or a template file that is malformed."""


@dataclass(frozen=True)
class TemplateSummary:
    name: str
    title: str
    description: str


def _template_files() -> dict[str, Any]:
    folder = resources.files("resources") / "templates"
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def template_names() -> list[str]:
    return sorted(_template_files())


def load_template(name: str) -> dict[str, Any]:
    files = _template_files()
    if name not in files:
        raise TemplateError(
            f"There is no framework template called {name!r}; "
            f"choose one of: {', '.join(sorted(files))}."
        )
    try:
        return tomllib.loads(files[name].read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"The framework template {name!r} is malformed: {error}.") from error


def describe_templates() -> list[TemplateSummary]:
    summaries = []
    for name in template_names():
        data = load_template(name)
        summaries.append(
            TemplateSummary(name, data.get("title", name), data.get("description", ""))
        )
    return summaries


def apply_template(session: Session, name: str) -> int:
    """Add a template's themes after any top-level themes already present.

    Returns the number of themes created.
    """
    data = load_template(name)
    next_position = session.scalar(
        select(func.coalesce(func.max(Theme.position) + 1, 0)).where(Theme.parent_id.is_(None))
    )
    created = 0
    for offset, spec in enumerate(data.get("themes", [])):
        created += _add_theme(session, spec, None, next_position + offset, DEFAULT_COLOUR)
    session.flush()
    return created


def _add_theme(
    session: Session, spec: dict[str, Any], parent: Theme | None, position: int, inherited: str
) -> int:
    if not str(spec.get("name", "")).strip():
        raise TemplateError("Every theme in a framework template needs a name.")
    colour = spec.get("colour", inherited)
    theme = Theme(
        name=spec["name"].strip(),
        parent=parent,
        position=position,
        colour=colour,
        description=spec.get("description", ""),
        use_when=spec.get("use_when", ""),
        dont_use_when=spec.get("dont_use_when", ""),
        example=spec.get("example", ""),
    )
    session.add(theme)
    created = 1
    for child_position, child in enumerate(spec.get("children", [])):
        created += _add_theme(session, child, theme, child_position, colour)
    return created
