"""Webhooks, their signing secrets, the event outbox, deliveries and attempts (tenant-scoped).

The outbox is written by fixed SQL on the transaction of the change it reports (``enqueue``);
everything else is SQLAlchemy Core, off the hot paths.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Row, delete, func, insert, or_, select, update

from openani.store.pages import newest_first
from openani.store.raw import RawTransaction
from openani.store.schema import (
    campaigns,
    companies,
    dial_results,
    dispositions,
    webhook_attempts,
    webhook_deliveries,
    webhook_events,
    webhook_signing_secrets,
    webhooks,
)

PENDING, DELIVERED, FAILED, CANCELLED = "pending", "delivered", "failed", "cancelled"
DELIVERY_STATUSES = (PENDING, DELIVERED, FAILED, CANCELLED)


@dataclass(frozen=True, slots=True)
class NewEvent:
    event_id: str
    type: str
    payload: str  # JSON text of the whole event, as it will be delivered


def make_event(event_type: str, data: Mapping[str, Any], at: datetime) -> NewEvent:
    """An event as delivered: ``{"id", "type", "created_at", "data"}``, serialised once."""
    event_id = "evt_" + uuid.uuid4().hex
    payload = orjson.dumps(
        {"id": event_id, "type": event_type, "created_at": at.isoformat(), "data": data}
    ).decode()
    return NewEvent(event_id, event_type, payload)


# The outbox


_ENQUEUE = """
    INSERT INTO webhook_events (company_id, event_id, type, payload, created_at)
    VALUES (:company_id, :event_id, :type, :payload, :created_at)
"""


def enqueue(tx: RawTransaction, company_id: int, events: Sequence[NewEvent], at: datetime) -> None:
    stamp = tx.time(at)
    tx.executemany(
        _ENQUEUE,
        (
            {
                "company_id": company_id,
                "event_id": e.event_id,
                "type": e.type,
                "payload": e.payload,
                "created_at": stamp,
            }
            for e in events
        ),
    )


def subscriptions(tx: RawTransaction, company_id: int) -> list[str]:
    """The ``events`` JSON of the company's enabled webhooks."""
    rows = tx.fetchall(
        "SELECT events FROM webhooks WHERE company_id = :company_id AND enabled = :yes "
        "AND deleted_at IS NULL",
        {"company_id": company_id, "yes": True},
    )
    return [str(row[0]) for row in rows]


def unmapped_dispos_known(tx: RawTransaction, company_id: int, dispos: Sequence[str]) -> set[str]:
    """Which of ``dispos`` some stored result already carries without a disposition."""
    if not dispos:
        return set()
    placeholders, params = tx.in_list("d", sorted(set(dispos)))
    rows = tx.fetchall(
        f"SELECT DISTINCT dispo FROM dial_results WHERE company_id = :company_id "
        f"AND disposition_id IS NULL AND dispo IN ({placeholders})",
        {"company_id": company_id, **params},
    )
    return {str(row[0]) for row in rows}


# Webhooks


def lock_company(conn: Connection, company_id: int) -> None:
    """Serialise creations of one company's webhooks (the limit is counted, then kept)."""
    conn.execute(select(companies.c.id).where(companies.c.id == company_id).with_for_update()).one()


def count_webhooks(conn: Connection, company_id: int) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(webhooks)
            .where(webhooks.c.company_id == company_id, webhooks.c.deleted_at.is_(None))
        ).scalar_one()
    )


def insert_webhook(conn: Connection, values: Mapping[str, Any]) -> Row[Any]:
    return conn.execute(insert(webhooks).values(**values).returning(webhooks)).one()


def find_webhook(
    conn: Connection, company_id: int, public_id: str, *, for_update: bool = False
) -> Row[Any] | None:
    query = select(webhooks).where(
        webhooks.c.company_id == company_id,
        webhooks.c.public_id == public_id,
        webhooks.c.deleted_at.is_(None),
    )
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).first()


def list_webhooks(conn: Connection, company_id: int) -> Sequence[Row[Any]]:
    return conn.execute(
        select(webhooks)
        .where(webhooks.c.company_id == company_id, webhooks.c.deleted_at.is_(None))
        .order_by(webhooks.c.id)
    ).all()


