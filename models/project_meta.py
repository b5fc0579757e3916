"""Who the project is and who works in it: the project row, coders, the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, CreatedAt, utcnow


def new_guid() -> str:
    """GUIDs are stored as text so SQLite and PostgreSQL files exchange them unchanged."""
    return str(uuid.uuid4())


class ProjectInfo(CreatedAt, Base):
    """The single row describing the project itself.

    The schema version is Alembic's revision (table ``alembic_version``); this row carries
    what Alembic does not: a stable identity for REFI-QDA exchange and the Charter
    release that created the file.
    """

    __tablename__ = "project"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_with: Mapped[str] = mapped_column(String(40))


class Coder(CreatedAt, Base):
    """A person who writes to the project; every coding, summary and comment names one."""

    __tablename__ = "coders"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    initials: Mapped[str] = mapped_column(String(10), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#0072B2")


class AuditEntry(Base):
    """One row written, changed or deleted, with who did it and under which operation.

    Rows are added automatically by ``models.audit`` at flush time, so no code path can
    forget them. Bulk children of an audited row (turns, summary revisions) are not
    logged one by one: their parent's entry stands for them.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint("action IN ('insert', 'update', 'delete')", name="known_action"),
        Index("ix_audit_log_table_row", "table_name", "row_id"),
    )
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL"), index=True
    )
    operation: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(10))
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[int | None]
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
