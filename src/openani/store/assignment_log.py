"""Reading the assignment log: every answer of /dialer/next, newest first (SQLAlchemy Core).

A row shows every column of ``assignments`` except the internal ids, which are replaced by what
they name (the campaign's id, the ANI's number and its area code and state): a column added to
the table later appears in the API without another edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from openani.store.pages import newest_first
from openani.store.schema import anis, assignments, campaigns

INTERNAL = frozenset({"company_id", "campaign_id", "ani_id"})


def page(
    conn: Connection,
    company_id: int,
    *,
    prospect_phone: str | None,
    ani_match: Mapping[str, Any] | None,
    campaign: str | None,
    start: datetime | None,
    end: datetime | None,
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    shown = [c for c in assignments.columns if c.name not in INTERNAL]
    query: Any = (
        select(
            *shown,
            campaigns.c.ext_id.label("campaign"),
            anis.c.number.label("ani"),
            anis.c.country_code.label("ani_country_code"),
            anis.c.area_code.label("ani_area_code"),
            anis.c.state.label("ani_state"),
        )
        .join(campaigns, campaigns.c.id == assignments.c.campaign_id)
        .join(anis, anis.c.id == assignments.c.ani_id)
        .where(assignments.c.company_id == company_id)
    )
    if prospect_phone is not None:
        query = query.where(assignments.c.prospect_phone == prospect_phone)
    if ani_match:
        for column, value in ani_match.items():
            query = query.where(
                anis.c[column].in_(list(value))
                if isinstance(value, list)
                else anis.c[column] == value
            )
    if campaign is not None:
        query = query.where(campaigns.c.ext_id == campaign)
    if start is not None:
        query = query.where(assignments.c.created_at >= start)
    if end is not None:
        query = query.where(assignments.c.created_at < end)
    rows: Sequence[Row[Any]] = conn.execute(
        newest_first(query, assignments.c.id, before_id, limit)
    ).all()
    return rows
