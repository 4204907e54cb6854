"""The inventory as CSV: every number with its status and its figures of the last 30 days.

Written page by page (1,000 numbers a query), so an export of any size holds one page in memory;
the columns are those an import reads, then those that describe the number, so an export can be
edited and loaded back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from openani.errors import ValidationFailed
from openani.inventory.ani_import import EXPORT_ONLY_COLUMNS, OPENANI_COLUMNS
from openani.inventory.specs import ANIS
from openani.lifecycle.status import STATUSES
from openani.stats.service import parse_window
from openani.store import ani_bulk
from openani.store import daily_stats as store
from openani.store.companies import Company
from openani.store.engine import Database

COLUMNS = (*OPENANI_COLUMNS, *EXPORT_ONLY_COLUMNS)
FILTERS = ("area_code", "state", "status", "number")
_PAGE = 1000


def check_filters(query: Mapping[str, str]) -> dict[str, str]:
    unknown = {
        name: f"unknown query parameter (known: {', '.join(FILTERS)})"
        for name in query
        if name not in FILTERS
    }
    if unknown:
        raise ValidationFailed(unknown)
    if "status" in query and query["status"] not in STATUSES:
        raise ValidationFailed({"status": f"must be one of {', '.join(STATUSES)}"})
    if "number" in query and not query["number"].isdigit():
        raise ValidationFailed({"number": "must be digits (a prefix of the national number)"})
    return dict(query)


def _rate(numerator: int, denominator: int) -> str:
    return f"{100.0 * numerator / denominator:.2f}" if denominator else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def csv_pages(
    db: Database,
    company: Company,
    filters: Mapping[str, str],
    healthy_volume: Callable[[int], int],
) -> Iterator[str]:
    """The header, then one chunk of CSV text per page of numbers."""
    window = parse_window({"window": "30d"}, company.time_zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    after_id: int | None = None
    while True:
        with db.read() as conn:
            stats = store.ani_stats(
                conn, company.id, window,
                campaign=None, number_prefix=filters.get("number"),
                area_code=filters.get("area_code"), state=filters.get("state"),
                status=filters.get("status"), after_id=after_id, limit=_PAGE,
            )  # fmt: skip
            rows = ani_bulk.rows_by_id(conn, company.id, [s.id for s in stats])
        if not stats:
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for figures in stats:
            row = rows[figures.id]
            last = figures.last_dialed
            if isinstance(last, str):  # SQLite hands aggregates of datetimes back as text
                last = datetime.fromisoformat(last).replace(tzinfo=UTC)
            values = {
                **ANIS.to_public(row),
                "healthy_volume": healthy_volume(row.id),
                "dials_today": figures.today_dials,
                "dials_30d": figures.dials,
                "contacts_30d": figures.contacts,
                "successes_30d": figures.successes,
                "contact_rate_30d": _rate(int(figures.contacts), int(figures.dials)),
                "success_rate_30d": _rate(int(figures.successes), int(figures.contacts)),
                "last_dialed": last,
                "created_at": row.created_at,
            }
            writer.writerow([_text(values[name]) for name in COLUMNS])
        yield buffer.getvalue()
        if len(stats) < _PAGE:
            return
        after_id = stats[-1].id
