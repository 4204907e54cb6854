"""Online backup and restore of a SQLite database (PostgreSQL: pg_dump and pg_restore).

SQLite's backup API copies a consistent snapshot page by page while the server keeps running,
unlike copying the file, which can catch the WAL half-applied.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from openani.store.engine import Database

POSTGRES_HINT = (
    "PostgreSQL databases are backed up with its own tools: "
    "pg_dump --format=custom --file=openani.dump DBNAME, and restored with "
    "pg_restore --clean --if-exists --dbname=DBNAME openani.dump"
)


class BackupError(RuntimeError):
    pass


def _sqlite_path(db: Database) -> Path:
    if not db.is_sqlite:
        raise BackupError(POSTGRES_HINT)
    database = make_url(db.url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(database)


def backup(db: Database, target: Path) -> None:
    source = _sqlite_path(db)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file")
    _copy(source, target)


def restore(db: Database, backup_file: Path) -> None:
    """Replace the database's content with the backup's. Stop the servers first."""
    target = _sqlite_path(db)
    if not backup_file.exists():
        raise BackupError(f"no backup at {backup_file}")
    with sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True) as check:
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
    if "alembic_version" not in tables:
        raise BackupError(f"{backup_file} is not an openani database")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup_file, target)


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    # sqlite3's context manager commits but does not close.
    src.close()
    dst.close()
