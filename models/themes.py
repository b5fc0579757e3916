"""The thematic framework (a tree of themes) and codings that apply themes to text."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, CreatedAt, utcnow
from models.project_meta import new_guid

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class Theme(CreatedAt, Base):
    """A node of the framework. Siblings have distinct names; order is ``position``.

    SQL treats NULLs as distinct, so a plain UNIQUE(parent_id, name) would let two
    top-level themes share a name; a partial unique index closes that gap.
    """

    __tablename__ = "themes"
    __table_args__ = (
        UniqueConstraint("parent_id", "name"),
        Index(
            "uq_themes_top_level_name",
            "name",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("themes.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    colour: Mapped[str] = mapped_column(String(7), default="#999999")
    description: Mapped[str] = mapped_column(Text, default="")
    use_when: Mapped[str] = mapped_column(Text, default="")
    dont_use_when: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)

    parent: Mapped[Theme | None] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list[Theme]] = relationship(
        back_populates="parent", order_by="Theme.position"
    )

    @validates("colour")
    def _check_colour(self, _key: str, colour: str) -> str:
        if not HEX_COLOUR.match(colour):
            raise ValueError(f"theme colour must look like #RRGGBB, not {colour!r}")
        return colour.upper()


class Coding(CreatedAt, Base):
    """A theme applied to ``text[start:end]`` of a source by a coder.

    ``0 <= start < end`` is a CHECK constraint; ``end <= len(text)`` needs the source's
    text, so the database enforces it with a trigger (see the initial migration).
    """

    __tablename__ = "codings"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="span_ordered"),
        Index("ix_codings_source_start", "source_id", "start"),
        # The Memos pane lists codings with memos: a partial index keeps that instant
        # when a few hundred of 250,000 codings carry one.
        Index("ix_codings_with_memo", "source_id", "start",
              sqlite_where=text("memo != ''"), postgresql_where=text("memo <> ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("themes.id", ondelete="RESTRICT"), index=True
    )
    coder_id: Mapped[int] = mapped_column(
        ForeignKey("coders.id", ondelete="RESTRICT"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    memo: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    theme: Mapped[Theme] = relationship()


class CodingSegment(Base):
    """The part of a coding that falls within one speaker turn, and its words.

    Who said a coded passage is derived from the turns it overlaps; storing each
    overlap once, with its exact word count, lets the matrix count passages, words and
    coverage per participant without re-reading text. The coding's theme and source,
    and the participant's whole part of the coding (``part_*``: first start, last end
    and total words over that participant's segments of the coding), are repeated here
    so that the matrix is one scan of one covering index. Kept in step by
    ``framework.segments`` whenever a coding changes, and checked by ``charter check``.
    """

    __tablename__ = "coding_segments"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="span_ordered"),
        CheckConstraint("words >= 0", name="words_not_negative"),
        Index("ix_coding_segments_matrix", "participant_id", "theme_id", "source_id",
              "part_start", "part_end", "part_words"),
    )
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    turn_id: Mapped[int | None] = mapped_column(
        ForeignKey("turns.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="RESTRICT"))
    start: Mapped[int]
    end: Mapped[int]
    words: Mapped[int] = mapped_column(default=0)
    part_start: Mapped[int]
    part_end: Mapped[int]
    part_words: Mapped[int]
