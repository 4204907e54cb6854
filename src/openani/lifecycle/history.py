"""Reading the status history of a company's ANIs: GET /dialer/anis/history, newest first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openani.paging import log_page
from openani.store import lifecycle as store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.validation import validate
from openani.wire import CountryCode, Input, PhoneText, optional


class HistoryFilter(Input):
    number: PhoneText = optional("Only this number's changes (any formatting)")
    country_code: CountryCode = optional("Only numbers of this country code")


# The ANI columns a number (and country code) given in a filter may mean: the inventory's key
# of ANIs (inventory.specs.ANIS.key_match), which the application passes in.
NumberKey = Callable[[HistoryFilter], dict[str, Any]]


def number_match(query: Mapping[str, str], number_key: NumberKey) -> dict[str, Any]:
    """The ANI columns a ``number`` / ``country_code`` filter of a listing narrows to."""
    wanted = validate(
        HistoryFilter, {k: v for k, v in query.items() if k in HistoryFilter.model_fields}
    )
    if wanted.number is not None:
        return number_key(wanted)
    if wanted.country_code is not None:
        return {"country_code": wanted.country_code}
    return {}


class AniHistoryService:
    def __init__(self, db: Database, number_key: NumberKey) -> None:
        self._db = db
        self._number_key = number_key

    def page(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        page = log_page(company.id, query, tuple(HistoryFilter.model_fields))
        match = number_match(query, self._number_key)
        with self._db.read() as conn:
            rows = store.history_page(
                conn, company.id, match=match, before_id=page.cursor_id, limit=page.limit + 1
            )
        return page.body(
            rows,
            lambda row: {
                "number": row.number,
                "country_code": row.country_code,
                "from": row.from_status,
                "to": row.to_status,
                "reason": row.reason,
                "actor": row.actor,
                "at": row.at,
            },
        )
