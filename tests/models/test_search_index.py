"""The full-text index can be rebuilt from the turns and stays in step with deletions."""

from __future__ import annotations

from sqlalchemy import text

from importers.service import import_files
from models.search_index import rebuild_index


def hits(connection, backend: str, word: str) -> list[int]:
    query = ("SELECT rowid FROM turn_search WHERE turn_search MATCH :w ORDER BY rowid" if backend == "sqlite"
             else "SELECT turn_id FROM turn_search WHERE body @@ to_tsquery('simple', :w) ORDER BY turn_id")
    return [row[0] for row in connection.execute(text(query), {"w": word})]


def test_rebuild_gives_the_same_index_and_deletes_follow(project, tmp_path):
    (tmp_path / "a.txt").write_text("Interviewer: Who shares data?\nJo: The council shares data weekly.")
    (tmp_path / "b.txt").write_text("Interviewer: And you?\nAl: We share nothing with the council.")
    import_files(project, [tmp_path / "a.txt", tmp_path / "b.txt"])
    with project.engine.begin() as connection:
        before = hits(connection, project.backend, "council")
        assert len(before) == 2
        assert rebuild_index(connection) == 4
        assert hits(connection, project.backend, "council") == before
        connection.execute(text("DELETE FROM sources WHERE name = 'a'"))
        assert len(hits(connection, project.backend, "council")) == 1
