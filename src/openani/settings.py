"""Runtime settings: where the database is and how the server listens.

Everything has a default that works on a fresh clone (SQLite under ./data), and every default can
be overridden by an environment variable so that containers and CI need no flags.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./data/openani.db"


def database_url_from_env() -> str:
    return os.environ.get("OPENANI_DATABASE_URL") or DEFAULT_DATABASE_URL


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    # Request bodies above this size are refused with 413 before they are parsed.
    max_body_bytes: int = 1024 * 1024
    # WAL + NORMAL survives a killed process (the WAL is in the OS page cache); FULL also survives
    # power loss at the price of an fsync per commit. Operators choose; NORMAL is the default.
    sqlite_synchronous: str = "NORMAL"

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        return cls(
            database_url=database_url or database_url_from_env(),
            max_body_bytes=int(os.environ.get("OPENANI_MAX_BODY_BYTES", 1024 * 1024)),
            sqlite_synchronous=os.environ.get("OPENANI_SQLITE_SYNCHRONOUS", "NORMAL").upper(),
        )
