"""Coding segments carry their coding's theme and source and the participant's part.

The matrix then reads one covering index instead of joining codings to segments (see
``models.themes.CodingSegment``). Segments are derived data, so the table is rebuilt
and refilled from the codings and turns rather than altered in place. The word rule is
written out here so that this revision keeps meaning what it meant when written.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:40:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WORD = re.compile(r"\w+(?:['’]\w+)*")


def _create_table(with_parts: bool) -> None:
    part_columns = [
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("part_start", sa.Integer(), nullable=False),
        sa.Column("part_end", sa.Integer(), nullable=False),
        sa.Column("part_words", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], name=op.f("fk_coding_segments_theme_id_themes"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name=op.f("fk_coding_segments_source_id_sources"), ondelete="CASCADE"),
    ] if with_parts else []
    op.create_table(
        "coding_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        *part_columns,
        sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f("ck_coding_segments_span_ordered")),
        sa.CheckConstraint("words >= 0", name=op.f("ck_coding_segments_words_not_negative")),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], name=op.f("fk_coding_segments_coding_id_codings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], name=op.f("fk_coding_segments_participant_id_participants"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_coding_segments_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_segments")),
    )
    op.create_index(op.f("ix_coding_segments_coding_id"), "coding_segments", ["coding_id"])
    op.create_index(op.f("ix_coding_segments_turn_id"), "coding_segments", ["turn_id"])
    if with_parts:
        op.create_index(op.f("ix_coding_segments_theme_id"), "coding_segments", ["theme_id"])
        op.create_index(op.f("ix_coding_segments_source_id"), "coding_segments", ["source_id"])
        op.create_index("ix_coding_segments_matrix", "coding_segments",
                        ["participant_id", "theme_id", "source_id", "part_start", "part_end", "part_words"])
    else:
        op.create_index(op.f("ix_coding_segments_participant_id"), "coding_segments", ["participant_id"])


def _fill(with_parts: bool) -> None:
    bind = op.get_bind()
    insert_columns = "coding_id, turn_id, participant_id, start, \"end\", words"
    if with_parts:
        insert_columns += ", theme_id, source_id, part_start, part_end, part_words"
    statement = sa.text(
        f"INSERT INTO coding_segments ({insert_columns}) VALUES ("
        + ", ".join(f":{c.strip().strip(chr(34))}" for c in insert_columns.split(",")) + ")"
    )
    for source_id, text in bind.execute(sa.text("SELECT id, text FROM sources")).all():
        turns = bind.execute(
            sa.text('SELECT id, participant_id, start, "end" FROM turns WHERE source_id = :s ORDER BY start'),
            {"s": source_id},
        ).all()
        codings = bind.execute(
            sa.text('SELECT id, theme_id, start, "end" FROM codings WHERE source_id = :s'), {"s": source_id}
        ).all()
        rows = []
        for coding in codings:
            overlaps = [t for t in turns if t.start < coding.end and coding.start < t.end]
            segments = []
            for turn in overlaps or [None]:
                start = max(coding.start, turn.start) if turn else coding.start
                end = min(coding.end, turn.end) if turn else coding.end
                if start < end:
                    segments.append({
                        "coding_id": coding.id, "turn_id": turn.id if turn else None,
                        "participant_id": turn.participant_id if turn else None, "start": start,
                        "end": end, "words": len(WORD.findall(text[start:end])),
                        "theme_id": coding.theme_id, "source_id": source_id,
                    })
            for segment in segments:
                same = [s for s in segments if s["participant_id"] == segment["participant_id"]]
                segment["part_start"] = min(s["start"] for s in same)
                segment["part_end"] = max(s["end"] for s in same)
                segment["part_words"] = sum(s["words"] for s in same)
            rows.extend(segments)
        if rows:
            bind.execute(statement, rows)


def upgrade() -> None:
    op.drop_table("coding_segments")
    _create_table(with_parts=True)
    _fill(with_parts=True)


def downgrade() -> None:
    op.drop_table("coding_segments")
    _create_table(with_parts=False)
    _fill(with_parts=False)
