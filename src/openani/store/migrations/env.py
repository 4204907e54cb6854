"""Alembic environment: runs migrations on the connection openani hands over (see store.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from openani.store.schema import metadata

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
