"""What /dialer/next reads and writes: the selectable inventory, live counters, the assignment log.

The claim of an ANI is one conditional upsert: the row's counters roll over when the day or hour
has changed and are incremented only while under cap, so concurrent requests in any number of
server processes can never push a number past a strict cap or lose an increment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, insert, select, text

from openani.store.schema import UTCDateTime, ani_usage, anis, assignments, campaigns, companies


@dataclass(frozen=True, slots=True)
class CompanyDefaults:
    time_zone: str
    daily_cap: int
    hourly_cap: int | None
    cap_mode: str
    nearest_radius_km: float
    inventory_version: int


@dataclass(frozen=True, slots=True)
class CampaignConfig:
    id: int
    ext_id: str
    type: str
    inbound_pool_id: str | None
    daily_cap: int | None
    hourly_cap: int | None
    cap_mode: str | None
    default_assignment_type: str | None
    sticky_ani: bool


@dataclass(frozen=True, slots=True)
class SelectableAni:
    id: int
    number: str
    country_code: str
    area_code: str | None
    state: str | None
    toll_free: bool
    is_branded: bool
    inbound_group_id: str
    daily_cap: int | None
    hourly_cap: int | None
    status: str
    paused_until: datetime | None


@dataclass(frozen=True, slots=True)
class UsageRow:
    ani_id: int
    day: str
    dials_today: int
    hour: str
    dials_this_hour: int
    last_assigned_at: datetime


def inventory_version(conn: Connection, company_id: int) -> int:
    return int(
        conn.execute(
            select(companies.c.inventory_version).where(companies.c.id == company_id)
        ).scalar_one()
    )


def company_defaults(conn: Connection, company_id: int) -> CompanyDefaults:
    row = conn.execute(
        select(
            companies.c.time_zone,
            companies.c.daily_cap,
            companies.c.hourly_cap,
            companies.c.cap_mode,
            companies.c.nearest_radius_km,
            companies.c.inventory_version,
        ).where(companies.c.id == company_id)
    ).one()
    return CompanyDefaults(*row)


def campaign_configs(conn: Connection, company_id: int) -> list[CampaignConfig]:
    rows = conn.execute(
        select(
            campaigns.c.id,
            campaigns.c.ext_id,
            campaigns.c.type,
            campaigns.c.inbound_pool_id,
            campaigns.c.daily_cap,
            campaigns.c.hourly_cap,
            campaigns.c.cap_mode,
            campaigns.c.default_assignment_type,
            campaigns.c.sticky_ani,
        ).where(campaigns.c.company_id == company_id, campaigns.c.deleted_at.is_(None))
    )
    return [CampaignConfig(*row) for row in rows]


def selectable_anis(conn: Connection, company_id: int) -> list[SelectableAni]:
    """Every ANI that is not deleted; the caller decides what a pause means at its clock."""
    rows = conn.execute(
        select(
            anis.c.id,
            anis.c.number,
            anis.c.country_code,
            anis.c.area_code,
            anis.c.state,
            anis.c.toll_free,
            anis.c.is_branded,
            anis.c.inbound_group_id,
            anis.c.daily_cap,
            anis.c.hourly_cap,
            anis.c.status,
            anis.c.paused_until,
        )
        .where(anis.c.company_id == company_id, anis.c.deleted_at.is_(None))
        .order_by(anis.c.id)
    )
    return [SelectableAni(**row._mapping) for row in rows]


def usage_rows(
    conn: Connection, company_id: int, ani_ids: Sequence[int] | None = None
) -> list[UsageRow]:
    query = select(
        ani_usage.c.ani_id,
        ani_usage.c.day,
        ani_usage.c.dials_today,
        ani_usage.c.hour,
        ani_usage.c.dials_this_hour,
        ani_usage.c.last_assigned_at,
    ).where(ani_usage.c.company_id == company_id)
    if ani_ids is not None:
        query = query.where(ani_usage.c.ani_id.in_(list(ani_ids)))
    return [UsageRow(*row) for row in conn.execute(query)]


_CLAIM = (
    text(
        """
        INSERT INTO ani_usage
            (ani_id, company_id, day, dials_today, hour, dials_this_hour, last_assigned_at)
        VALUES (:ani_id, :company_id, :day, 1, :hour, 1, :now)
        ON CONFLICT (ani_id) DO UPDATE SET
            dials_today = CASE WHEN ani_usage.day = excluded.day
                               THEN ani_usage.dials_today + 1 ELSE 1 END,
            dials_this_hour = CASE WHEN ani_usage.hour = excluded.hour
                                   THEN ani_usage.dials_this_hour + 1 ELSE 1 END,
            day = excluded.day,
            hour = excluded.hour,
            last_assigned_at = excluded.last_assigned_at
        WHERE :enforce = 0
           OR ((ani_usage.day <> excluded.day OR ani_usage.dials_today < :daily_cap)
               AND (:hourly_cap < 0 OR ani_usage.hour <> excluded.hour
                    OR ani_usage.dials_this_hour < :hourly_cap))
        RETURNING dials_today, dials_this_hour
        """
    )
    .bindparams(
        bindparam("now", type_=UTCDateTime()),
        bindparam("enforce", type_=Integer()),
        bindparam("daily_cap", type_=Integer()),
        bindparam("hourly_cap", type_=Integer()),
    )
    .columns(dials_today=Integer(), dials_this_hour=Integer())
)


def claim(
    conn: Connection,
    *,
    company_id: int,
    ani_id: int,
    day: str,
    hour: str,
    now: datetime,
    daily_cap: int,
    hourly_cap: int | None,
    enforce: bool,
) -> tuple[int, int] | None:
    """Count one dial on an ANI; None when ``enforce`` and a cap was already reached.

    A brand-new usage row is always inserted: a number with no dials yet is under any cap above
    zero, and zero caps never reach here because the policy skips them.
    """
    row = conn.execute(
        _CLAIM,
        {
            "ani_id": ani_id,
            "company_id": company_id,
            "day": day,
            "hour": hour,
            "now": now,
            "enforce": 1 if enforce else 0,
            "daily_cap": daily_cap,
            "hourly_cap": -1 if hourly_cap is None else hourly_cap,
        },
    ).first()
    return None if row is None else (row[0], row[1])


def record_assignment(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(assignments).values(**values))


def last_ani_for_prospect(conn: Connection, company_id: int, prospect_phone: str) -> int | None:
    return conn.execute(
        select(assignments.c.ani_id)
        .where(
            assignments.c.company_id == company_id,
            assignments.c.prospect_phone == prospect_phone,
        )
        .order_by(assignments.c.id.desc())
        .limit(1)
    ).scalar()
