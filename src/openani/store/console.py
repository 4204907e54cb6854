"""What the operator's console reads beyond the API's own queries: daily series, counts by
status, and coverage of area codes. Every query is scoped by company and reads pre-aggregated
daily rows or the inventory, never the raw results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from openani.store.schema import anis, daily_stats, dial_results


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


def status_counts(conn: Connection, company_id: int, now: datetime) -> Sequence[Any]:
    """(status, ended, numbers): ended tells a timed pause or rest that is over."""
    ended = case(
        (and_(anis.c.paused_until.is_not(None), anis.c.paused_until <= now), True),
        else_=False,
    ).label("ended")
    return conn.execute(
        select(anis.c.status, ended, func.count().label("numbers"))
        .where(anis.c.company_id == company_id, anis.c.deleted_at.is_(None))
        .group_by(anis.c.status, ended)
    ).all()


def numbers_by_area(conn: Connection, company_id: int) -> Sequence[Any]:
    """(area_code, state, numbers) of the inventory, toll-free numbers left out."""
    return conn.execute(
        select(anis.c.area_code, anis.c.state, func.count().label("numbers"))
        .where(
            anis.c.company_id == company_id,
            anis.c.deleted_at.is_(None),
            anis.c.toll_free.is_(False),
        )
        .group_by(anis.c.area_code, anis.c.state)
    ).all()


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


def areas_called(
    conn: Connection, company_id: int, full_number: str, start: str, end: str
) -> Sequence[Any]:
    """(area_code, dials, contacts) of one number's calls per prospect area code, most first."""
    prefix = full_number + "|"
    area = func.substr(daily_stats.c.key, len(prefix) + 1)
    dials = func.sum(daily_stats.c.dials)
    return conn.execute(
        select(
            area.label("area_code"),
            dials.label("dials"),
            func.sum(daily_stats.c.contacts).label("contacts"),
        )
        .where(
            daily_stats.c.company_id == company_id,
            daily_stats.c.dimension == "ani_area",
            # A range of keys rather than LIKE, and the days through an expression, so that
            # SQLite walks the primary key (this number's rows) and not every row of the days.
            daily_stats.c.key >= prefix,
            daily_stats.c.key < full_number + "}",
            func.substr(daily_stats.c.day, 1, 10).between(start, end),
        )
        .group_by(area)
        .order_by(dials.desc())
        .limit(100)
    ).all()


def ani_id(conn: Connection, company_id: int, country_code: str, number: str) -> int | None:
    return conn.execute(
        select(anis.c.id).where(
            anis.c.company_id == company_id,
            anis.c.country_code == country_code,
            anis.c.number == number,
            anis.c.deleted_at.is_(None),
        )
    ).scalar_one_or_none()


def unmapped_dispositions(conn: Connection, company_id: int, limit: int) -> Sequence[Any]:
    """(dispo, results) of results whose disposition is not defined, most first: counts only,
    which the partial index of such results answers by itself."""
    count = func.count().label("results")
    return conn.execute(
        select(dial_results.c.dispo, count)
        .where(dial_results.c.company_id == company_id, dial_results.c.disposition_id.is_(None))
        .group_by(dial_results.c.dispo)
        .order_by(count.desc(), dial_results.c.dispo)
        .limit(limit)
    ).all()
