"""Reading the audit log: who (which API key) changed what, and when, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openani.errors import ValidationFailed
from openani.store import audit as store
from openani.store.companies import Company
from openani.store.engine import Database

RESOURCES = ("campaign", "disposition", "ani", "settings")
MAX_PAGE = 1000


class AuditService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def page(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        unknown = {
            k: "unknown query parameter" for k in query if k not in ("resource", "limit", "cursor")
        }
        if unknown:
            raise ValidationFailed(unknown)
        resource = query.get("resource")
        if resource is not None and resource not in RESOURCES:
            raise ValidationFailed({"resource": f"must be one of {', '.join(RESOURCES)}"})
        limit_text = query.get("limit", "100")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_PAGE:
            raise ValidationFailed({"limit": f"must be a whole number between 1 and {MAX_PAGE}"})
        limit = int(limit_text)
        cursor = query.get("cursor")
        if cursor is not None and not cursor.isdigit():
            raise ValidationFailed({"cursor": "is not a cursor returned by this API"})
        with self._db.read() as conn:
            rows = store.page(
                conn,
                company.id,
                resource=resource,
                before_id=int(cursor) if cursor else None,
                limit=limit + 1,
            )
        items = [
            {
                "at": row.at,
                "key_id": row.key_id,
                "action": row.action,
                "resource": row.resource,
                "id": row.identifier,
                "changes": json.loads(row.changes),
            }
            for row in rows[:limit]
        ]
        return {
            "items": items,
            "next_cursor": str(rows[limit - 1].id) if len(rows) > limit else None,
        }
