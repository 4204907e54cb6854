"""What the selection learner reads: per-day results of each number per prospect area code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from openani.store.schema import ani_status_history, daily_stats

# Statuses the burned-number detector gives a number it flags.
FLAGGED_STATUSES = ("suspected_label", "resting")


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


def flags_since(
    conn: Connection, company_id: int, actor: str, since: datetime
) -> list[tuple[int, datetime]]:
    """``(ani_id, at)`` of every flag ``actor`` (the detector) raised since ``since``."""
    h = ani_status_history
    rows = conn.execute(
        select(h.c.ani_id, h.c.at)
        .where(
            h.c.company_id == company_id,
            h.c.actor == actor,
            h.c.to_status.in_(FLAGGED_STATUSES),
            h.c.at >= since,
        )
        .order_by(h.c.id)
    )
    return [(int(ani_id), at) for ani_id, at in rows]
