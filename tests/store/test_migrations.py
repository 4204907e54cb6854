"""Migrations produce exactly the schema the code describes, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from openani.store import migrate
from openani.store.engine import Database
from openani.store.schema import metadata


def test_migrated_schema_matches_metadata(db: Database) -> None:
    assert migrate.is_up_to_date(db)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_upgrade_is_idempotent(db: Database) -> None:
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
