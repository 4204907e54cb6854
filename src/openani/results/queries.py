"""Lists an operator acts on: dispositions the dialer sends that are not defined, unknown ANIs."""

from __future__ import annotations

from typing import Any

from openani.store import results_queries as store
from openani.store.companies import Company
from openani.store.engine import Database


class ResultQueries:
    def __init__(self, db: Database) -> None:
        self._db = db

    def unmapped_dispositions(self, company: Company) -> list[dict[str, Any]]:
        with self._db.read() as conn:
            return store.unmapped_dispositions(conn, company.id)

    def unknown_anis(self, company: Company) -> list[dict[str, Any]]:
        with self._db.read() as conn:
            return store.unknown_anis(conn, company.id)