def update_webhook(conn: Connection, webhook_id: int, values: Mapping[str, Any]) -> Row[Any]:
    return conn.execute(
        update(webhooks).where(webhooks.c.id == webhook_id).values(**values).returning(webhooks)
    ).one()


def cancel_pending(conn: Connection, webhook_id: int, now: datetime) -> int:
    result = conn.execute(
        update(webhook_deliveries)
        .where(
            webhook_deliveries.c.webhook_id == webhook_id, webhook_deliveries.c.status == PENDING
        )
        .values(status=CANCELLED, next_attempt_at=None, leased_until=None, last_attempt_at=now)
    )
    return int(result.rowcount)


# Signing secrets


def signing_secret(conn: Connection, company_id: int) -> Row[Any] | None:
    return conn.execute(
        select(webhook_signing_secrets).where(webhook_signing_secrets.c.company_id == company_id)
    ).first()


def save_signing_secret(conn: Connection, company_id: int, values: Mapping[str, Any]) -> None:
    found = conn.execute(
        update(webhook_signing_secrets)
        .where(webhook_signing_secrets.c.company_id == company_id)
        .values(**values)
    )
    if found.rowcount == 0:
        conn.execute(insert(webhook_signing_secrets).values(company_id=company_id, **values))


# Deliveries: the dispatcher's side


