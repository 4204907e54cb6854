"""Fixed SQL on the DB-API connection, for the write paths that run on every call.

SQLAlchemy's statement building and cache lookups cost more than these statements take to run on
SQLite; the hot paths (claiming an ANI, ingesting dial results) therefore write plain SQL through
this small transaction helper. SQL is written once with ``:name`` placeholders and translated for
psycopg; datetimes are bound the way SQLAlchemy stores them, so Core reads of the same rows work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from openani.store.engine import Database

Params = Mapping[str, Any]


@lru_cache(maxsize=256)
def _pyformat(sql: str) -> str:
    """``:name`` placeholders (sqlite3) to ``%(name)s`` (psycopg)."""
    return re.sub(r"(?<![:\w]):([a-z_][a-z0-9_]*)", r"%(\1)s", sql)


class RawTransaction:
    def __init__(self, cursor: Any, sqlite: bool) -> None:
        self._cursor = cursor
        self.sqlite = sqlite

    @classmethod
    def within(cls, conn: Connection) -> RawTransaction:
        """Fixed SQL inside a transaction already opened through SQLAlchemy."""
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        return cls(dbapi.cursor(), conn.dialect.name == "sqlite")

    def _sql(self, sql: str) -> str:
        return sql if self.sqlite else _pyformat(sql)

    def time(self, moment: datetime) -> Any:
        """A UTC datetime as this driver must bind it for a UTCDateTime column."""
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        # SQLAlchemy's SQLite text format, "YYYY-MM-DD HH:MM:SS.ffffff".
        return naive.isoformat(" ", "microseconds") if self.sqlite else naive

    def read_time(self, value: Any) -> datetime:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)

    def execute(self, sql: str, params: Params | None = None) -> None:
        self._cursor.execute(self._sql(sql), params or {})

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if rows:
            self._cursor.executemany(self._sql(sql), rows)

    def fetchone(self, sql: str, params: Params | None = None) -> Sequence[Any] | None:
        self._cursor.execute(self._sql(sql), params or {})
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def fetchall(self, sql: str, params: Params | None = None) -> list[Sequence[Any]]:
        self._cursor.execute(self._sql(sql), params or {})
        return [tuple(row) for row in self._cursor.fetchall()]

    def in_list(self, prefix: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """Placeholders and parameters for ``IN (...)`` over ``values``."""
        names = [f"{prefix}{i}" for i in range(len(values))]
        return ", ".join(f":{name}" for name in names), dict(zip(names, values, strict=True))


def is_unique_violation(db: Database, exc: BaseException) -> bool:
    """Whether ``exc`` is the driver's integrity error (a unique key taken concurrently)."""
    dbapi = db.engine.dialect.loaded_dbapi
    return isinstance(exc, dbapi.IntegrityError)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back
# and the same work, run again, normally succeeds.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})


def is_transient(db: Database, exc: BaseException) -> bool:
    """Whether ``exc`` rolled the transaction back for a reason that running it again cures:
    a deadlock or serialization failure (PostgreSQL), a lock wait that timed out (SQLite)."""
    if getattr(exc, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    dbapi = db.engine.dialect.loaded_dbapi
    return db.is_sqlite and isinstance(exc, dbapi.OperationalError) and "locked" in str(exc).lower()


def is_refused_value(db: Database, exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot store one of the values (NUL in text, a number
    or date out of its range) rather than that the database failed."""
    dbapi = db.engine.dialect.loaded_dbapi
    return isinstance(exc, dbapi.DataError | OverflowError)


@contextmanager
def raw_transaction(db: Database, *, urgent: bool = False) -> Iterator[RawTransaction]:
    """One write transaction; on SQLite it takes the write lock at BEGIN (see Database.write),
    after its turn at the process's write gate (``urgent``: before ordinary writers)."""
    with db.writing(urgent=urgent), _raw_transaction(db) as tx:
        yield tx


@contextmanager
def _raw_transaction(db: Database) -> Iterator[RawTransaction]:
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            if db.is_sqlite:
                cursor.execute("BEGIN IMMEDIATE")
            try:
                yield RawTransaction(cursor, db.is_sqlite)
            except BaseException:
                if db.is_sqlite:
                    cursor.execute("ROLLBACK")
                else:
                    connection.rollback()
                raise
            if db.is_sqlite:
                cursor.execute("COMMIT")
            else:
                connection.commit()
        finally:
            cursor.close()
    finally:
        connection.close()
