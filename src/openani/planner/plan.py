"""The planner's arithmetic (pure: no HTTP, no SQL).

With the commercial planners' semantics: over the business days (Monday to Friday) of a range,
each region's ``daily_dials_average`` is its dials divided by the business days, rounded up;
``proposed`` is that average divided by the daily dials one number should make, rounded up;
regions under 20 dials a business day propose no number but stay listed, so the numbers held
there show as surplus. Toll-free numbers are a region of their own.

Beyond that, each region is given the contacts a day one more number there would likely add:
the dials a business day its numbers cannot take at their healthy volumes go out from numbers
elsewhere; one more local number would take up to its own healthy volume of them, each at the
local contact rate instead of the rate of a number from elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

GroupBy = Literal["area_code", "ani", "zip"]
TARGETS: Mapping[str, int] = {"BEST": 50, "BETTER": 75, "GOOD": 100}
DEFAULT_TARGET = "BETTER"
MIN_DAILY_DIALS = 20
TOLL_FREE = "toll_free"
UNKNOWN = "unknown"


def business_days(start: date, end: date) -> int:
    """Monday to Friday from start to end, both included."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def target_dials(target: str | int) -> int:
    """BEST, BETTER, GOOD, or a number of dials a day."""
    return TARGETS[target] if isinstance(target, str) else target


@dataclass(frozen=True, slots=True)
class Demand:
    """The calls of one region over the range."""

    region: str
    state: str | None
    dials: int
    contacts: int
    successes: int


@dataclass(frozen=True, slots=True)
class Holding:
    """The numbers a company holds in one region."""

    numbers: int
    # Of those, the ones /dialer/next may pick now, and their healthy volumes added up.
    usable: int
    healthy_capacity: int


@dataclass(frozen=True, slots=True)
class Rates:
    """Contact rates a region's prospects get from a local number and from one elsewhere."""

    local: float
    elsewhere: float


@dataclass(frozen=True, slots=True)
class PlanRow:
    region: str
    state: str | None
    dials: int
    contacts: int
    successes: int
    contact_rate: float | None  # percent
    daily_dials_average: int
    current: int
    usable: int
    proposed: int
    difference: int  # proposed - current: positive means buy, negative surplus
    healthy_capacity: int
    overflow_per_day: int  # dials a business day beyond the healthy capacity of its numbers
    one_more_number_contacts_per_day: float


@dataclass(frozen=True, slots=True)
class Plan:
    start: date
    end: date
    business_days: int
    daily_dials_target: int
    rows: tuple[PlanRow, ...]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "dials": sum(r.dials for r in self.rows),
            "contacts": sum(r.contacts for r in self.rows),
            "current": sum(r.current for r in self.rows),
            "proposed": sum(r.proposed for r in self.rows),
            "difference": sum(r.difference for r in self.rows),
        }

    def best_additions(self, count: int = 10) -> list[PlanRow]:
        """Where one more number would earn the most contacts, best first."""
        ranked = [r for r in self.rows if r.one_more_number_contacts_per_day > 0]
        ranked.sort(key=lambda r: (-r.one_more_number_contacts_per_day, r.region))
        return ranked[:count]


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 2) if denominator else None


def make_plan(
    start: date,
    end: date,
    demand: Sequence[Demand],
    holdings: Mapping[str, Holding],
    *,
    target: str | int = DEFAULT_TARGET,
    rates: Callable[[str], Rates] | None = None,
    new_number_volume: int = 50,
) -> Plan:
    """One row per region that was called or where numbers are held, regions in order with
    toll-free and unknown last. ``rates`` gives a region's local and non-local contact rates
    (fractions); without it no gain is estimated."""
    days = business_days(start, end)
    per_number = target_dials(target)
    by_region = {d.region: d for d in demand}
    regions = sorted(
        set(by_region) | set(holdings),
        key=lambda r: (r in (TOLL_FREE, UNKNOWN), r == UNKNOWN, r),
    )
    rows = []
    for region in regions:
        d = by_region.get(region) or Demand(region, None, 0, 0, 0)
        held = holdings.get(region) or Holding(0, 0, 0)
        average = math.ceil(d.dials / days) if days else 0
        proposed = math.ceil(average / per_number) if average >= MIN_DAILY_DIALS else 0
        if region == UNKNOWN:
            proposed = 0
        overflow = max(0, average - held.healthy_capacity)
        gain = 0.0
        if rates is not None and overflow and region not in (TOLL_FREE, UNKNOWN):
            r = rates(region)
            gain = round(min(overflow, new_number_volume) * max(0.0, r.local - r.elsewhere), 2)
        rows.append(
            PlanRow(
                region=region,
                state=d.state,
                dials=d.dials,
                contacts=d.contacts,
                successes=d.successes,
                contact_rate=_percent(d.contacts, d.dials),
                daily_dials_average=average,
                current=held.numbers,
                usable=held.usable,
                proposed=proposed,
                difference=proposed - held.numbers,
                healthy_capacity=held.healthy_capacity,
                overflow_per_day=overflow,
                one_more_number_contacts_per_day=gain,
            )
        )
    return Plan(start, end, days, per_number, tuple(rows))
