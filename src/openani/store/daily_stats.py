"""Every statement on ``daily_stats``: adding changes to the daily rows, and the reads of them
(sums over a window of days for the statistics API, the learner's evidence, the console's
series and coverage, the planner's history). Dimensions, keys and counters: ``stats.keys``.

Each read takes the pre-aggregated daily rows, never the raw results, so its cost follows the
number of (key, day) rows it reads, not the number of calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, literal, select
from sqlalchemy.sql import ColumnElement

from openani.stats.counting import StatsChange
from openani.stats.keys import (
    ALL_COUNTERS,
    COUNTERS,
    ani_area_range,
    ani_campaign_key,
    split_ani_area_key,
)
from openani.store.lifecycle import ani_status_is
from openani.store.planner import TOLL_FREE, UNKNOWN, RegionSums
from openani.store.raw import RawTransaction
from openani.store.schema import anis, daily_stats


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
    for name in ALL_COUNTERS:
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
        dimension, key = "ani_campaign", literal(ani_campaign_key(campaign, "")) + full_number
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


def ani_area_days(
    conn: Connection, company_id: int, since_day: str
) -> list[tuple[str, str, int, int]]:
    """``(day, "number|area", dials, contacts)`` rows of the ``ani_area`` dimension."""
    rows = conn.execute(
        select(daily_stats.c.day, daily_stats.c.key, daily_stats.c.dials, daily_stats.c.contacts)
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == "ani_area",
            daily_stats.c.day >= since_day,
        )
        .order_by(daily_stats.c.day, daily_stats.c.key)
    )
    return [(str(d), str(k), int(n), int(c)) for d, k, n, c in rows]


def daily_series(
    conn: Connection, company_id: int, dimension: str, key: str | None, start: str, end: str
) -> Sequence[Any]:
    """(day, dials, contacts, successes) per day of a dimension: one key's, or all keys'."""
    query = (
        select(
            daily_stats.c.day,
            func.sum(daily_stats.c.dials).label("dials"),
            func.sum(daily_stats.c.contacts).label("contacts"),
            func.sum(daily_stats.c.successes).label("successes"),
        )
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == dimension,
            daily_stats.c.day.between(start, end),
        )
        .group_by(daily_stats.c.day)
        .order_by(daily_stats.c.day)
    )
    if key is not None:
        query = query.where(daily_stats.c.key == key)
    return conn.execute(query).all()


def local_dials_by_area(conn: Connection, company_id: int, start: str, end: str) -> Sequence[Any]:
    """(area_code, dials, contacts) per prospect area code of the calls placed from a number of
    that area code."""
    return conn.execute(
        select(
            daily_stats.c.key.label("area_code"),
            func.sum(daily_stats.c.dials).label("dials"),
            func.sum(daily_stats.c.contacts).label("contacts"),
        )
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == "area_local",
            daily_stats.c.day.between(start, end),
        )
        .group_by(daily_stats.c.key)
    ).all()


def area_states(conn: Connection, company_id: int, start: str, end: str) -> Sequence[Any]:
    """(area_code, state) of the prospects' area codes called between two days."""
    return conn.execute(
        select(daily_stats.c.key.label("area_code"), func.max(daily_stats.c.state).label("state"))
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == "area",
            daily_stats.c.day.between(start, end),
        )
        .group_by(daily_stats.c.key)
    ).all()


def _areas_of_number(
    company_id: int, full_number: str, start: str, end: str
) -> tuple[ColumnElement[bool], ...]:
    """The ``ani_area`` rows of one number between two days."""
    first, after = ani_area_range(full_number)
    return (
        daily_stats.c.company_id == company_id,
        daily_stats.c.dimension == "ani_area",
        # A range of keys rather than LIKE, and the days through an expression, so that SQLite
        # walks the primary key (this number's rows) and not every row of the days.
        daily_stats.c.key >= first,
        daily_stats.c.key < after,
        func.substr(daily_stats.c.day, 1, 10).between(start, end),
    )


def areas_called(
    conn: Connection, company_id: int, full_number: str, start: str, end: str
) -> Sequence[Any]:
    """(area_code, dials, contacts) of one number's calls per prospect area code, most first."""
    prefix, _ = ani_area_range(full_number)
    area = func.substr(daily_stats.c.key, len(prefix) + 1)
    dials = func.sum(daily_stats.c.dials)
    return conn.execute(
        select(
            area.label("area_code"),
            dials.label("dials"),
            func.sum(daily_stats.c.contacts).label("contacts"),
        )
        .where(*_areas_of_number(company_id, full_number, start, end))
        .group_by(area)
        .order_by(dials.desc())
        .limit(100)
    ).all()


def _totals(*columns: Any) -> list[Any]:
    return [
        *columns,
        func.sum(daily_stats.c.dials).label("dials"),
        func.sum(daily_stats.c.contacts).label("contacts"),
        func.sum(daily_stats.c.successes).label("successes"),
    ]


