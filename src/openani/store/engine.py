"""Connections and transactions for SQLite and PostgreSQL behind one small interface.

Callers ask for ``db.write()`` (a transaction that will write) or ``db.read()`` (a consistent
snapshot). On SQLite the difference matters: a write transaction must take the write lock at BEGIN
(``BEGIN IMMEDIATE``), otherwise two processes that both read then write deadlock and one gets
SQLITE_BUSY instead of waiting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from openani.store.gate import WriteGate

_WRITE = "openani_write"
# How long a connection waits for another's lock before SQLITE_BUSY.
BUSY_TIMEOUT_MS = 10_000


def sqlalchemy_url(database_url: str) -> str:
    """Accept the URLs operators write and pick the drivers we ship.

    ``postgresql://`` would make SQLAlchemy look for psycopg2; we ship psycopg 3.
    """
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


class Database:
    def __init__(
        self,
        database_url: str,
        *,
        sqlite_synchronous: str = "NORMAL",
        checkpoint_in_background: bool = False,
    ) -> None:
        """``checkpoint_in_background``: SQLite leaves WAL checkpoints to a
        ``store.checkpoint.WalCheckpointer`` that the owner runs (servers do)."""
        self.url = sqlalchemy_url(database_url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.checkpoint_in_background = checkpoint_in_background and self.is_sqlite
        self.gate = WriteGate() if self.is_sqlite else None
        if self.is_sqlite:
            self.engine = self._sqlite_engine(sqlite_synchronous)
        elif self.url.startswith("postgresql"):
            self.engine = create_engine(
                self.url,
                pool_size=10,
                max_overflow=20,
                pool_pre_ping=True,
                hide_parameters=True,  # see _sqlite_engine
            )
        else:
            raise ValueError(
                f"unsupported database URL {database_url!r}: use sqlite:/// or postgresql://"
            )

    def _sqlite_engine(self, synchronous: str) -> Engine:
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(
                f"OPENANI_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA, not {synchronous}"
            )
        database = make_url(self.url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a statement's error must not carry its values (GUIDs, numbers, names)
        # into logs and tracebacks.
        engine = create_engine(
            self.url, connect_args={"check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # Checkpoints write the WAL back into the database and sync it; at the default of
            # 1,000 pages a busy server checkpoints every few hundred calls and stalls on disk.
            autocheckpoint = 0 if self.checkpoint_in_background else 20000
            cursor.execute(f"PRAGMA wal_autocheckpoint={autocheckpoint}")
            cursor.execute("PRAGMA cache_size=-65536")
            cursor.execute("PRAGMA mmap_size=268435456")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Connection) -> None:
            if connection.get_execution_options().get(_WRITE):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("BEGIN")

        return engine

    @contextmanager
    def writing(self, *, urgent: bool = False) -> Iterator[None]:
        """This process's turn to write: on SQLite one writer at a time, urgent ones (claims)
        first (see store.gate); on PostgreSQL no wait (rows are locked one by one)."""
        if self.gate is None:
            yield
        else:
            with self.gate.held(urgent=urgent):
                yield

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits when the block ends normally and rolls back otherwise."""
        with self.writing(), self.engine.connect() as connection:
            connection = connection.execution_options(**{_WRITE: True})
            with connection.begin():
                yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
