"""Partial index on codings with memos (the Memos pane's list).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:30:03.199003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX: no batch mode, so SQLite never rebuilds `codings` (and its
    # span triggers survive).
    op.create_index("ix_codings_with_memo", "codings", ["source_id", "start"], unique=False,
                    sqlite_where=sa.text("memo != ''"), postgresql_where=sa.text("memo <> ''"))


def downgrade() -> None:
    op.drop_index("ix_codings_with_memo", table_name="codings")
