"""The full-text index over speaker turns, one row per turn, in step with the turns.

SQLite: an FTS5 table ``turn_search`` (rowid = turn id; ``unicode61`` tokenizer with
diacritics removed, so "cafe" finds "café"). PostgreSQL: a table ``turn_search`` of
``tsvector`` values with a GIN index, using the 'simple' configuration (no stemming:
lemma search is Charter's own, see ``framework.nlp``). Rows are added by whoever adds
turns (the importer) and removed by a trigger when turns go, so deleting a source can
never leave stale hits. The tables are created by the migrations, not by the models.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

SEARCH_TABLE = "turn_search"
SEARCH_TABLE_PREFIX = "turn_search"


def index_turns(connection: Connection, rows: Iterable[tuple[int, str]]) -> None:
    """Add ``(turn_id, turn_text)`` rows to the index."""
    params = [{"id": turn_id, "body": body} for turn_id, body in rows]
    if not params:
        return
    if connection.dialect.name == "sqlite":
        statement = f"INSERT INTO {SEARCH_TABLE} (rowid, body) VALUES (:id, :body)"
    else:
        statement = (
            f"INSERT INTO {SEARCH_TABLE} (turn_id, body) "
            "VALUES (:id, to_tsvector('simple', :body))"
        )
    connection.execute(text(statement), params)


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 2')"
)


def rebuild_index(connection: Connection) -> int:
    """Rebuild the whole index from the turns; returns the number of turns indexed.

    On SQLite the FTS5 table is dropped and made again: emptying it row by row costs
    as much as a quarter of the rebuild. (The delete trigger on turns names the table,
    so it keeps working.)
    """
    turn_text = 'substr(s.text, t.start + 1, t."end" - t.start)'
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DROP TABLE IF EXISTS {SEARCH_TABLE}"))
        connection.execute(text(SQLITE_CREATE))
        statement = f"INSERT INTO {SEARCH_TABLE} (rowid, body) SELECT t.id, {turn_text}"
    else:
        connection.execute(text(f"DELETE FROM {SEARCH_TABLE}"))
        statement = (f"INSERT INTO {SEARCH_TABLE} (turn_id, body) "
                     f"SELECT t.id, to_tsvector('simple', {turn_text})")
    result = connection.execute(
        text(f"{statement} FROM turns t JOIN sources s ON s.id = t.source_id")
    )
    return result.rowcount
