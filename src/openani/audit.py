"""Reading the audit log: who (which API key) changed what, and when, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openani.errors import ValidationFailed
from openani.paging import log_page
from openani.store import audit as store
from openani.store.companies import Company
from openani.store.engine import Database

RESOURCES = ("campaign", "disposition", "ani", "settings", "webhook")


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def page(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        page = log_page(company.id, query, ("resource",))
        resource = query.get("resource")
        if resource is not None and resource not in RESOURCES:
            raise ValidationFailed({"resource": f"must be one of {', '.join(RESOURCES)}"})
        with self._db.read() as conn:
            rows = store.page(
                conn, company.id, resource=resource, before_id=page.cursor_id, limit=page.limit + 1
            )
        return page.body(
            rows,
            lambda row: {
                "at": row.at,
                "key_id": row.key_id,
                "action": row.action,
                "resource": row.resource,
                "id": row.identifier,
                "changes": json.loads(row.changes),
            },
        )
