"""A company's own defaults for selection: time zone, caps, cap mode, nearest-area radius."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openani.inventory.models import CompanySettingsUpdate
from openani.store import audit
from openani.store import companies as company_store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.validation import validate


class CompanySettingsService:
    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self._db = db
        self._on_change = on_change

    def get(self, company: Company) -> dict[str, Any]:
        with self._db.read() as conn:
            values = company_store.company_settings(conn, company.id)
        return {"company_guid": company.guid, "name": company.name, **values}

    def update(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(CompanySettingsUpdate, body)
        changes = {name: getattr(command, name) for name in command.model_fields_set}
        with self._db.write() as conn:
            if changes:
                company_store.update_company_settings(conn, company.id, changes)
                audit.record(
                    conn,
                    company_id=company.id,
                    key_id=company.key_id,
                    action="update",
                    resource="settings",
                    identifier=None,
                    changes=changes,
                )
            values = company_store.company_settings(conn, company.id)
        if changes and self._on_change is not None:
            self._on_change(company.id)
        return {"company_guid": company.guid, "name": company.name, **values}
