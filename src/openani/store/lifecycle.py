"""The SQL of the ANI lifecycle (tenant-scoped): status changes and their history, the rows the
burned-number service reads, remediation requests and scheduled status changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Table,
    and_,
    insert,
    not_,
    or_,
    select,
    update,
)

from openani.store.pages import newest_first
from openani.store.resources import Clause
from openani.store.schema import ani_remediations, ani_schedules, ani_status_history, anis

# Status


def ani_status_is(status: str) -> Clause:
    """ANIs whose effective status is ``status``: a pause whose end has passed counts as active,
    a rest whose end has passed as probation (see lifecycle/status.py)."""

    def build(table: Table) -> ColumnElement[bool]:
        ended = and_(table.c.paused_until.is_not(None), table.c.paused_until <= datetime.now(UTC))
        if status == "active":
            return or_(table.c.status == "active", and_(table.c.status == "paused", ended))
        if status == "probation":
            return or_(table.c.status == "probation", and_(table.c.status == "resting", ended))
        if status in ("paused", "resting"):
            return and_(table.c.status == status, not_(ended))
        return table.c.status == status

    return Clause(build)


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


def history_page(
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
    query = _narrow(query, match)
    return conn.execute(newest_first(query, ani_status_history.c.id, before_id, limit)).all()


# Remediation requests and scheduled changes


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
