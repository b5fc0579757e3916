"""A batch import meets the file system and the database as they are: file names in
an old encoding are imported under a readable name, and a database that cannot be
written stops the batch with one sentence instead of failing every file alike."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from importers.service import ImportOptions, import_files
from models import Source
from models.db_errors import ProjectReadOnly
from models.project import create_project

TRANSCRIPT = "Interviewer: What changed?\nSam: The patrols are visible now.\n"


def test_a_file_named_in_windows_1252_is_imported_under_its_readable_name(tmp_path):
    folder = tmp_path / "unzipped"
    folder.mkdir()
    # b"caf\xe9.txt": how an old Windows zip names "café.txt"; not UTF-8.
    (Path(os.fsdecode(bytes(folder) + b"/caf\xe9.txt"))).write_text(TRANSCRIPT, encoding="utf-8")
    with create_project(tmp_path / "names.charter") as project:
        report = import_files(project, [folder], ImportOptions(site="Site A"))
        assert [result.status for result in report.results] == ["imported"]
        with project.session() as session:
            assert session.execute(select(Source.name, Source.original_filename)).one() == ("café", "café.txt")


def test_a_database_that_cannot_be_written_stops_the_batch_and_keeps_what_was_stored(tmp_path):
    for number in range(3):
        (tmp_path / f"interview-{number}.txt").write_text(TRANSCRIPT.replace("now", f"now {number}"))
    with create_project(tmp_path / "study.charter") as project:
        import_files(project, [tmp_path / "interview-0.txt"], ImportOptions(site="Site A"))
        project.engine.dispose()
        event.listen(project.engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = ON"))
        with pytest.raises(ProjectReadOnly, match="read-only"):
            import_files(project, [tmp_path / "interview-1.txt", tmp_path / "interview-2.txt"],
                         ImportOptions(site="Site A"))
        with project.session() as session:
            assert session.scalar(select(func.count(Source.id))) == 1
