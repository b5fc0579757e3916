"""Transactions: writers wait for each other, readers wait for no one, and a database
failure the user can meet arrives as one sentence with nothing half-written.

The failures are produced for real: another connection holding SQLite's write lock,
SQLite's page limit (the same "database or disk is full" a full disk gives), SQLite's
query-only switch (the same "attempt to write a readonly database" a read-only file
gives), a PostgreSQL backend terminated by the server, and a port nothing listens on.
"""

from __future__ import annotations

import socket
import sqlite3
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from models import Source, Theme
from models.db_errors import DiskFull, ProjectBusy, ProjectReadOnly, ServerUnreachable
from models.engine import database_url, make_engine
from models.errors import CharterError
from models.project import Project, create_project, open_project


def source_count(project: Project) -> int:
    with project.session() as session:
        return session.scalar(select(func.count(Source.id)))


@pytest.fixture
def sqlite_project(tmp_path):
    created = create_project(tmp_path / "study.charter")
    yield created
    created.close()


@pytest.fixture
def other_writer(sqlite_project):
    """Another program's connection to the same file, holding the write lock."""
    connection = sqlite3.connect(sqlite_project.url.database, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    yield connection
    connection.close()


@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr("models.engine.SQLITE_BUSY_TIMEOUT_MS", 200)


def test_a_transaction_that_reads_first_waits_for_another_writer_then_writes(tmp_path):
    """Two programs on one file. The second starts while the first holds the write lock,
    reads, then writes: it must wait for the lock and succeed, not fail on "database is
    locked" (which is what a transaction begun as a read gets)."""
    path = tmp_path / "study.charter"
    create_project(path).close()
    started, finished = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def second_program(project: Project) -> None:
        started.set()
        try:
            with project.transaction("add") as session:
                existing = session.scalar(select(func.count(Source.id)))
                session.add(Source(name=f"after {existing}", text="Second."))
        except BaseException as error:  # handed to the test thread, which asserts on it
            errors.append(error)
        finally:
            finished.set()

    with open_project(path) as first, open_project(path) as second:
        with first.transaction("add") as session:
            session.add(Source(name="first", text="First."))
            session.flush()
            thread = threading.Thread(target=second_program, args=(second,))
            thread.start()
            assert started.wait(10)
            finished.wait(0.5)  # a writer that waits is still blocked; one that failed is done
        thread.join(30)
        assert finished.is_set()
        assert errors == []
        with second.session() as session:
            assert sorted(session.scalars(select(Source.name))) == ["after 1", "first"]


def test_a_writer_kept_waiting_past_the_busy_timeout_hears_the_project_is_busy(
        tmp_path, short_busy_timeout):
    path = tmp_path / "study.charter"
    create_project(path).close()
    with open_project(path) as project:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(ProjectBusy) as raised, project.transaction("add") as session:
                session.add(Source(name="mine", text="Never stored."))
        finally:
            blocker.close()
        message = str(raised.value)
        assert "busy" in message and str(path) in message and "nothing was changed" in message
        assert "\n" not in message
        assert isinstance(raised.value, CharterError)
        assert source_count(project) == 0
        with project.transaction("add again") as session:  # the lock gone, the project works
            session.add(Source(name="mine", text="Stored now."))
        assert source_count(project) == 1


def test_readers_never_wait_for_a_writer(sqlite_project, short_busy_timeout, other_writer):
    with open_project(sqlite_project.url.database) as project, project.session() as session:
        assert session.scalar(select(func.count(Source.id))) == 0


def test_a_full_disk_is_one_sentence_and_nothing_is_stored(sqlite_project):
    with pytest.raises(DiskFull) as raised, sqlite_project.transaction("add") as session:
        pages = session.execute(text("PRAGMA page_count")).scalar()
        session.execute(text(f"PRAGMA max_page_count = {pages}"))
        session.add(Source(name="big", text="Many words here. " * 5000))
    assert "full" in str(raised.value) and sqlite_project.url.database in str(raised.value)
    sqlite_project.close()  # the limit stays on the pooled connection; a fresh one has none
    with open_project(sqlite_project.url.database) as reopened:
        assert source_count(reopened) == 0


def test_a_read_only_database_is_one_sentence_and_nothing_is_stored(sqlite_project):
    with pytest.raises(ProjectReadOnly) as raised, sqlite_project.transaction("add") as session:
        session.execute(text("PRAGMA query_only = ON"))
        session.add(Source(name="blocked", text="Not allowed."))
    assert "read-only" in str(raised.value)
    sqlite_project.close()
    with open_project(sqlite_project.url.database) as reopened:
        assert source_count(reopened) == 0


def test_a_broken_rule_is_left_as_the_bug_it_is(project):
    """IntegrityError means the caller skipped a check: not translated for the user."""
    with pytest.raises(IntegrityError, match="(?i)unique"), project.transaction("duplicate") as session:
        session.add_all([Theme(name="Same", colour="#000000"), Theme(name="Same", colour="#000000")])


@pytest.mark.postgres
def test_a_lost_postgres_connection_is_one_sentence_and_the_next_transaction_works(postgres_cluster):
    location = postgres_cluster.create_database()
    with create_project(location) as project:
        with pytest.raises(ServerUnreachable) as raised, project.transaction("add") as session:
            session.add(Source(name="lost", text="Never stored."))
            session.flush()
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
            with project.engine.connect() as admin:  # as a server restart would
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            session.execute(text("SELECT 1"))
        assert str(raised.value).startswith(f"The connection to {project.location} was lost (")
        assert "either saved whole or not at all" in str(raised.value)
        assert source_count(project) == 0
        with project.transaction("add") as session:
            session.add(Source(name="kept", text="Stored."))
        assert source_count(project) == 1


@pytest.mark.postgres
def test_a_postgres_server_that_refuses_is_one_sentence():
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://charter:secret@127.0.0.1:{port}/study"
    project = Project(make_engine(database_url(url)), url, database_url(url))
    with pytest.raises(ServerUnreachable) as raised, project.transaction("add"):
        pass
    assert "secret" not in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith("Charter cannot connect to postgresql+psycopg://charter:***@")
    with pytest.raises(ServerUnreachable, match="^Charter cannot connect to "):
        open_project(url)
