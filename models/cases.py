"""The cases of a Framework analysis: sites and the participants who belong to them."""

from __future__ import annotations

import unicodedata

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

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


def participant_name_key(name: str) -> str:
    """The form in which two participant names are the same person: NFC, case folded
    (Unicode's full folding, so "JOSÉ ÑÚÑEZ", "José Ñúñez" and its decomposed spelling
    agree, and "Straße" matches "STRASSE"), white space collapsed.

    Computed here rather than by SQL ``lower()``, which folds only ASCII on SQLite, so
    both back ends compare names identically; stored as ``participants.name_key``.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
    return " ".join(folded.split())


def _name_key_default(context: DefaultExecutionContext) -> str:
    """``name_key`` for rows inserted without one (Core inserts such as bulk loaders)."""
    return participant_name_key(context.get_current_parameters()["name"])


class Participant(CreatedAt, Base):
    """A person in the data: a row of the framework matrix.

    Interviewers and moderators are participants too, so that their turns are
    attributable, but ``is_interviewer`` keeps them out of every count by default.
    A participant with no site is possible (the study's external telephone interviewees).

    Names are unique within a site, and among participants with no site, by
    ``name_key`` (see ``participant_name_key``), which follows the name whenever it is
    set through the ORM or inserted without one.
    """

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        UniqueConstraint("site_id", "name_key"),
        # NULLs are distinct in a unique constraint: participants with no site need their own.
        Index("uq_participants_name_key_no_site", "name_key", unique=True,
              sqlite_where=text("site_id IS NULL"), postgresql_where=text("site_id IS NULL")),
        Index("ix_participants_site_type", "site_id", "participant_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(Text, default=_name_key_default)
    participant_type: Mapped[str | None] = mapped_column(String(100))
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)

    site: Mapped[Site | None] = relationship(back_populates="participants")

    @validates("name")
    def _keep_key(self, _attribute: str, name: str) -> str:
        """Every rename or new name keeps ``name_key`` in step; the name itself is kept
        composed (NFC), like all text Charter stores."""
        name = unicodedata.normalize("NFC", name)
        self.name_key = participant_name_key(name)
        return name
