"""The planner over a company's data: reads the range's calls and the numbers held, asks the
learner for contact rates and healthy volumes, and hands the arithmetic to planner/plan.py.

Callable with plain arguments (``PlannerService.plan``), so that any route or screen can offer
it; the HTTP shape is in http/planner.py.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from openani import clock
from openani.errors import OpenAniError, ValidationFailed
from openani.geo.zips import UnknownPostalCode, lookup_zip
from openani.lifecycle.status import SELECTABLE_STATUSES
from openani.planner.plan import (
    TARGETS,
    TOLL_FREE,
    UNKNOWN,
    Demand,
    GroupBy,
    Holding,
    Plan,
    Rates,
    make_plan,
)
from openani.selection.learner import ContactModel
from openani.store import daily_stats
from openani.store import planner as store
from openani.store.companies import Company
from openani.store.engine import Database

MAX_RANGE_DAYS = 366
MAX_TARGET = 10_000


class UnknownCampaigns(OpenAniError):
    """The anchor's planner answers 400 to campaign ids it does not know."""

    code = "unknown_campaign"
    status = 400


def default_range(today: date) -> tuple[date, date]:
    """The first of this month to yesterday; on the first of a month, the whole month before."""
    yesterday = today - timedelta(days=1)
    return yesterday.replace(day=1), yesterday


def read_target(value: str | int | None) -> str | int:
    if value is None:
        return "BETTER"
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationFailed({"daily_dials_target": "must be BEST, BETTER, GOOD or a number"})
    if isinstance(value, str):
        if value.upper() in TARGETS:
            return value.upper()
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            raise ValidationFailed(
                {"daily_dials_target": "must be BEST (50), BETTER (75), GOOD (100) or a number"}
            )
        value = int(value)
    if not 1 <= value <= MAX_TARGET:
        raise ValidationFailed({"daily_dials_target": f"must be between 1 and {MAX_TARGET}"})
    return value


class ContactModels(Protocol):
    """The learner's model per company, provided by the learning service and wired in by the
    application (the planner reads it to rank numbers; it does not own it)."""

    def model(self, company_id: int, time_zone: str, now: datetime) -> ContactModel: ...


class PlannerService:
    def __init__(self, db: Database, learning: ContactModels) -> None:
        self._db = db
        self._learning = learning

    def plan(
        self,
        company: Company,
        *,
        date_start: date | None = None,
        date_end: date | None = None,
        daily_dials_target: str | int | None = None,
        group_by: GroupBy = "area_code",
        campaigns: Sequence[str] | None = None,
        campaigns_exclude: Sequence[str] | None = None,
        model: ContactModel | None = None,
    ) -> Plan:
        """Blocking (reads the range's results and may refit the learner): call it from a worker
        thread when serving requests. ``model``: the learner's model, if the caller has it."""
        target = read_target(daily_dials_target)
        now = datetime.now(UTC)
        today = clock.local_date(now, company.time_zone)
        start, end = _range(date_start, date_end, today)
        if campaigns is not None and campaigns_exclude is not None:
            raise ValidationFailed(
                {"campaigns_exclude": "give campaigns or campaigns_exclude, not both"}
            )
        named = list(campaigns or campaigns_exclude or [])
        if model is None:
            model = self._learning.model(company.id, company.time_zone, now)
        with self._db.read() as conn:
            if named:
                unknown = sorted(set(named) - store.known_campaigns(conn, company.id, named))
                if unknown:
                    field = "campaigns" if campaigns is not None else "campaigns_exclude"
                    raise UnknownCampaigns(
                        f"unknown campaign ids: {', '.join(unknown)}",
                        fields={field: f"unknown: {', '.join(unknown)}"},
                    )
            rows: Sequence[Any]
            if campaigns is None and not campaigns_exclude and group_by != "zip":
                # Every campaign, by area code: the daily statistics have it, a row per key
                # and day instead of one per call.
                rows = daily_stats.dials_by_region_from_stats(
                    conn, company.id, start.isoformat(), end.isoformat(), group_by=group_by
                )
            else:
                rows = store.dials_by_region(
                    conn,
                    company.id,
                    start.isoformat(),
                    end.isoformat(),
                    group_by=group_by,
                    only_campaigns=campaigns,
                    except_campaigns=campaigns_exclude,
                )
            held = store.usable_numbers(conn, company.id, now, SELECTABLE_STATUSES)
        demand = [
            Demand(
                row.region,
                None if row.region in (TOLL_FREE, UNKNOWN) else row.state,
                int(row.dials),
                int(row.contacts),
                int(row.successes),
            )
            for row in rows
        ]
        holdings = _holdings(held, demand, group_by, model)

        def rates(region: str) -> Rates:
            area = _area_of(region, group_by)
            return Rates(model.rate(area, "local"), model.rate(area, "state"))

        return make_plan(
            start,
            end,
            demand,
            holdings,
            target=target,
            rates=rates,
            new_number_volume=model.params.healthy_daily,
        )

    def campaigns(self, company: Company) -> list[dict[str, Any]]:
        """The company's campaigns, each with openani's numeric id (``number``) beside its own
        id, for planners that name campaigns by number."""
        with self._db.read() as conn:
            rows = store.campaign_list(conn, company.id)
        return [
            {"number": row.id, "id": row.ext_id, "name": row.name, "type": row.type} for row in rows
        ]


