"""Alembic environment: always runs on a connection handed over by ``models.project``."""

from __future__ import annotations

from alembic import context

import models  # noqa: F401  (registers every table on the metadata)
from models.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Charter migrations run through models.project, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
