"""The audit log, written automatically whenever a session flushes.

Operations set ``session.info["coder_id"]`` and ``session.info["operation"]`` (see
``Project.session``); this hook turns every inserted, changed or deleted row of an
audited table into an ``AuditEntry`` inside the same transaction, so the log can never
disagree with the data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from models.base import Base, utcnow
from models.project_meta import AuditEntry


def _is_audited(obj: object) -> bool:
    return isinstance(obj, Base) and getattr(type(obj), "__audited__", True)


def _changed_columns(obj: Base) -> list[str]:
    state = inspect(obj)
    return sorted(
        attr.key
        for attr in state.mapper.column_attrs
        if state.attrs[attr.key].history.has_changes()
    )


def _row_id(obj: Base) -> int | None:
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 and isinstance(key[0], int) else None


def _entries(session: Session) -> list[dict[str, Any]]:
    coder_id = session.info.get("coder_id")
    operation = session.info.get("operation", "")
    now = utcnow()
    rows: list[dict[str, Any]] = []

    def add(action: str, obj: Base, changes: dict[str, Any] | None) -> None:
        rows.append(
            {
                "at": now,
                "coder_id": coder_id,
                "operation": operation,
                "action": action,
                "table_name": obj.__tablename__,
                "row_id": _row_id(obj),
                "changes": changes,
            }
        )

    for obj in session.new:
        if _is_audited(obj):
            add("insert", obj, None)
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            add("update", obj, {"columns": _changed_columns(obj)})
    for obj in session.deleted:
        if _is_audited(obj):
            add("delete", obj, None)
    return rows


@event.listens_for(Session, "after_flush")
def _write_audit_entries(session: Session, _flush_context: object) -> None:
    """After-flush so that new rows already have ids; written with Core, not the ORM,
    because adding objects to a session while it flushes is not allowed."""
    rows = _entries(session)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
