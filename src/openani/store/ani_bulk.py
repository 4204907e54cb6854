"""Bulk reads and writes of a company's ANIs, for imports and exports of whole inventories."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from openani.store.schema import anis

_CHUNK = 1000

# What an import compares a file's row with, besides the key.
_COMPARED = (
    "id",
    "country_code",
    "number",
    "inbound_group_id",
    "is_branded",
    "brand_name",
    "carrier_id",
    "daily_cap",
    "hourly_cap",
    "status",
    "paused_until",
    "deleted_at",
)


def inventory_by_key(conn: Connection, company_id: int) -> dict[tuple[str, str], Row[Any]]:
    """Every ANI row of the company, deleted ones included, by (country code, number)."""
    rows = conn.execute(
        select(*(anis.c[name] for name in _COMPARED)).where(anis.c.company_id == company_id)
    ).all()
    return {(row.country_code, row.number): row for row in rows}


def insert_many(conn: Connection, company_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """New rows, which must all name the same columns; ``id`` is filled in by the database."""
    now = datetime.now(UTC)
    for start in range(0, len(rows), _CHUNK):
        conn.execute(
            insert(anis),
            [
                {**row, "company_id": company_id, "created_at": now, "updated_at": now}
                for row in rows[start : start + _CHUNK]
            ],
        )


def ids_by_key(
    conn: Connection, company_id: int, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    wanted = set(keys)
    numbers = sorted({number for _, number in wanted})
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(numbers), _CHUNK):
        for row in conn.execute(
            select(anis.c.id, anis.c.country_code, anis.c.number).where(
                anis.c.company_id == company_id,
                anis.c.number.in_(numbers[start : start + _CHUNK]),
            )
        ):
            if (row.country_code, row.number) in wanted:
                found[row.country_code, row.number] = row.id
    return found


def update_many(conn: Connection, changes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """(row id, column values) pairs; rows changing the same columns go in one executemany."""
    now = datetime.now(UTC)
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in changes:
        columns = tuple(sorted(values))
        by_columns.setdefault(columns, []).append(
            {**{f"v_{name}": value for name, value in values.items()}, "row_id": row_id}
        )
    for columns, params in by_columns.items():
        statement = (
            update(anis)
            .where(anis.c.id == bindparam("row_id"))
            .values({**{name: bindparam(f"v_{name}") for name in columns}, "updated_at": now})
        )
        for start in range(0, len(params), _CHUNK):
            conn.execute(statement, params[start : start + _CHUNK])


def rows_by_id(conn: Connection, company_id: int, ids: Sequence[int]) -> dict[int, Row[Any]]:
    rows = conn.execute(
        select(anis).where(anis.c.company_id == company_id, anis.c.id.in_(list(ids)))
    ).all()
    return {row.id: row for row in rows}
