"""Sums of daily_stats over a window of days (read side; SQLAlchemy Core).

Each query reads the pre-aggregated daily rows of the window, never the raw results, so its
cost follows the number of (key, day) rows in the window, not the number of calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, select
from sqlalchemy.sql import ColumnElement

from openani.store.lifecycle import ani_status_is
from openani.store.schema import anis, daily_stats

COUNTERS = (
    "assigned", "dials", "contacts", "successes", "blocked", "no_answers", "talk_seconds",
    "short_calls",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Window:
    start: str  # inclusive local days, YYYY-MM-DD
    end: str
    today: str


def _sums(window: Window) -> list[ColumnElement[Any]]:
    """Window totals, today's totals and the last dial in the window, over joined stats rows."""
    day = daily_stats.c.day
    in_window = day.between(window.start, window.end)
    columns: list[ColumnElement[Any]] = []
    for name in COUNTERS:
        column = daily_stats.c[name]
        columns.append(func.coalesce(func.sum(case((in_window, column), else_=0)), 0).label(name))
        columns.append(
            func.coalesce(func.sum(case((day == window.today, column), else_=0)), 0).label(
                f"today_{name}"
            )
        )
    columns.append(func.max(case((in_window, daily_stats.c.last_dialed_at))).label("last_dialed"))
    return columns


def _days(window: Window) -> ColumnElement[bool]:
    return daily_stats.c.day.between(min(window.start, window.today), max(window.end, window.today))


def ani_stats(
    conn: Connection,
    company_id: int,
    window: Window,
    *,
    campaign: str | None,
    number_prefix: str | None,
    area_code: str | None,
    state: str | None,
    status: str | None,
    after_id: int | None,
    limit: int,
    offset: int = 0,
    inbound_group_id: str | None = None,
    branded: bool | None = None,
) -> Sequence[Any]:
    """Per inventory ANI, in id order; a campaign narrows the counts to that campaign's calls.

    The page of ANIs is chosen first and only its statistics are summed: summing every ANI of
    the company and cutting the page afterwards made the cost grow with the inventory.
    """
    page = select(anis).where(anis.c.company_id == company_id, anis.c.deleted_at.is_(None))
    if number_prefix:
        page = page.where(anis.c.number.startswith(number_prefix, autoescape=True))
    if area_code:
        page = page.where(anis.c.area_code == area_code)
    if state:
        page = page.where(anis.c.state == state)
    if status:
        page = page.where(ani_status_is(status).build(anis))
    if inbound_group_id:
        page = page.where(anis.c.inbound_group_id == inbound_group_id)
    if branded is not None:
        page = page.where(anis.c.is_branded.is_(branded))
    if after_id is not None:
        page = page.where(anis.c.id > after_id)
    chosen = page.order_by(anis.c.id).limit(limit).offset(offset).subquery("chosen")

    full_number = chosen.c.country_code + chosen.c.number
    if campaign is None:
        dimension, key = "ani", full_number
    else:
        dimension, key = "ani_campaign", literal(f"{campaign}|") + full_number
    joined = chosen.outerjoin(
        daily_stats,
        and_(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == dimension,
            daily_stats.c.key == key,
            _days(window),
        ),
    )
    described = [chosen.c[name] for name in _ANI_COLUMNS]
    query = (
        select(*described, *_sums(window))
        .select_from(joined)
        .group_by(*described)
        .order_by(chosen.c.id)
    )
    return conn.execute(query).all()


# What each row of ani_stats says of its number, beside the sums.
_ANI_COLUMNS = (
    "id", "country_code", "number", "area_code", "state", "place", "brand_name", "status",
    "paused_until", "status_reason", "status_changed_at", "created_at", "inbound_group_id",
    "is_branded", "daily_cap",
)  # fmt: skip


def count_anis(conn: Connection, company_id: int, number_prefix: str | None) -> int:
    """How many inventory ANIs (not deleted) there are, of a number prefix when given."""
    query = select(func.count()).where(anis.c.company_id == company_id, anis.c.deleted_at.is_(None))
    if number_prefix:
        query = query.where(anis.c.number.startswith(number_prefix, autoescape=True))
    return int(conn.execute(query).scalar_one())


def grouped_stats(
    conn: Connection,
    company_id: int,
    window: Window,
    *,
    dimension: str,
    by_state: bool,
    after: str | None,
    limit: int,
) -> Sequence[Any]:
    """Per key of a dimension (campaign, area code), or per state of the area dimension."""
    group = daily_stats.c.state if by_state else daily_stats.c.key
    query = (
        select(group.label("key"), *_sums(window))
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == dimension,
            _days(window),
        )
        .group_by(group)
        .order_by(group)
        .limit(limit)
    )
    if by_state:
        query = query.where(daily_stats.c.state.is_not(None))
    if after is not None:
        query = query.where(group > after)
    return conn.execute(query).all()
