"""GET /dialer/assignments: why each call got its number, read back from the assignment log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openani.errors import ValidationFailed
from openani.geo import InvalidPhoneNumber, locate_prospect
from openani.inventory.models import AniKey
from openani.inventory.specs import ANIS
from openani.moments import moment
from openani.paging import log_page
from openani.store import assignment_log as store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.validation import validate

FILTERS = ("prospect_phone", "number", "campaign", "from", "to")

_MATCH = {
    "zip": "area code {ani_area_code} serves the prospect's ZIP",
    "area_code": "same area code ({ani_area_code}) as the prospect",
    "overlay": "area code {ani_area_code} overlays the prospect's area code",
    "state": "same state ({ani_state}) as the prospect",
    "nearest": "the nearest area code with a usable number ({ani_area_code})",
    "tfn": "a toll-free number",
    "any": "no closer number was usable: any eligible one",
    "sticky": "the number this prospect was shown last (sticky caller ID)",
}
_LEARNED = "highest_contact_rate"


def why(row: Mapping[str, Any]) -> str:
    """One sentence from the logged strategy, level, fallback and cap flags."""
    match = _MATCH.get(str(row["match"]), str(row["match"])).format(**row)
    strategy = row["assignment_type"]
    parts = [
        f"chosen by the learner (best predicted contact rate): {match}"
        if strategy == _LEARNED
        else f"{strategy}: {match}"
    ]
    if row["fallback"]:
        asked = row["requested_assignment_type"] or "the campaign's default strategy"
        parts.append(f"a fallback: the first level of {asked} had no number under its caps")
    if row["over_cap"]:
        parts.append("every eligible number was at its cap; the least used one was taken")
    return "; ".join(parts)


class AssignmentLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def page(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        page = log_page(company.id, query, FILTERS)
        prospect = None
        if "prospect_phone" in query:
            try:
                prospect = locate_prospect(query["prospect_phone"]).number
            except InvalidPhoneNumber as exc:
                raise ValidationFailed({"prospect_phone": str(exc)}) from None
        ani_match = None
        if "number" in query:
            ani_match = ANIS.key_match(validate(AniKey, {"number": query["number"]}))
        zone = company.time_zone
        start = moment("from", query["from"], zone) if "from" in query else None
        end = moment("to", query["to"], zone) if "to" in query else None
        with self._db.read() as conn:
            rows = store.page(
                conn,
                company.id,
                prospect_phone=prospect,
                ani_match=ani_match,
                campaign=query.get("campaign"),
                start=start,
                end=end,
                before_id=page.cursor_id,
                limit=page.limit + 1,
            )
        return page.body(rows, _shown)


def _shown(row: Any) -> dict[str, Any]:
    values = {str(key): value for key, value in row._mapping.items()}
    return {**values, "why": why(values)}
