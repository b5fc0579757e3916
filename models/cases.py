"""The cases of a Framework analysis: sites and the participants who belong to them."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, CreatedAt


class Site(CreatedAt, Base):
    """A case-study area (Site A … Site F in the study); described by attributes."""

    __tablename__ = "sites"
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    participants: Mapped[list[Participant]] = relationship(back_populates="site")


class Participant(CreatedAt, Base):
    """A person in the data: a row of the framework matrix.

    Interviewers and moderators are participants too, so that their turns are
    attributable, but ``is_interviewer`` keeps them out of every count by default.
    A participant with no site is possible (the study's external telephone interviewees).
    """

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        UniqueConstraint("site_id", "name"),
        Index("ix_participants_site_type", "site_id", "participant_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    participant_type: Mapped[str | None] = mapped_column(String(100))
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)

    site: Mapped[Site | None] = relationship(back_populates="participants")
