"""What the planner reads: a range's dial results summed per region, and the numbers held."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, select

from openani.store.schema import anis, campaigns, dial_results

TOLL_FREE = "toll_free"
UNKNOWN = "unknown"


def dials_by_region(
    conn: Connection,
    company_id: int,
    start_day: str,
    end_day: str,
    *,
    group_by: str,
    only_campaigns: Sequence[str] | None,
    except_campaigns: Sequence[str] | None,
) -> Sequence[Any]:
    """(region, state, dials, contacts, successes): region is the prospect's area code, the
    calling number's area code or the prospect's ZIP; calls from toll-free numbers are one
    region of their own."""
    if group_by == "area_code":
        key: Any = dial_results.c.prospect_area_code
        state: Any = dial_results.c.prospect_state
    elif group_by == "ani":
        key, state = anis.c.area_code, anis.c.state
    else:
        key, state = func.substr(dial_results.c.zip, 1, 5), dial_results.c.prospect_state
    region = case(
        (anis.c.toll_free.is_(True), literal(TOLL_FREE)),
        (key.is_(None), literal(UNKNOWN)),
        else_=key,
    ).label("region")
    query = (
        select(
            region,
            func.max(state).label("state"),
            func.count().label("dials"),
            func.sum(case((dial_results.c.counted_contact.is_(True), 1), else_=0)).label(
                "contacts"
            ),
            func.sum(case((dial_results.c.counted_success.is_(True), 1), else_=0)).label(
                "successes"
            ),
        )
        .select_from(
            dial_results.outerjoin(
                anis, and_(anis.c.id == dial_results.c.ani_id, anis.c.company_id == company_id)
            )
        )
        .where(
            dial_results.c.company_id == company_id,
            dial_results.c.call_day.between(start_day, end_day),
        )
        .group_by(region)
    )
    if only_campaigns is not None:
        query = query.where(dial_results.c.campaign.in_(list(only_campaigns)))
    if except_campaigns:
        query = query.where(dial_results.c.campaign.not_in(list(except_campaigns)))
    return conn.execute(query).all()


def known_campaigns(conn: Connection, company_id: int, ids: Sequence[str]) -> set[str]:
    rows = conn.execute(
        select(campaigns.c.ext_id).where(
            campaigns.c.company_id == company_id,
            campaigns.c.deleted_at.is_(None),
            campaigns.c.ext_id.in_(list(ids)),
        )
    ).all()
    return {row.ext_id for row in rows}


def campaign_list(conn: Connection, company_id: int) -> Sequence[Any]:
    """The company's campaigns (not deleted) with openani's numeric id, in the order created."""
    return conn.execute(
        select(campaigns.c.id, campaigns.c.ext_id, campaigns.c.name, campaigns.c.type)
        .where(campaigns.c.company_id == company_id, campaigns.c.deleted_at.is_(None))
        .order_by(campaigns.c.id)
    ).all()


@dataclass(frozen=True, slots=True)
class RegionSums:
    region: str
    state: str | None
    dials: int
    contacts: int
    successes: int


def usable_numbers(
    conn: Connection, company_id: int, now: datetime, selectable: Collection[str]
) -> Sequence[Any]:
    """(id, area_code, toll_free, usable) of every number not deleted: usable when its status is
    one of ``selectable``, or a pause or rest that has ended by ``now``."""
    ended = and_(anis.c.paused_until.is_not(None), anis.c.paused_until <= now)
    usable = case(
        (anis.c.status.in_(sorted(selectable)), True),
        (and_(anis.c.status.in_(("paused", "resting")), ended), True),
        else_=False,
    ).label("usable")
    return conn.execute(
        select(anis.c.id, anis.c.area_code, anis.c.toll_free, usable).where(
            anis.c.company_id == company_id, anis.c.deleted_at.is_(None)
        )
    ).all()
