"""Transcripts and their speaker turns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models.base import Base, CreatedAt
from models.canonical import content_hash, count_words, ensure_canonical

if TYPE_CHECKING:
    from models.cases import Site

METHODS = ("interview", "focus-group", "observation", "telephone-interview", "document")


class Source(CreatedAt, Base):
    """One transcript or document.

    The text is canonical (see ``models.canonical``) and, once coded, immutable: the
    database refuses to change it while codings point into it. ``text_length``,
    ``word_count`` and ``content_hash`` are derived from the text whenever it is set, so
    they cannot drift. ``text_length`` (checked equal to SQL ``length(text)``, which counts
    code points like Python's ``len``) lets the span triggers on turns and codings check
    ``end <= len(text)`` without reading the text itself.
    """

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint(
            "method IN (" + ", ".join(f"'{m}'" for m in METHODS) + ")", name="known_method"
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        CheckConstraint("word_count >= 0", name="word_count_not_negative"),
        CheckConstraint("text_length = length(text)", name="text_length_matches"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="RESTRICT"), index=True
    )
    method: Mapped[str] = mapped_column(String(30), default="interview")
    date: Mapped[date | None]
    text: Mapped[str] = mapped_column(Text)
    text_length: Mapped[int]
    word_count: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(500), default="")
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coders.id", ondelete="SET NULL")
    )

    site: Mapped[Site | None] = relationship()
    turns: Mapped[list[Turn]] = relationship(
        back_populates="source",
        order_by="Turn.start",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @validates("text")
    def _derive_from_text(self, _key: str, text: str) -> str:
        ensure_canonical(text)
        self.text_length = len(text)
        self.word_count = count_words(text)
        self.content_hash = content_hash(text)
        return text


class Turn(Base):
    """A speaker turn: ``text[start:end]`` of its source, said by one participant.

    A turn with no participant is the preamble before the first speaker label.
    ``word_count`` (of the turn's words, label excluded) is what coverage in the matrix
    is a percentage of.
    """

    __tablename__ = "turns"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="span_ordered"),
        Index("ix_turns_source_start", "source_id", "start"),
        # Covering: the matrix's words-spoken-per-participant sum reads the index alone
        # (20 ms instead of 75 ms over 217,000 turns); it also serves the foreign key.
        Index("ix_turns_participant_words", "participant_id", "word_count"),
    )
    __audited__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="RESTRICT")
    )
    start: Mapped[int]
    end: Mapped[int]
    timestamp_seconds: Mapped[float | None] = mapped_column(Float)
    speaker_label: Mapped[str] = mapped_column(String(200), default="")
    word_count: Mapped[int] = mapped_column(default=0, server_default="0")

    source: Mapped[Source] = relationship(back_populates="turns")
