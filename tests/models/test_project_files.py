"""Opening things that are not (current) Charter projects fails cleanly and changes nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from models.project import NewerSchemaError, ProjectError, create_project, open_project


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the folder and its hash: proves nothing was written or created."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())
    }


def make_random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def make_other_sqlite_db(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
        connection.execute("INSERT INTO recipes (title) VALUES ('soup')")
    connection.close()


def make_truncated_project(path: Path) -> None:
    whole = path.with_name("whole.charter")
    with create_project(whole) as project, project.transaction("fill") as session:
        from models import Source

        for number in range(40):
            session.add(Source(name=f"s{number}", text=f"Transcript {number}. " * 400))
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: len(data) // 2])


def make_empty_file(path: Path) -> None:
    path.write_bytes(b"")


def make_text_file(path: Path) -> None:
    path.write_text("Interviewer: this is a transcript, not a project.\n")


@pytest.mark.parametrize(
    "make, expected",
    [
        (make_random_bytes, "not a SQLite database"),
        (make_other_sqlite_db, "not a Charter project"),
        (make_truncated_project, "truncated"),
        (make_empty_file, "empty"),
        (make_text_file, "not a SQLite database"),
    ],
    ids=["random bytes", "other sqlite db", "truncated project", "empty file", "text file"],
)
def test_non_project_files_are_refused_and_left_byte_identical(tmp_path, make, expected):
    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / "suspect.charter"
    make(path)
    before = fingerprint(folder)
    with pytest.raises(ProjectError) as raised:
        open_project(path)
    message = str(raised.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message
    assert fingerprint(folder) == before


def test_missing_path_and_folder_are_refused(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        open_project(tmp_path / "nowhere.charter")
    with pytest.raises(ProjectError, match="is a folder"):
        open_project(tmp_path)


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "taken.charter"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        create_project(path)
    assert path.read_text() == "precious"


def test_project_from_a_newer_charter_is_refused(location):
    create_project(location).close()
    with open_project(location) as project, project.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    is_file = "://" not in location
    before = Path(location).read_bytes() if is_file else None
    with pytest.raises(NewerSchemaError, match="newer version of Charter"):
        open_project(location)
    if is_file:
        assert Path(location).read_bytes() == before


def test_a_postgres_database_without_charter_tables_is_refused(postgres_cluster):
    url = postgres_cluster.create_database()
    with pytest.raises(ProjectError, match="not a Charter project"):
        open_project(url)


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(tmp_path):
    with create_project(tmp_path / "p.charter") as project, project.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
