"""Turns: a covering index (participant, word count) for the matrix's spoken words.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 19:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index statements, no batch mode: SQLite must not rebuild `turns`.
    op.drop_index("ix_turns_participant_id", table_name="turns")
    op.create_index("ix_turns_participant_words", "turns", ["participant_id", "word_count"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_turns_participant_words", table_name="turns")
    op.create_index("ix_turns_participant_id", "turns", ["participant_id"], unique=False)
