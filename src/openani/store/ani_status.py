"""ANI status changes: the rows the burned-number service reads, and the status history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from openani.store.pages import newest_first
from openani.store.schema import ani_status_history, anis


def record(
    conn: Connection,
    company_id: int,
    ani_id: int,
    from_status: str,
    to_status: str,
    reason: str | None,
    actor: str,
    at: datetime,
) -> None:
    conn.execute(
        insert(ani_status_history).values(
            company_id=company_id,
            ani_id=ani_id,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            actor=actor,
            at=at,
        )
    )


_STATUS_COLUMNS = (
    "id",
    "number",
    "country_code",
    "status",
    "paused_until",
    "status_reason",
    "status_changed_at",
)


def company_anis(conn: Connection, company_id: int) -> Sequence[Row[Any]]:
    """Every ANI of the company that is not deleted, locked until the transaction ends."""
    return conn.execute(
        select(*(anis.c[name] for name in _STATUS_COLUMNS))
        .where(anis.c.company_id == company_id, anis.c.deleted_at.is_(None))
        .order_by(anis.c.id)
        .with_for_update()
    ).all()


def set_status(conn: Connection, ani_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(
        update(anis).where(anis.c.id == ani_id).values(**values, updated_at=datetime.now(UTC))
    )


def page(
    conn: Connection,
    company_id: int,
    *,
    match: Mapping[str, Any],
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """Newest first; ``match`` narrows the numbers (column -> value or list of values), deleted
    numbers included, since their history stays."""
    query = (
        select(ani_status_history, anis.c.number, anis.c.country_code)
        .join(anis, anis.c.id == ani_status_history.c.ani_id)
        .where(ani_status_history.c.company_id == company_id, anis.c.company_id == company_id)
    )
    for column, value in match.items():
        query = query.where(
            anis.c[column].in_(list(value)) if isinstance(value, list) else anis.c[column] == value
        )
    return conn.execute(newest_first(query, ani_status_history.c.id, before_id, limit)).all()
