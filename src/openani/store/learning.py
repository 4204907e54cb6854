"""What the selection learner reads: per-day results of each number per prospect area code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from openani.store.schema import ani_status_history

# Statuses the burned-number detector gives a number it flags.
FLAGGED_STATUSES = ("suspected_label", "resting")


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
