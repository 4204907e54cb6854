"""Counts read at scrape time for the metrics endpoint (all companies together)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from openani.store.schema import anis


def anis_by_stored_status(conn: Connection) -> list[tuple[str, datetime | None, int]]:
    """(stored status, end of its pause or rest, count) over undeleted ANIs; the caller
    decides at its clock which ends have passed."""
    rows = conn.execute(
        select(anis.c.status, anis.c.paused_until, func.count())
        .where(anis.c.deleted_at.is_(None))
        .group_by(anis.c.status, anis.c.paused_until)
    ).all()
    return [(status, until, int(count)) for status, until, count in rows]
