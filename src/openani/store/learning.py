"""What the selection learner reads: per-day results of each number per prospect area code."""

from __future__ import annotations

from sqlalchemy import Connection, select

from openani.store.schema import daily_stats


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
