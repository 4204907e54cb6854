"""Campaigns /dialer/next creates on its own for ids the dialer sends before anyone defined
them (company setting unknown_campaign: serve)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from openani.store.companies import bump_inventory_version
from openani.store.schema import campaigns


def create_unknown(conn: Connection, company_id: int, ext_id: str, now: datetime) -> None:
    """An Outbound campaign named by its id, with no settings of its own (the company's
    defaults apply), marked auto_created. A deleted one of that id comes back the same way;
    one created meanwhile by another process is left as it is."""
    found = conn.execute(
        select(campaigns.c.id, campaigns.c.deleted_at)
        .where(campaigns.c.company_id == company_id, campaigns.c.ext_id == ext_id)
        .with_for_update()
    ).first()
    values = {
        "name": ext_id,
        "type": "Outbound",
        "inbound_pool_id": None,
        "daily_cap": None,
        "hourly_cap": None,
        "cap_mode": None,
        "default_assignment_type": None,
        "sticky_ani": False,
        "auto_created": True,
        "deleted_at": None,
        "updated_at": now,
    }
    if found is None:
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(campaigns).values(
                        company_id=company_id, ext_id=ext_id, created_at=now, **values
                    )
                )
        except IntegrityError:
            return  # another process created it first
    elif found.deleted_at is not None:
        conn.execute(
            update(campaigns).where(campaigns.c.id == found.id).values(created_at=now, **values)
        )
    else:
        return
    bump_inventory_version(conn, company_id)
