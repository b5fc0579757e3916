"""Alembic environment: always runs on a connection handed over by ``models.project``."""

from __future__ import annotations

from alembic import context

import models  # noqa: F401  (registers every table on the metadata)
from models.base import Base
from models.search_index import SEARCH_TABLE_PREFIX

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Charter migrations run through models.project, not the alembic CLI")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """The full-text index (an FTS5 virtual table and its shadow tables on SQLite, a
    tsvector table on PostgreSQL) is managed by hand in the migrations, not by models."""
    return not (type_ == "table" and name.startswith(SEARCH_TABLE_PREFIX))


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
