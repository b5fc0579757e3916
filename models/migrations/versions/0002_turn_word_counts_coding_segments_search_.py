"""Turn word counts, coding segments and the full-text search index.

* ``turns.word_count``: the words of each turn, filled in for existing turns.
* ``coding_segments``: each coding's overlap with each turn and its words, filled in for
  existing codings; the matrix counts from these.
* ``turn_search``: the full-text index over turns (FTS5 on SQLite, tsvector + GIN on
  PostgreSQL), filled from existing turns, emptied of a turn's row when the turn is
  deleted (trigger). See ``models.search_index``.

The word rule is written out here, not imported, so this revision keeps meaning what it
meant when it was written.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:58:46.547387
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WORD = re.compile(r"\w+(?:['’]\w+)*")


def upgrade() -> None:
    op.create_table(
        "coding_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coding_id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("words", sa.Integer(), nullable=False),
        sa.CheckConstraint('start >= 0 AND start < "end"', name=op.f("ck_coding_segments_span_ordered")),
        sa.CheckConstraint("words >= 0", name=op.f("ck_coding_segments_words_not_negative")),
        sa.ForeignKeyConstraint(["coding_id"], ["codings.id"], name=op.f("fk_coding_segments_coding_id_codings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"], name=op.f("fk_coding_segments_participant_id_participants"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["turn_id"], ["turns.id"], name=op.f("fk_coding_segments_turn_id_turns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_segments")),
    )
    op.create_index(op.f("ix_coding_segments_coding_id"), "coding_segments", ["coding_id"], unique=False)
    op.create_index(op.f("ix_coding_segments_participant_id"), "coding_segments", ["participant_id"], unique=False)
    op.create_index(op.f("ix_coding_segments_turn_id"), "coding_segments", ["turn_id"], unique=False)
    # A plain ADD COLUMN: a batch rebuild of turns would drop its span triggers.
    op.add_column("turns", sa.Column("word_count", sa.Integer(), server_default="0", nullable=False))
    _fill_turn_words_and_segments()
    _create_search_index()


def _fill_turn_words_and_segments() -> None:
    bind = op.get_bind()
    for source_id, text in bind.execute(sa.text("SELECT id, text FROM sources")).all():
        turns = bind.execute(
            sa.text('SELECT id, participant_id, start, "end" FROM turns WHERE source_id = :s ORDER BY start'),
            {"s": source_id},
        ).all()
        if turns:
            bind.execute(
                sa.text("UPDATE turns SET word_count = :w WHERE id = :id"),
                [{"id": t.id, "w": len(WORD.findall(text[t.start:t.end]))} for t in turns],
            )
        codings = bind.execute(
            sa.text('SELECT id, start, "end" FROM codings WHERE source_id = :s'), {"s": source_id}
        ).all()
        segments = []
        for coding in codings:
            overlaps = [t for t in turns if t.start < coding.end and coding.start < t.end]
            for turn in overlaps or [None]:
                start = max(coding.start, turn.start) if turn else coding.start
                end = min(coding.end, turn.end) if turn else coding.end
                segments.append({
                    "coding_id": coding.id, "turn_id": turn.id if turn else None,
                    "participant_id": turn.participant_id if turn else None,
                    "start": start, "end": end, "words": len(WORD.findall(text[start:end])),
                })
        if segments:
            bind.execute(
                sa.text(
                    'INSERT INTO coding_segments (coding_id, turn_id, participant_id, start, "end", words) '
                    "VALUES (:coding_id, :turn_id, :participant_id, :start, :end, :words)"
                ),
                segments,
            )


def _create_search_index() -> None:
    turn_text = 'substr(s.text, t.start + 1, t."end" - t.start)'
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE turn_search USING fts5("
            "body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"INSERT INTO turn_search (rowid, body) SELECT t.id, {turn_text} "
            "FROM turns t JOIN sources s ON s.id = t.source_id"
        )
        op.execute(
            "CREATE TRIGGER turns_search_delete AFTER DELETE ON turns "
            "BEGIN DELETE FROM turn_search WHERE rowid = OLD.id; END"
        )
    else:
        op.execute(
            "CREATE TABLE turn_search (turn_id INTEGER PRIMARY KEY "
            "REFERENCES turns (id) ON DELETE CASCADE, body tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX turn_search_body ON turn_search USING GIN (body)")
        op.execute(
            f"INSERT INTO turn_search (turn_id, body) SELECT t.id, to_tsvector('simple', {turn_text}) "
            "FROM turns t JOIN sources s ON s.id = t.source_id"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS turns_search_delete")
        op.execute("DROP TABLE IF EXISTS turn_search")
        op.execute("ALTER TABLE turns DROP COLUMN word_count")  # keeps the span triggers
    else:
        op.execute("DROP TABLE IF EXISTS turn_search")
        op.drop_column("turns", "word_count")
    op.drop_table("coding_segments")