def dials_by_region_from_stats(
    conn: Connection, company_id: int, start_day: str, end_day: str, *, group_by: str
) -> list[RegionSums]:
    """As ``store.planner.dials_by_region`` for every campaign, from the daily statistics (a
    row per key and day rather than per call): ``area_code`` from the area dimension less the
    calls of toll-free numbers, ``ani`` from the per-number rows."""
    in_range = (
        daily_stats.c.company_id == company_id,
        daily_stats.c.day.between(start_day, end_day),
    )
    totals: dict[str, list[Any]] = {}

    def add(region: str, state: str | None, row: Any, sign: int = 1) -> None:
        entry = totals.setdefault(region, [state, 0, 0, 0])
        entry[0] = entry[0] or state
        for i, name in enumerate(("dials", "contacts", "successes"), start=1):
            entry[i] += sign * int(row[name] if isinstance(row, dict) else getattr(row, name))

    numbers = select(
        anis.c.country_code, anis.c.number, anis.c.area_code, anis.c.state, anis.c.toll_free
    ).where(anis.c.company_id == company_id)
    if group_by == "ani":
        by_key = {row.country_code + row.number: row for row in conn.execute(numbers)}
        for row in conn.execute(
            select(*_totals(daily_stats.c.key))
            .where(*in_range, daily_stats.c.dimension == "ani")
            .group_by(daily_stats.c.key)
        ):
            held = by_key.get(row.key)
            if held is None:
                add(UNKNOWN, None, row)
            elif held.toll_free:
                add(TOLL_FREE, None, row)
            else:
                add(held.area_code or UNKNOWN, held.state, row)
    else:
        toll_free = [
            row.country_code + row.number
            for row in conn.execute(numbers.where(anis.c.toll_free.is_(True)))
        ]
        for row in conn.execute(
            select(*_totals(daily_stats.c.key, func.max(daily_stats.c.state).label("state")))
            .where(*in_range, daily_stats.c.dimension == "area")
            .group_by(daily_stats.c.key)
        ):
            add(row.key, row.state, row)
        for key in toll_free:
            # This number's calls per prospect area go to the toll-free row instead.
            for row in conn.execute(
                select(*_totals(daily_stats.c.key))
                .where(*_areas_of_number(company_id, key, start_day, end_day))
                .group_by(daily_stats.c.key)
            ):
                add(split_ani_area_key(row.key)[1], None, row, -1)
        if toll_free:
            for row in conn.execute(
                select(*_totals()).where(
                    *in_range, daily_stats.c.dimension == "ani", daily_stats.c.key.in_(toll_free)
                )
            ):
                if row.dials:
                    add(TOLL_FREE, None, row)
        # Calls whose prospect had no area code: every call (each has a campaign) less those.
        everything = conn.execute(
            select(*_totals()).where(*in_range, daily_stats.c.dimension == "campaign")
        ).one()
        known = [sum(entry[i] for entry in totals.values()) for i in (1, 2, 3)]
        if everything.dials and int(everything.dials) > known[0]:
            missing = {
                "dials": int(everything.dials) - known[0],
                "contacts": int(everything.contacts) - known[1],
                "successes": int(everything.successes) - known[2],
            }
            add(UNKNOWN, None, missing)
    return [
        RegionSums(region, entry[0], entry[1], entry[2], entry[3])
        for region, entry in totals.items()
        if entry[1] or entry[2] or entry[3]
    ]


_UPSERT_STATS = f"""
    INSERT INTO daily_stats
        (company_id, dimension, key, day, state, assigned, {", ".join(COUNTERS)},
         last_dialed_at)
    VALUES (:company_id, :dimension, :key, :day, :state, :assigned,
            {", ".join(f":{c}" for c in COUNTERS)}, :last_dialed_at)
    ON CONFLICT (company_id, dimension, key, day) DO UPDATE SET
        state = COALESCE(excluded.state, daily_stats.state),
        assigned = daily_stats.assigned + excluded.assigned,
        {", ".join(f"{c} = daily_stats.{c} + excluded.{c}" for c in COUNTERS)},
        last_dialed_at = CASE
            WHEN daily_stats.last_dialed_at IS NULL
              OR excluded.last_dialed_at > daily_stats.last_dialed_at
            THEN excluded.last_dialed_at ELSE daily_stats.last_dialed_at END
"""


def apply_stats(tx: RawTransaction, company_id: int, changes: Iterable[StatsChange]) -> None:
    """Add the changes to their daily rows.

    Rows are written in key order: concurrent transactions then lock shared rows in the same
    order and cannot deadlock each other on PostgreSQL.
    """
    changes = sorted(changes, key=lambda c: (c.dimension, c.key, c.day))
    tx.executemany(
        _UPSERT_STATS,
        (
            {
                "company_id": company_id,
                "dimension": change.dimension,
                "key": change.key,
                "day": change.day,
                "state": change.state,
                "assigned": change.assigned,
                **{c: change.counters.get(c, 0) for c in COUNTERS},
                "last_dialed_at": (
                    None if change.last_dialed_at is None else tx.time(change.last_dialed_at)
                ),
            }
            for change in changes
        ),
    )