def _range(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    default_start, default_end = default_range(today)
    start = start or default_start
    end = end or (default_end if default_end >= start else start)
    if end < start:
        raise ValidationFailed({"date_end": "must not be before date_start"})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationFailed({"date_start": f"a range may span at most {MAX_RANGE_DAYS} days"})
    return start, end


def _area_of(region: str, group_by: GroupBy) -> str | None:
    if group_by != "zip":
        return region
    try:
        codes = lookup_zip(region).area_codes
    except (ValueError, UnknownPostalCode):
        return None
    return codes[0] if codes else None


def _holdings(
    held: Sequence[Any],
    demand: Sequence[Demand],
    group_by: GroupBy,
    model: ContactModel,
) -> dict[str, Holding]:
    numbers: dict[str, int] = defaultdict(int)
    usable: dict[str, int] = defaultdict(int)
    capacity: dict[str, int] = defaultdict(int)
    volume = model.healthy_volume
    for ani_id, area_code, toll_free, in_rotation in held:
        area = TOLL_FREE if toll_free else (area_code or UNKNOWN)
        numbers[area] += 1
        if in_rotation:
            usable[area] += 1
            capacity[area] += volume(ani_id)
    if group_by != "zip":
        return {a: Holding(numbers[a], usable[a], capacity[a]) for a in numbers}
    # By ZIP: the numbers of the area codes serving each ZIP called (and toll-free as itself).
    holdings = {}
    for d in demand:
        if d.region in (TOLL_FREE, UNKNOWN):
            continue
        try:
            codes = lookup_zip(d.region).area_codes
        except (ValueError, UnknownPostalCode):
            continue
        holdings[d.region] = Holding(
            sum(numbers[c] for c in codes),
            sum(usable[c] for c in codes),
            sum(capacity[c] for c in codes),
        )
    if TOLL_FREE in numbers:
        holdings[TOLL_FREE] = Holding(numbers[TOLL_FREE], usable[TOLL_FREE], capacity[TOLL_FREE])
    return holdings


def plan_body(plan: Plan, group_by: GroupBy) -> dict[str, Any]:
    return {
        "date_start": plan.start.isoformat(),
        "date_end": plan.end.isoformat(),
        "business_days": plan.business_days,
        "daily_dials_target": plan.daily_dials_target,
        "group_by": group_by,
        "regions": [asdict(row) for row in plan.rows],
        "totals": plan.totals,
        "best_additions": [
            {
                "region": row.region,
                "state": row.state,
                "one_more_number_contacts_per_day": row.one_more_number_contacts_per_day,
            }
            for row in plan.best_additions()
        ],
    }


CSV_COLUMNS = (
    "region", "state", "dials", "contacts", "successes", "contact_rate", "daily_dials_average",
    "current", "usable", "proposed", "difference", "healthy_capacity", "overflow_per_day",
    "one_more_number_contacts_per_day",
)  # fmt: skip


def plan_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in plan.rows:
        values = asdict(row)
        writer.writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])
    totals = plan.totals
    writer.writerow(
        ["total", "", totals["dials"], totals["contacts"], "", "", "", totals["current"], "",
         totals["proposed"], totals["difference"], "", "", ""]
    )  # fmt: skip
    return buffer.getvalue()
