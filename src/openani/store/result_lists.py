"""The SQL of the lists an operator reads (results/lists.py): stored results, undefined
dispositions, unknown ANIs (SQLAlchemy Core: not on any hot path)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, select

from openani.store.pages import newest_first
from openani.store.schema import anis, dial_results


def unmapped_dispositions(
    conn: Connection, company_id: int, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            dial_results.c.dispo,
            func.count().label("results"),
            func.min(dial_results.c.call_at).label("first_call_at"),
            func.max(dial_results.c.call_at).label("last_call_at"),
        )
        .where(dial_results.c.company_id == company_id, dial_results.c.disposition_id.is_(None))
        .group_by(dial_results.c.dispo)
        .order_by(func.count().desc(), dial_results.c.dispo)
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "dispo": r.dispo,
            "results": r.results,
            "first_call_at": r.first_call_at,
            "last_call_at": r.last_call_at,
        }
        for r in rows
    ]


def unknown_anis(
    conn: Connection, company_id: int, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Numbers results were dialled with that were not in the inventory when the results
    arrived and are not in it now (a number deleted later is history, not an unknown)."""
    in_inventory = exists().where(
        and_(
            anis.c.company_id == company_id,
            anis.c.deleted_at.is_(None),
            anis.c.country_code == dial_results.c.ani_country_code,
            anis.c.number == dial_results.c.ani,
        )
    )
    rows = conn.execute(
        select(
            dial_results.c.ani_country_code,
            dial_results.c.ani,
            func.count().label("results"),
            func.max(dial_results.c.call_at).label("last_call_at"),
        )
        .where(
            dial_results.c.company_id == company_id, dial_results.c.ani_id.is_(None), ~in_inventory
        )
        # ani first: SQLite then reads the partial index of unknown ANIs (the few results
        # concerned) rather than every result of the company through another index.
        .group_by(dial_results.c.ani, dial_results.c.ani_country_code)
        .order_by(func.count().desc(), dial_results.c.ani_country_code, dial_results.c.ani)
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "country_code": r.ani_country_code,
            "number": r.ani,
            "results": r.results,
            "last_call_at": r.last_call_at,
        }
        for r in rows
    ]


def result_page(
    conn: Connection,
    company_id: int,
    *,
    match: dict[str, Any],
    start: datetime | None,
    end: datetime | None,
    before_id: int | None,
    limit: int,
) -> list[Any]:
    """Stored results, newest first; ``match``: column -> value of dial_results."""
    query = select(dial_results).where(dial_results.c.company_id == company_id)
    for column, value in match.items():
        query = query.where(dial_results.c[column] == value)
    if start is not None:
        query = query.where(dial_results.c.call_at >= start)
    if end is not None:
        query = query.where(dial_results.c.call_at < end)
    return list(conn.execute(newest_first(query, dial_results.c.id, before_id, limit)).all())
