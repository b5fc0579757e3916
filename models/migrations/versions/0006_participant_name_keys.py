"""Participants: a stored name key, unique per site, replacing SQL ``lower()`` matching.

``participants.name_key`` is the name NFC-normalised, case folded (all of Unicode, not
only ASCII as SQLite's ``lower()``) and with white space collapsed; names are unique by
it within a site, and among participants with no site. Existing rows get their key.

Two existing participants of one site (or both with no site) whose names differ only in
case or accents' encoding ("JOSÉ ÑÚÑEZ" and "José Ñúñez", which the old ASCII-only
matching let an import create twice) would collide on the new key. Nothing is merged,
because merging would have to choose between their summaries and attribute values: the
earliest (lowest id) keeps its name, each later one gets the first free numbered name
("José Ñúñez (2)"), keeping its turns, codings, summaries and attributes, and every such
rename is written to the audit log. The researcher can then tell them apart or merge them.

The key rule is written out here, not imported, so this revision keeps meaning what it
meant when it was written.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 04:53:01
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

NAME_LIMIT = 200  # participants.name is String(200)
OPERATION = "schema upgrade 0006: participant names compared by name_key"

AUDIT_LOG = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("operation", sa.String),
    sa.column("action", sa.String),
    sa.column("table_name", sa.String),
    sa.column("row_id", sa.Integer),
    sa.column("changes", sa.JSON),
)


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return " ".join(folded.split())


def upgrade() -> None:
    # A plain ADD COLUMN, then one batch rebuild for the constraints; participants has
    # no triggers to recreate.
    op.add_column("participants", sa.Column("name_key", sa.Text(), nullable=True))
    _fill_keys()
    with op.batch_alter_table("participants") as batch:
        batch.alter_column("name_key", existing_type=sa.Text(), nullable=False)
        batch.drop_constraint("uq_participants_site_id_name", type_="unique")
        batch.create_unique_constraint("uq_participants_site_id_name_key", ["site_id", "name_key"])
    op.create_index("uq_participants_name_key_no_site", "participants", ["name_key"], unique=True,
                    sqlite_where=sa.text("site_id IS NULL"), postgresql_where=sa.text("site_id IS NULL"))


def _fill_keys() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, site_id, name FROM participants ORDER BY id")).all()
    taken = {(row.site_id, name_key(row.name)) for row in rows}  # every key some row has now
    kept: set[tuple[int | None, str]] = set()
    updates, renames = [], []
    for row in rows:
        name, key = row.name, name_key(row.name)
        if (row.site_id, key) in kept:
            name, key = _free_name(row.name, row.site_id, taken)
            taken.add((row.site_id, key))
            renames.append((row, name))
        kept.add((row.site_id, key))
        updates.append({"id": row.id, "name": name, "key": key})
    if updates:
        bind.execute(sa.text("UPDATE participants SET name = :name, name_key = :key WHERE id = :id"), updates)
    if renames:
        now = dt.datetime.now(dt.timezone.utc)
        bind.execute(sa.insert(AUDIT_LOG), [
            {"at": now, "operation": OPERATION, "action": "update", "table_name": "participants",
             "row_id": row.id, "changes": {"columns": ["name"], "name": [row.name, name]}}
            for row, name in renames
        ])


def _free_name(name: str, site_id: int | None, taken: set[tuple[int | None, str]]) -> tuple[str, str]:
    """The first "name (2)", "name (3)" … whose key no participant of the site has."""
    number = 2
    while True:
        suffix = f" ({number})"
        candidate = name[: NAME_LIMIT - len(suffix)].rstrip() + suffix
        if (site_id, name_key(candidate)) not in taken:
            return candidate, name_key(candidate)
        number += 1


def downgrade() -> None:
    # Names renamed on the way up keep their numbers: the old (site, name) rule holds for them.
    op.drop_index("uq_participants_name_key_no_site", table_name="participants")
    with op.batch_alter_table("participants") as batch:
        batch.drop_constraint("uq_participants_site_id_name_key", type_="unique")
        batch.create_unique_constraint("uq_participants_site_id_name", ["site_id", "name"])
        batch.drop_column("name_key")
