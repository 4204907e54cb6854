"""Companies (tenants) and their API keys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from openani.keys import NewKey, generate_key
from openani.store.schema import api_keys, companies


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    guid: str
    name: str
    time_zone: str
    # The API key the current request came with, for the audit log (None: CLI, callbacks).
    key_id: str | None = None


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    key_id: str
    company_guid: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


# Burned numbers are flagged and taken last by the default strategy, not rested: a hard rest
# takes capacity away, which cost up to 9% of contacts against plain local rotation on drawn
# worlds with scarce inventory (docs/default-strategy.md). Companies may choose "auto".
DEFAULT_AUTOMATION = "recommend"


def _now() -> datetime:
    return datetime.now(UTC)


def create_company(conn: Connection, name: str) -> Company:
    guid = str(uuid.uuid4())
    company_id = conn.execute(
        insert(companies)
        # Explicit: SQLite cannot change a column default without rebuilding the table, so a
        # database created before migration 0011 still carries the old default ("auto").
        .values(guid=guid, name=name, created_at=_now(), automation=DEFAULT_AUTOMATION)
        .returning(companies.c.id)
    ).scalar_one()
    return Company(id=company_id, guid=guid, name=name, time_zone="America/New_York")


def count_companies(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(companies)).scalar_one()


def company_by_guid(conn: Connection, guid: str) -> Company | None:
    row = conn.execute(
        select(companies.c.id, companies.c.guid, companies.c.name, companies.c.time_zone).where(
            companies.c.guid == guid
        )
    ).first()
    return Company(*row) if row else None


def all_companies(conn: Connection) -> list[Company]:
    rows = conn.execute(
        select(companies.c.id, companies.c.guid, companies.c.name, companies.c.time_zone).order_by(
            companies.c.id
        )
    )
    return [Company(*row) for row in rows]


def create_api_key(conn: Connection, company: Company) -> NewKey:
    key = generate_key()
    conn.execute(
        insert(api_keys).values(
            key_id=key.key_id,
            company_id=company.id,
            secret_hash=key.secret_hash,
            created_at=_now(),
        )
    )
    return key


def list_api_keys(conn: Connection, company: Company) -> list[ApiKeyRecord]:
    rows = conn.execute(
        select(
            api_keys.c.key_id, api_keys.c.created_at, api_keys.c.revoked_at, api_keys.c.last_used_at
        )
        .where(api_keys.c.company_id == company.id)
        .order_by(api_keys.c.id)
    )
    return [
        ApiKeyRecord(r.key_id, company.guid, r.created_at, r.revoked_at, r.last_used_at)
        for r in rows
    ]


def revoke_api_key(conn: Connection, key_id: str) -> bool:
    """Revoke a key; False when no such active key exists."""
    result = conn.execute(
        update(api_keys)
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=_now())
    )
    return result.rowcount == 1


def active_key(conn: Connection, key_id: str) -> tuple[str, Company] | None:
    """The stored secret hash of an unrevoked key and the company it belongs to."""
    row = conn.execute(
        select(
            api_keys.c.secret_hash,
            companies.c.id,
            companies.c.guid,
            companies.c.name,
            companies.c.time_zone,
        )
        .join(companies, companies.c.id == api_keys.c.company_id)
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return row.secret_hash, Company(row.id, row.guid, row.name, row.time_zone)


def touch_api_key(conn: Connection, key_id: str, when: datetime) -> None:
    conn.execute(update(api_keys).where(api_keys.c.key_id == key_id).values(last_used_at=when))


SETTINGS_COLUMNS = (
    "time_zone",
    "daily_cap",
    "hourly_cap",
    "cap_mode",
    "nearest_radius_km",
    "automation",
    "rest_days",
    "max_resting_share",
    "probation_days",
    "unknown_campaign",
    "holdout_share",
)


def company_settings(conn: Connection, company_id: int) -> dict[str, Any]:
    row = conn.execute(
        select(*(companies.c[name] for name in SETTINGS_COLUMNS)).where(
            companies.c.id == company_id
        )
    ).one()
    return dict(zip(SETTINGS_COLUMNS, row, strict=True))


def update_company_settings(conn: Connection, company_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(companies).where(companies.c.id == company_id).values(**values))
    bump_inventory_version(conn, company_id)


def bump_inventory_version(conn: Connection, company_id: int) -> None:
    """Tell every server process that what /dialer/next may pick has changed."""
    conn.execute(
        update(companies)
        .where(companies.c.id == company_id)
        .values(inventory_version=companies.c.inventory_version + 1)
    )
