"""Every write is logged with who made it and under which operation."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Coder, Theme


def test_writes_are_logged_with_coder_and_operation(project):
    with project.transaction("add coder") as session:
        coder = Coder(name="Priya", initials="PS")
        session.add(coder)
    with project.transaction("add theme", coder_id=coder.id) as session:
        theme = Theme(name="Barriers")
        session.add(theme)
    with project.transaction("rename theme", coder_id=coder.id) as session:
        session.get(Theme, theme.id).name = "Obstacles"
    with project.transaction("delete theme", coder_id=coder.id) as session:
        session.delete(session.get(Theme, theme.id))

    with project.session() as session:
        entries = session.execute(
            select(AuditEntry.operation, AuditEntry.action, AuditEntry.row_id,
                   AuditEntry.coder_id, AuditEntry.changes)
            .where(AuditEntry.table_name == "themes")
            .order_by(AuditEntry.id)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("add theme", "insert", theme.id, coder.id, None),
        ("rename theme", "update", theme.id, coder.id, {"columns": ["name"]}),
        ("delete theme", "delete", theme.id, coder.id, None),
    ]


def test_a_rolled_back_operation_leaves_no_audit_entry(project):
    with project.session() as session:
        before = len(session.scalars(select(AuditEntry.id)).all())
    try:
        with project.transaction("doomed") as session:
            session.add(Theme(name="Temporary"))
            session.flush()
            raise RuntimeError("cancelled")
    except RuntimeError:
        pass
    with project.session() as session:
        assert len(session.scalars(select(AuditEntry.id)).all()) == before
        assert session.scalars(select(Theme.name)).all() == []
