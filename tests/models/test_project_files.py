"""Opening things that are not (current) Charter projects fails cleanly and changes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from models import Source
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


def caught_mid_checkpoint(folder: Path) -> Path:
    """A project as a crash during a checkpoint leaves it: the work of the last commits
    is in the ``-wal`` file, and the checkpoint had written only page 1 back into the
    main file (it writes pages in order) when the process died. The header then
    announces more pages than the file has, yet every missing page is in the log."""
    live = folder / "live.charter"
    create_project(live).close()
    crashed = folder / "crashed.charter"
    with open_project(live) as project:
        with project.transaction("fill") as session:
            for number in range(40):
                session.add(Source(name=f"s{number}", text=f"Transcript {number}. " * 400))
        # copied while the project is open, as the dying process left them
        shutil.copyfile(live, crashed)
        shutil.copyfile(live.with_name("live.charter-wal"), crashed.with_name("crashed.charter-wal"))
    log = crashed.with_name("crashed.charter-wal").read_bytes()
    page_size, salts = struct.unpack(">I", log[8:12])[0], log[16:24]
    page_one = last_committed_page_one = None
    for offset in range(32, len(log) - 24 - page_size + 1, 24 + page_size):
        number, committed_size = struct.unpack(">II", log[offset:offset + 8])
        if log[offset + 8:offset + 16] != salts:
            break
        if number == 1:
            page_one = log[offset + 24:offset + 24 + page_size]
        if committed_size:
            last_committed_page_one = page_one
    with crashed.open("r+b") as handle:
        handle.write(last_committed_page_one)
    announced = struct.unpack(">I", crashed.read_bytes()[28:32])[0]
    assert crashed.stat().st_size < announced * page_size, "not the state a checkpoint crash leaves"
    return crashed


def test_a_project_caught_in_the_middle_of_a_checkpoint_opens_with_its_committed_work(tmp_path):
    crashed = caught_mid_checkpoint(tmp_path)
    with open_project(crashed) as project, project.session() as session:
        assert session.scalar(select(func.count(Source.id))) == 40
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_a_short_project_whose_log_cannot_fill_the_gap_is_refused_unchanged(tmp_path):
    crashed = caught_mid_checkpoint(tmp_path)
    log = crashed.with_name("crashed.charter-wal")
    log.write_bytes(log.read_bytes()[:32])  # the log's header only: its frames are gone
    before = {path: path.read_bytes() for path in (crashed, log)}
    with pytest.raises(ProjectError) as raised:
        open_project(crashed)
    message = str(raised.value)
    assert message.startswith(f"{crashed} is damaged (SQLite's check found: ")
    assert "\n" not in message
    assert {path: path.read_bytes() for path in before} == before


def test_a_truncated_project_points_to_what_the_user_can_open_instead(tmp_path):
    path = tmp_path / "suspect.charter"
    make_truncated_project(path)
    with pytest.raises(ProjectError) as raised:
        open_project(path)
    assert "restore it from a backup" not in str(raised.value)
    assert "if you have a copy of it" in str(raised.value)

    saved = tmp_path / "suspect.charter.schema-0005.bak"
    saved.write_bytes(b"the copy made before an upgrade")
    with pytest.raises(ProjectError) as raised:
        open_project(path)
    assert f"{saved.name} beside it is the copy Charter saved before its last upgrade" in str(raised.value)
