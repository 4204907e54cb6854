"""What the operator's console reads beyond the API's own queries: daily series, counts by
status, and coverage of area codes. Every query is scoped by company and reads pre-aggregated
daily rows or the inventory, never the raw results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from openani.store.schema import anis, dial_results


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
