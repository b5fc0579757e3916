"""Sources without speaker labels: all their text becomes one participant's.

Until now an imported file without speaker labels (written answers, an interview typed
as prose, an observation note) was stored with its text in turns of no participant, so a
passage coded in it reached no row of the matrix. Each such source (one where no turn
has a participant) now gets what an import gives it today (``importers.store.
sole_speaker``, ``importers.assemble.line_turns``):

* one participant named after the source, of the source's site; a participant of that
  site already answering to the name (by ``name_key``) is that person, as on import. The
  import's participant type was never recorded, so a new participant has none (set it
  in Project ▸ Attributes). Each one created is written to the audit log;
* its turns replaced by one per non-blank line, trimmed, all that participant's, with
  their word counts and search-index rows;
* its codings' speaker segments rewritten from those turns, so the matrix counts them.

The text and the codings are not touched. The line, word and name-key rules are written
out here, not imported, so this revision keeps meaning what it meant when it was written.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 06:10:00
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WORD = re.compile(r"\w+(?:['’]\w+)*")
NAME_LIMIT = 200  # participants.name is String(200); source names may be longer
OPERATION = "schema upgrade 0007: a source without speaker labels is one participant's"

AUDIT_LOG = sa.table(
    "audit_log",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("operation", sa.String),
    sa.column("action", sa.String),
    sa.column("table_name", sa.String),
    sa.column("row_id", sa.Integer),
    sa.column("changes", sa.JSON),
)
PARTICIPANTS = sa.table(
    "participants",
    sa.column("id", sa.Integer),
    sa.column("site_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.Text),
    sa.column("participant_type", sa.String),
    sa.column("is_interviewer", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return " ".join(folded.split())


def line_spans(text: str) -> list[tuple[int, int]]:
    """Each line with anything on it, without the white space around it."""
    spans = []
    start = 0
    for line in text.split("\n"):
        low, high = start, start + len(line)
        while low < high and text[low].isspace():
            low += 1
        while high > low and text[high - 1].isspace():
            high -= 1
        if low < high:
            spans.append((low, high))
        start += len(line) + 1
    return spans


def upgrade() -> None:
    bind = op.get_bind()
    sources = bind.execute(sa.text(
        "SELECT s.id, s.name, s.site_id, s.text FROM sources s WHERE NOT EXISTS "
        "(SELECT 1 FROM turns t WHERE t.source_id = s.id AND t.participant_id IS NOT NULL) ORDER BY s.id"
    )).all()
    for source in sources:
        spans = line_spans(source.text)
        if spans:
            _give_to_one_participant(bind, source, spans)


def _give_to_one_participant(bind, source, spans: list[tuple[int, int]]) -> None:
    participant_id = _participant(bind, source)
    # Segments first: with SQLite's foreign keys off, deleting turns would not cascade.
    bind.execute(sa.text("DELETE FROM coding_segments WHERE source_id = :s"), {"s": source.id})
    bind.execute(sa.text("DELETE FROM turns WHERE source_id = :s"), {"s": source.id})  # and their index rows
    text = source.text
    bind.execute(
        sa.text('INSERT INTO turns (source_id, participant_id, start, "end", speaker_label, word_count) '
                "VALUES (:s, :p, :start, :end, '', :words)"),
        [{"s": source.id, "p": participant_id, "start": start, "end": end,
          "words": len(WORD.findall(text[start:end]))} for start, end in spans],
    )
    turns = bind.execute(
        sa.text('SELECT id, start, "end" FROM turns WHERE source_id = :s ORDER BY start'), {"s": source.id}
    ).all()
    index = ("INSERT INTO turn_search (rowid, body) VALUES (:id, :body)" if bind.dialect.name == "sqlite" else
             "INSERT INTO turn_search (turn_id, body) VALUES (:id, to_tsvector('simple', :body))")
    bind.execute(sa.text(index), [{"id": t.id, "body": text[t.start:t.end]} for t in turns])
    codings = bind.execute(
        sa.text('SELECT id, theme_id, start, "end" FROM codings WHERE source_id = :s'), {"s": source.id}
    ).all()
    segments = [row for coding in codings for row in _segments(coding, source.id, participant_id, turns, text)]
    if segments:
        bind.execute(sa.text(
            'INSERT INTO coding_segments (coding_id, turn_id, participant_id, start, "end", words, '
            "theme_id, source_id, part_start, part_end, part_words) VALUES (:coding_id, :turn_id, "
            ":participant_id, :start, :end, :words, :theme_id, :source_id, :part_start, :part_end, :part_words)"
        ), segments)


def _participant(bind, source) -> int:
    """The participant named after the source at its site: found, or made and audited."""
    name = source.name[:NAME_LIMIT].strip()
    key = name_key(name)
    site = "site_id IS NULL" if source.site_id is None else "site_id = :site"
    found = bind.execute(sa.text(f"SELECT id FROM participants WHERE {site} AND name_key = :key"),
                         {"site": source.site_id, "key": key}).scalar()
    if found is not None:
        return found
    now = dt.datetime.now(dt.timezone.utc)
    bind.execute(sa.insert(PARTICIPANTS).values(
        site_id=source.site_id, name=name, name_key=key, participant_type=None, is_interviewer=False,
        created_at=now))
    new_id = bind.execute(sa.text(f"SELECT id FROM participants WHERE {site} AND name_key = :key"),
                          {"site": source.site_id, "key": key}).scalar_one()
    bind.execute(sa.insert(AUDIT_LOG).values(
        at=now, operation=OPERATION, action="insert", table_name="participants", row_id=new_id,
        changes={"source_id": source.id}))
    return new_id


def _segments(coding, source_id: int, participant_id: int, turns, text: str) -> list[dict]:
    """The coding's overlap with each turn (all one participant's, so one part), or one
    row with no turn if it lies only on line breaks."""
    rows = []
    for turn in turns:
        low, high = max(coding.start, turn.start), min(coding.end, turn.end)
        if low < high:
            rows.append({"turn_id": turn.id, "participant_id": participant_id, "start": low, "end": high})
    if not rows:
        rows.append({"turn_id": None, "participant_id": None, "start": coding.start, "end": coding.end})
    for row in rows:
        row.update(coding_id=coding.id, theme_id=coding.theme_id, source_id=source_id,
                   words=len(WORD.findall(text[row["start"]:row["end"]])))
    part_words = sum(row["words"] for row in rows)
    for row in rows:
        row.update(part_start=rows[0]["start"], part_end=rows[-1]["end"], part_words=part_words)
    return rows


def downgrade() -> None:
    # The turns and participants made here are the data's truth from now on: nothing to undo.
    pass
