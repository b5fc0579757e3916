"""Charting and review: the summary in each case × theme cell, its history and comments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, CreatedAt, utcnow

SUMMARY_STATUSES = ("draft", "submitted", "returned", "approved")
_STATUS_LIST = ", ".join(f"'{s}'" for s in SUMMARY_STATUSES)


class Summary(CreatedAt, Base):
    """The charted text for one participant × theme cell of the matrix.

    ``version`` increases with every save; SQLAlchemy checks it on UPDATE, so two people
    saving over the same loaded version cannot silently overwrite each other.
    """

    __tablename__ = "summaries"
    __table_args__ = (
        UniqueConstraint("participant_id", "theme_id"),
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE")
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    revisions: Mapped[list[SummaryRevision]] = relationship(
        order_by="SummaryRevision.version", cascade="all, delete-orphan", passive_deletes=True
    )
    citations: Mapped[list[SummaryCitation]] = relationship(
        order_by="SummaryCitation.position", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class SummaryRevision(Base):
    """A previous text of a summary, kept whenever the summary is edited."""

    __tablename__ = "summary_revisions"
    __table_args__ = (UniqueConstraint("summary_id", "version"),)
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class SummaryCitation(Base):
    """A summary's link to a coded extract it draws on, in the order it cites them."""

    __tablename__ = "summary_citations"
    __audited__ = False

    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)


class Comment(CreatedAt, Base):
    """A reviewer's remark on exactly one summary or one coding."""

    __tablename__ = "comments"
    __table_args__ = (
        CheckConstraint(
            "(summary_id IS NOT NULL AND coding_id IS NULL)"
            " OR (summary_id IS NULL AND coding_id IS NOT NULL)",
            name="one_target",
        ),
        Index("ix_comments_summary", "summary_id"),
        Index("ix_comments_coding", "coding_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int | None] = mapped_column(ForeignKey("summaries.id", ondelete="CASCADE"))
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False)


class ReviewEvent(CreatedAt, Base):
    """A change of a summary's review status (submitted, returned, approved …)."""

    __tablename__ = "review_events"
    __table_args__ = (
        CheckConstraint(f"to_status IN ({_STATUS_LIST})", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(
        ForeignKey("summaries.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("coders.id", ondelete="RESTRICT"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
