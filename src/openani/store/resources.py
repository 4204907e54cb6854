"""Generic, tenant-scoped storage for the resources that share one CRUD shape.

Campaigns, dispositions and ANIs differ in columns and in how they are keyed, not in how they are
stored: each function takes the table and works on rows of one company only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from openani.errors import Conflict
from openani.store.pages import in_id_order


def _now() -> datetime:
    return datetime.now(UTC)


class Clause:
    """A filter that is more than equality; built by the storage layer, passed through specs."""

    def __init__(self, build: Callable[[Table], ColumnElement[bool]]) -> None:
        self.build = build


def _match_clauses(table: Table, match: Mapping[str, Any]) -> list[Any]:
    clauses = []
    for column, value in match.items():
        if isinstance(value, Clause):
            clauses.append(value.build(table))
        elif isinstance(value, (list, tuple, set, frozenset)):
            clauses.append(table.c[column].in_(list(value)))
        else:
            clauses.append(table.c[column] == value)
    return clauses


def find(
    conn: Connection,
    table: Table,
    company_id: int,
    match: Mapping[str, Any],
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> Sequence[Row[Any]]:
    query = select(table).where(table.c.company_id == company_id, *_match_clauses(table, match))
    if not include_deleted:
        query = query.where(table.c.deleted_at.is_(None))
    if for_update:
        query = query.with_for_update()
    return conn.execute(query.order_by(table.c.id)).all()


def page(
    conn: Connection,
    table: Table,
    company_id: int,
    filters: Mapping[str, Any],
    *,
    after_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page in id order; the caller asks for limit + 1 rows to learn whether more follow."""
    query = select(table).where(
        table.c.company_id == company_id,
        table.c.deleted_at.is_(None),
        *_match_clauses(table, filters),
    )
    return conn.execute(in_id_order(query, table.c.id, after_id, limit)).all()


def create_or_revive(
    conn: Connection,
    table: Table,
    company_id: int,
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    label: str,
) -> Row[Any]:
    """Insert a row, or bring back a soft-deleted one with the same key.

    Reviving keeps the internal id, so the history recorded against it (assignments, results)
    stays attached to the same number or campaign.
    """
    now = _now()
    existing = find(conn, table, company_id, key, include_deleted=True, for_update=True)
    if existing:
        row = existing[0]
        if row.deleted_at is None:
            raise Conflict(f"{label} already exists")
        return _update_row(conn, table, row.id, {**values, "deleted_at": None, "created_at": now})
    try:
        with conn.begin_nested():
            return conn.execute(
                insert(table)
                .values(company_id=company_id, **key, **values, created_at=now, updated_at=now)
                .returning(table)
            ).one()
    except IntegrityError as exc:
        # A concurrent create of the same key won the race.
        raise Conflict(f"{label} already exists") from exc


def update_row(
    conn: Connection, table: Table, row_id: int, values: Mapping[str, Any], *, label: str
) -> Row[Any]:
    try:
        with conn.begin_nested():
            return _update_row(conn, table, row_id, values)
    except IntegrityError as exc:
        raise Conflict(f"{label} already exists") from exc


def soft_delete(conn: Connection, table: Table, row_id: int) -> Row[Any]:
    return _update_row(conn, table, row_id, {"deleted_at": _now()})


def _update_row(conn: Connection, table: Table, row_id: int, values: Mapping[str, Any]) -> Row[Any]:
    return conn.execute(
        update(table)
        .where(table.c.id == row_id)
        .values(**values, updated_at=_now())
        .returning(table)
    ).one()
