"""The audit log: append on every change, read newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from openani.store.pages import newest_first
from openani.store.schema import audit_log


def record(
    conn: Connection,
    *,
    company_id: int,
    key_id: str | None,
    action: str,
    resource: str,
    identifier: str | None,
    changes: Mapping[str, Any],
) -> None:
    conn.execute(
        insert(audit_log).values(
            company_id=company_id,
            key_id=key_id,
            action=action,
            resource=resource,
            identifier=identifier,
            changes=json.dumps(changes, default=str, sort_keys=True),
            at=datetime.now(UTC),
        )
    )


def page(
    conn: Connection,
    company_id: int,
    *,
    resource: str | None,
    before_id: int | None,
    limit: int,
) -> Sequence[Row[Any]]:
    query = select(audit_log).where(audit_log.c.company_id == company_id)
    if resource is not None:
        query = query.where(audit_log.c.resource == resource)
    return conn.execute(newest_first(query, audit_log.c.id, before_id, limit)).all()
