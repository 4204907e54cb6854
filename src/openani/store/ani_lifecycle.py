"""Remediation requests and scheduled status changes of ANIs (tenant-scoped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from openani.store.pages import newest_first
from openani.store.schema import ani_remediations, ani_schedules, anis


def last_remediation(conn: Connection, ani_id: int) -> Row[Any] | None:
    return conn.execute(
        select(ani_remediations)
        .where(ani_remediations.c.ani_id == ani_id)
        .order_by(ani_remediations.c.requested_at.desc())
        .limit(1)
    ).first()


def add_remediation(conn: Connection, values: Mapping[str, Any]) -> None:
    conn.execute(insert(ani_remediations).values(**values))


def _joined(table: Any) -> Any:
    return select(table, anis.c.number, anis.c.country_code).join(anis, anis.c.id == table.c.ani_id)


def remediation_page(
    conn: Connection,
    company_id: int,
    *,
    match: Mapping[str, Any],
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    query = _joined(ani_remediations).where(ani_remediations.c.company_id == company_id)
    query = _narrow(query, match)
    return conn.execute(newest_first(query, ani_remediations.c.id, before_id, limit)).all()


def add_schedule(conn: Connection, values: Mapping[str, Any]) -> int:
    return int(
        conn.execute(
            insert(ani_schedules).values(**values).returning(ani_schedules.c.id)
        ).scalar_one()
    )


def schedule_page(
    conn: Connection,
    company_id: int,
    *,
    match: Mapping[str, Any],
    pending_only: bool,
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    query = _joined(ani_schedules).where(ani_schedules.c.company_id == company_id)
    query = _narrow(query, match)
    if pending_only:
        query = query.where(
            ani_schedules.c.applied_at.is_(None), ani_schedules.c.cancelled_at.is_(None)
        )
    return conn.execute(newest_first(query, ani_schedules.c.id, before_id, limit)).all()


def find_schedule(
    conn: Connection, company_id: int, schedule_id: int, *, for_update: bool = False
) -> Row[Any] | None:
    query = _joined(ani_schedules).where(
        ani_schedules.c.company_id == company_id, ani_schedules.c.id == schedule_id
    )
    if for_update:
        query = query.with_for_update(of=ani_schedules)
    return conn.execute(query).first()


def due_schedules(conn: Connection, now: datetime, limit: int) -> Sequence[Row[Any]]:
    """Pending changes whose time has come, oldest first; other processes skip these rows."""
    return conn.execute(
        select(ani_schedules)
        .where(
            ani_schedules.c.applied_at.is_(None),
            ani_schedules.c.cancelled_at.is_(None),
            ani_schedules.c.at <= now,
        )
        .order_by(ani_schedules.c.at, ani_schedules.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def mark_schedule(conn: Connection, schedule_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(ani_schedules).where(ani_schedules.c.id == schedule_id).values(**values))


def _narrow(query: Any, match: Mapping[str, Any]) -> Any:
    for column, value in match.items():
        query = query.where(
            anis.c[column].in_(list(value)) if isinstance(value, list) else anis.c[column] == value
        )
    return query