def take_events(conn: Connection, limit: int) -> Sequence[Row[Any]]:
    """The oldest events of every company; other processes skip rows this one holds."""
    return conn.execute(
        select(webhook_events)
        .order_by(webhook_events.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def delete_events(conn: Connection, ids: Sequence[int]) -> None:
    if ids:
        conn.execute(delete(webhook_events).where(webhook_events.c.id.in_(list(ids))))


def enabled_webhooks(conn: Connection, company_ids: Iterable[int]) -> Sequence[Row[Any]]:
    wanted = sorted(set(company_ids))
    if not wanted:
        return []
    return conn.execute(
        select(webhooks)
        .where(
            webhooks.c.company_id.in_(wanted),
            webhooks.c.enabled.is_(True),
            webhooks.c.deleted_at.is_(None),
        )
        .order_by(webhooks.c.id)
    ).all()


def dial_events(
    conn: Connection, company_id: int, call_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Stored dial results by call id, with their campaign's name and their disposition's id
    and type (the commercial webhook format's rows)."""
    if not call_ids:
        return {}
    campaign = campaigns.alias("campaign")
    disposition = dispositions.alias("disposition")
    query = (
        select(
            dial_results.c.call_id,
            dial_results.c.call_type,
            dial_results.c.call_at,
            dial_results.c.ani,
            dial_results.c.campaign,
            dial_results.c.agent_id,
            dial_results.c.dispo,
            dial_results.c.counted_contact,
            dial_results.c.counted_success,
            dial_results.c.attempts,
            campaign.c.name.label("campaign_name"),
            disposition.c.ext_id.label("disposition_ext_id"),
            disposition.c.type.label("disposition_type"),
        )
        .select_from(dial_results)
        .outerjoin(
            campaign,
            (campaign.c.company_id == company_id) & (campaign.c.ext_id == dial_results.c.campaign),
        )
        .outerjoin(disposition, disposition.c.id == dial_results.c.disposition_id)
        .where(dial_results.c.company_id == company_id, dial_results.c.call_id.in_(call_ids))
    )
    return {row.call_id: dict(row._mapping) for row in conn.execute(query)}


def company_names(conn: Connection, company_ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(company_ids))
    if not wanted:
        return {}
    rows = conn.execute(select(companies.c.id, companies.c.name).where(companies.c.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def insert_deliveries(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(webhook_deliveries), list(rows))


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: int
    public_id: str
    company_id: int
    body: str
    attempts: int
    created_at: datetime
    url: str
    headers: str  # JSON object
    secret: str | None
    previous_secret: str | None
    previous_expires_at: datetime | None
    format: str = "openani"


def lease_due(
    conn: Connection, now: datetime, lease_until: datetime, limit: int
) -> list[DueDelivery]:
    """Pending deliveries whose time has come (to enabled webhooks), leased to this process."""
    secrets = webhook_signing_secrets
    rows = conn.execute(
        select(
            webhook_deliveries.c.id,
            webhook_deliveries.c.public_id,
            webhook_deliveries.c.company_id,
            webhook_deliveries.c.body,
            webhook_deliveries.c.attempts,
            webhook_deliveries.c.created_at,
            webhooks.c.url,
            webhooks.c.headers,
            webhooks.c.format,
            secrets.c.secret,
            secrets.c.previous_secret,
            secrets.c.previous_expires_at,
        )
        .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
        .outerjoin(secrets, secrets.c.company_id == webhook_deliveries.c.company_id)
        .where(
            webhook_deliveries.c.status == PENDING,
            webhook_deliveries.c.next_attempt_at <= now,
            or_(
                webhook_deliveries.c.leased_until.is_(None),
                webhook_deliveries.c.leased_until < now,
            ),
            webhooks.c.enabled.is_(True),
            webhooks.c.deleted_at.is_(None),
        )
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=webhook_deliveries)
    ).all()
    if rows:
        conn.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id.in_([row.id for row in rows]))
            .values(leased_until=lease_until)
        )
    return [DueDelivery(**row._mapping) for row in rows]


def record_attempt(
    conn: Connection,
    delivery_id: int,
    delivery: Mapping[str, Any],
    attempt: Mapping[str, Any],
) -> None:
    conn.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id, webhook_deliveries.c.status == PENDING)
        .values(**delivery, leased_until=None)
    )
    conn.execute(insert(webhook_attempts).values(delivery_id=delivery_id, **attempt))


def purge(conn: Connection, finished_before: datetime) -> int:
    """Forget finished deliveries (and their attempts) created before ``finished_before``."""
    old = select(webhook_deliveries.c.id).where(
        webhook_deliveries.c.status != PENDING, webhook_deliveries.c.created_at < finished_before
    )
    conn.execute(delete(webhook_attempts).where(webhook_attempts.c.delivery_id.in_(old)))
    result = conn.execute(delete(webhook_deliveries).where(webhook_deliveries.c.id.in_(old)))
    return int(result.rowcount)


def backlog(conn: Connection) -> tuple[int, int]:
    """(events not yet turned into deliveries, deliveries pending) over every company."""
    events = conn.execute(select(func.count()).select_from(webhook_events)).scalar_one()
    pending = conn.execute(
        select(func.count())
        .select_from(webhook_deliveries)
        .where(webhook_deliveries.c.status == PENDING)
    ).scalar_one()
    return int(events), int(pending)


# Deliveries: the operator's side (the delivery log)


def delivery_page(
    conn: Connection,
    company_id: int,
    *,
    webhook_id: int | None,
    status: str | None,
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    query = (
        select(webhook_deliveries, webhooks.c.public_id.label("webhook_public_id"))
        .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
        .where(webhook_deliveries.c.company_id == company_id)
    )
    if webhook_id is not None:
        query = query.where(webhook_deliveries.c.webhook_id == webhook_id)
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status)
    return conn.execute(newest_first(query, webhook_deliveries.c.id, before_id, limit)).all()


def find_delivery(
    conn: Connection, company_id: int, public_id: str, *, for_update: bool = False
) -> Row[Any] | None:
    query = (
        select(webhook_deliveries, webhooks.c.public_id.label("webhook_public_id"))
        .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
        .where(
            webhook_deliveries.c.company_id == company_id,
            webhook_deliveries.c.public_id == public_id,
        )
    )
    if for_update:
        query = query.with_for_update(of=webhook_deliveries)
    return conn.execute(query).first()


def attempts_of(conn: Connection, delivery_id: int) -> Sequence[Row[Any]]:
    return conn.execute(
        select(webhook_attempts)
        .where(webhook_attempts.c.delivery_id == delivery_id)
        .order_by(webhook_attempts.c.id)
    ).all()


def reschedule(conn: Connection, delivery_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id)
        .values(**values, leased_until=None)
    )
