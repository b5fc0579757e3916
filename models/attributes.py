"""Typed attributes on sites, participants and sources (Table 1 of a study, and more).

A definition names an attribute and its type for one kind of entity. Values live in one
table per kind so that each value has a real foreign key to its owner and disappears
with it; a value fills exactly the column that matches its definition's type.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.base import Base, CreatedAt

ENTITY_KINDS = ("site", "participant", "source")
VALUE_TYPES = ("text", "number", "date", "choice")


class AttributeDefinition(CreatedAt, Base):
    __tablename__ = "attribute_definitions"
    __table_args__ = (
        UniqueConstraint("entity_kind", "name"),
        CheckConstraint(
            "entity_kind IN (" + ", ".join(f"'{k}'" for k in ENTITY_KINDS) + ")",
            name="known_entity_kind",
        ),
        CheckConstraint(
            "value_type IN (" + ", ".join(f"'{t}'" for t in VALUE_TYPES) + ")",
            name="known_value_type",
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    value_type: Mapped[str] = mapped_column(String(10), default="text")
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(default=0)


class _AttributeValue:
    """Columns shared by the three value tables; ``owner_table`` names the owner."""

    owner_table: str

    id: Mapped[int] = mapped_column(primary_key=True)
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[float | None] = mapped_column(Float)
    date_value: Mapped[date | None] = mapped_column(Date)

    @declared_attr
    def definition_id(cls) -> Mapped[int]:
        return mapped_column(
            ForeignKey("attribute_definitions.id", ondelete="CASCADE"), index=True
        )

    @declared_attr
    def owner_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey(f"{cls.owner_table}.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            UniqueConstraint("owner_id", "definition_id"),
            CheckConstraint(
                "(CASE WHEN text_value IS NULL THEN 0 ELSE 1 END"
                " + CASE WHEN number_value IS NULL THEN 0 ELSE 1 END"
                " + CASE WHEN date_value IS NULL THEN 0 ELSE 1 END) <= 1",
                name="one_value",
            ),
        )


class SiteAttributeValue(_AttributeValue, Base):
    __tablename__ = "site_attribute_values"
    owner_table = "sites"


class ParticipantAttributeValue(_AttributeValue, Base):
    __tablename__ = "participant_attribute_values"
    owner_table = "participants"


class SourceAttributeValue(_AttributeValue, Base):
    __tablename__ = "source_attribute_values"
    owner_table = "sources"
