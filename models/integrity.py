"""``charter check``: is this project's database sound, and do Charter's rules hold?

The database enforces these rules on every write, but a file can be damaged on disk,
edited by another program, or come from a build with a bug; this check looks again
from the outside and names every problem it finds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from models.project import Project

# Each invariant: a query returning one row per offending record, and how to word it.
INVARIANTS = [
    (
        'SELECT c.id, c.source_id, c.start, c."end", s.text_length FROM codings c '
        "JOIN sources s ON s.id = c.source_id "
        'WHERE c.start < 0 OR c.start >= c."end" OR c."end" > s.text_length',
        "coding {0} lies outside its source {1} (span {2}–{3}, text length {4})",
    ),
    (
        'SELECT t.id, t.source_id, t.start, t."end", s.text_length FROM turns t '
        "JOIN sources s ON s.id = t.source_id "
        'WHERE t.start < 0 OR t.start >= t."end" OR t."end" > s.text_length',
        "turn {0} lies outside its source {1} (span {2}–{3}, text length {4})",
    ),
    (
        "SELECT id, text_length, length(text) FROM sources WHERE text_length <> length(text)",
        "source {0} records a text length of {1} but its text has {2} characters",
    ),
    (
        "SELECT s.id, s.coding_id FROM coding_segments s JOIN codings c ON c.id = s.coding_id "
        'WHERE s.theme_id <> c.theme_id OR s.source_id <> c.source_id OR s.start < c.start OR s."end" > c."end"',
        "speaker segment {0} disagrees with its coding {1} (theme, source or span)",
    ),
    (
        "SELECT c.id FROM codings c WHERE NOT EXISTS "
        "(SELECT 1 FROM coding_segments s WHERE s.coding_id = c.id)",
        "coding {0} has no speaker segments, so the matrix cannot count it",
    ),
    # Coded text in nobody's turn (a preamble, or a source whose text no turn covers) is
    # counted by no row of the matrix. A coding that also reaches someone's turn and
    # only crosses the label or line break before it is not reported: labels are nobody's
    # words by design, and segments never include them.
    (
        'SELECT s.id, s.name, COUNT(DISTINCT g.coding_id), SUM(g."end" - g.start) '
        "FROM coding_segments g JOIN sources s ON s.id = g.source_id "
        "WHERE g.participant_id IS NULL GROUP BY s.id, s.name ORDER BY s.id",
        "source {0} “{1}” has coded text that no matrix row counts: {3:,} characters of "
        "{2:,} coding(s) lie in no participant's or interviewer's turn",
    ),
    (
        "SELECT COUNT(*) FROM project HAVING COUNT(*) <> 1",
        "the project table must hold exactly one row, not {0}",
    ),
]


@dataclass(frozen=True)
class CheckReport:
    backend: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(project: Project) -> CheckReport:
    problems: list[str] = []
    with project.engine.connect() as connection:
        if project.backend == "sqlite":
            problems += _sqlite_storage_problems(connection)
        for query, wording in INVARIANTS:
            for row in connection.execute(text(query)):
                problems.append(wording.format(*row))
    return CheckReport(project.backend, problems)


def _sqlite_storage_problems(connection: Connection) -> list[str]:
    """SQLite's own checks; PostgreSQL enforces foreign keys at all times itself."""
    problems = [
        f"integrity: {row[0]}"
        for row in connection.exec_driver_sql("PRAGMA integrity_check")
        if row[0] != "ok"
    ]
    problems += [
        f"foreign key: row {rowid} of {table} points to a missing row of {parent}"
        for table, rowid, parent, _fk in connection.exec_driver_sql("PRAGMA foreign_key_check")
    ]
    return problems
