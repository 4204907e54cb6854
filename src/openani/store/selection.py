"""What /dialer/next reads and writes: the selectable inventory, live counters, the assignment log.

The write of the hot path, claiming an ANI, lives in ``store.claims``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from openani.store.schema import ani_usage, anis, assignments, campaigns, companies


@dataclass(frozen=True, slots=True)
class CompanyDefaults:
    time_zone: str
    daily_cap: int
    hourly_cap: int | None
    cap_mode: str
    nearest_radius_km: float
    inventory_version: int
    unknown_campaign: str = "serve"
    holdout_share: float = 0.0


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
    auto_created: bool = False


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
            companies.c.unknown_campaign,
            companies.c.holdout_share,
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
            campaigns.c.auto_created,
        )
        .where(campaigns.c.company_id == company_id, campaigns.c.deleted_at.is_(None))
        # One order whatever the storage did to the rows: readers and tests compare the lists.
        .order_by(campaigns.c.id)
    )
    return [CampaignConfig(**row._mapping) for row in rows]


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
