"""Lists an operator acts on: stored results, dispositions the dialer sends that are not
defined, numbers dialled that are not in the inventory (the SQL: store/result_lists.py)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openani.errors import ValidationFailed
from openani.geo import InvalidPhoneNumber, locate_prospect
from openani.moments import moment
from openani.paging import log_page, rank_page
from openani.store import result_lists as store
from openani.store.companies import Company
from openani.store.engine import Database


class ResultLists:
    def __init__(self, db: Database) -> None:
        self._db = db

    def unmapped_dispositions(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        """Most results first, a page at a time."""
        page = rank_page(query)
        with self._db.read() as conn:
            rows = store.unmapped_dispositions(
                conn, company.id, limit=page.limit + 1, offset=page.offset
            )
        return page.body(rows)

    def unknown_anis(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        """Most results first, a page at a time."""
        page = rank_page(query)
        with self._db.read() as conn:
            rows = store.unknown_anis(conn, company.id, limit=page.limit + 1, offset=page.offset)
        return page.body(rows)

    def results(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        """Stored results, newest first, with the KPIs they were sent with."""
        page = log_page(company.id, query, RESULT_FILTERS)
        match: dict[str, Any] = {
            column: query[name] for name, column in _TEXT_FILTERS.items() if name in query
        }
        for name, column in (("number", "ani"), ("prospect_phone", "prospect_phone")):
            if name in query:
                try:
                    match[column] = locate_prospect(query[name]).number
                except InvalidPhoneNumber as exc:
                    raise ValidationFailed({name: str(exc)}) from None
        zone = company.time_zone
        start = moment("from", query["from"], zone) if "from" in query else None
        end = moment("to", query["to"], zone) if "to" in query else None
        with self._db.read() as conn:
            rows = store.result_page(
                conn,
                company.id,
                match=match,
                start=start,
                end=end,
                before_id=page.cursor_id,
                limit=page.limit + 1,
            )
        return page.body(rows, _result)


_TEXT_FILTERS = {
    "call_id": "call_id",
    "campaign": "campaign",
    "agent": "agent_id",
    "dispo": "dispo",
}
RESULT_FILTERS = (*_TEXT_FILTERS, "number", "prospect_phone", "from", "to")


def _result(row: Any) -> dict[str, Any]:
    return {
        "call_id": row.call_id,
        "campaign": row.campaign,
        "agent_id": row.agent_id,
        "ani": row.ani,
        "country_code": row.ani_country_code,
        "dispo": row.dispo,
        "mapped": row.disposition_id is not None,
        "contact": row.counted_contact,
        "success": row.counted_success,
        "category": row.counted_category,
        "prospect_phone": row.prospect_phone,
        "call_at": row.call_at,
        "call_type": row.call_type,
        "duration_s": row.duration_s,
        "zip": row.zip,
        "lead_created": row.lead_created,
        "attempts": row.attempts,
        "skill": row.skill,
        "lead_source": row.lead_source,
        "kpis": json.loads(row.kpis),
        "received_at": row.received_at,
        "updated_at": row.updated_at,
    }
