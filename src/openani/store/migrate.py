"""Versioned schema migrations (Alembic), run programmatically so no alembic.ini is needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from openani.store.engine import Database

_SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", _SCRIPT_LOCATION)
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, revision: str = "head") -> None:
    config = _config()
    with db.write() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def is_up_to_date(db: Database) -> bool:
    return current_revision(db) == head_revision()
