"""What happens to burned numbers: the burned-number signals of one check, applied to the pool.

The signals come from a detector (``selection/burn.py`` holds the test); this service decides,
per the company's settings, what each one does to the number's status:

- ``automation = "recommend"``: the number is marked ``suspected_label`` and stays in rotation.
- ``automation = "auto"``: the number rests (``resting`` until now + ``rest_days``), unless that
  would put more than ``max_resting_share`` of the company's ANIs to rest at once; then it is
  marked ``suspected_label`` with the reason the rest was deferred. The strongest evidence
  (smallest p-value) rests first.
- A number paused by hand is left alone; a resting one stays resting.
- A rest that has ended becomes ``probation`` (written down with the time it ended); a number on
  probation with a new signal rests again, one with none for ``probation_days`` becomes
  ``active``.

One check is one transaction: every change is audited, recorded in the status history (actor
``detector``) and bumps the inventory version, so /dialer/next in every process sees it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row

from openani.lifecycle.changes import AniRef, transition
from openani.lifecycle.status import DETECTOR_ACTOR, effective_status
from openani.selection.burn import BurnSignal
from openani.store import audit
from openani.store import companies as company_store
from openani.store import lifecycle as store
from openani.store.companies import Company
from openani.store.engine import Database

# (company, now) -> (how many numbers were checked, the signals of those found burned).
Detector = Callable[[Company, datetime], tuple[int, list[BurnSignal]]]


# The audit action of a change, by the status it leads to.
_ACTIONS = {
    "suspected_label": "suspect",
    "resting": "rest",
    "probation": "probation",
    "active": "activate",
}


@dataclass(frozen=True, slots=True)
class ReportedSignal:
    number: str
    country_code: str
    signal: BurnSignal


@dataclass(frozen=True, slots=True)
class Change:
    ani_id: int
    number: str
    country_code: str
    from_status: str
    to_status: str
    reason: str | None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class HealthReport:
    automation: str
    checked: int
    signals: list[ReportedSignal] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def to_public(self) -> dict[str, Any]:
        return {
            "automation": self.automation,
            "checked": self.checked,
            "signals": [
                {
                    "number": s.number,
                    "country_code": s.country_code,
                    "dials": s.signal.dials,
                    "observed": s.signal.observed,
                    "expected": s.signal.expected,
                    "p_value": s.signal.p_value,
                    "reason": s.signal.reason,
                }
                for s in self.signals
            ],
            "changes": [
                {
                    "number": c.number,
                    "country_code": c.country_code,
                    "from": c.from_status,
                    "to": c.to_status,
                    "reason": c.reason,
                }
                for c in self.changes
            ],
        }


@dataclass(slots=True)
class _Number:
    """One ANI as the check sees it, its status kept current as changes are decided."""

    row: Row[Any]
    status: str
    since: datetime | None  # when the current status began (None: unknown, long ago)


class AniHealthService:
    def __init__(
        self,
        db: Database,
        *,
        detect: Detector,
        on_change: Callable[[int], None] | None = None,
    ) -> None:
        self._db = db
        # The burned-number test (learning.service in production; fixed signals in tests).
        self.detect = detect
        # Told the company id after a committed change, so this process's caches drop at once.
        self._on_change = on_change

    def check(self, company: Company, now: datetime) -> HealthReport:
        """Run the detector for the company now and apply what it finds."""
        checked, signals = self.detect(company, now)
        return self.apply(company, signals, now, checked=checked)

    def apply(
        self, company: Company, signals: Sequence[BurnSignal], now: datetime, *, checked: int = 0
    ) -> HealthReport:
        with self._db.write() as conn:
            settings = company_store.company_settings(conn, company.id)
            numbers = {
                row.id: _Number(row, *_current(row, now))
                for row in store.company_anis(conn, company.id)
            }
            plan = _Plan(settings, numbers, now)
            plan.end_rests()
            known = _strongest_first(s for s in signals if s.ani_id in numbers)
            for signal in known:
                plan.signal(signal)
            plan.promote(exempt={s.ani_id for s in known})
            for change, at in plan.changes:
                self._write(conn, company, change, at)
            if plan.changes:
                company_store.bump_inventory_version(conn, company.id)
        if plan.changes and self._on_change is not None:
            self._on_change(company.id)
        return HealthReport(
            automation=settings["automation"],
            checked=checked,
            signals=[
                ReportedSignal(numbers[s.ani_id].row.number, numbers[s.ani_id].row.country_code, s)
                for s in known
            ],
            changes=[change for change, _at in plan.changes],
        )

    def _write(self, conn: Connection, company: Company, change: Change, at: datetime) -> None:
        values = transition(
            conn,
            company.id,
            AniRef(change.ani_id, change.number, change.country_code),
            change.from_status,
            change.to_status,
            until=change.until,
            reason=change.reason,
            actor=DETECTOR_ACTOR,
            at=at,
        )
        store.set_status(conn, change.ani_id, values)
        audit.record(
            conn,
            company_id=company.id,
            key_id=company.key_id,
            action=_ACTIONS[change.to_status],
            resource="ani",
            identifier=change.number,
            changes={**values, "from": change.from_status, "actor": DETECTOR_ACTOR},
        )


def _current(row: Row[Any], now: datetime) -> tuple[str, datetime | None]:
    status = effective_status(row.status, row.paused_until, now)
    since = row.paused_until if status != row.status else row.status_changed_at
    return status, since


def _strongest_first(signals: Iterable[BurnSignal]) -> list[BurnSignal]:
    """One signal per number (its smallest p-value), the strongest evidence first."""
    best: dict[int, BurnSignal] = {}
    for signal in signals:
        kept = best.get(signal.ani_id)
        if kept is None or signal.p_value < kept.p_value:
            best[signal.ani_id] = signal
    return sorted(best.values(), key=lambda s: (s.p_value, s.ani_id))


class _Plan:
    """The changes one check makes, decided in memory against the locked rows."""

    def __init__(self, settings: dict[str, Any], numbers: dict[int, _Number], now: datetime):
        self.automation: str = settings["automation"]
        self.rest_days: int = settings["rest_days"]
        self.share: float = settings["max_resting_share"]
        self.probation_days: int = settings["probation_days"]
        self.numbers = numbers
        self.now = now
        self.total = len(numbers)
        # At most this many numbers may rest at once (a small epsilon absorbs 0.2 * 10 = 2.0000…1).
        self.max_resting = math.floor(self.share * self.total + 1e-9)
        self.resting = sum(1 for n in numbers.values() if n.status == "resting")
        self.changes: list[tuple[Change, datetime]] = []

    def end_rests(self) -> None:
        """Write down the rests that have ended: the number has been on probation since."""
        for number in self.numbers.values():
            if number.row.status == "resting" and number.status == "probation":
                reason = "rest ended; on probation"
                self._change(number, "probation", reason, at=number.since, was="resting")

    def signal(self, signal: BurnSignal) -> None:
        number = self.numbers[signal.ani_id]
        if number.status in ("paused", "resting"):
            return  # taken out by hand, or already resting
        if self.automation == "recommend":
            if number.status != "suspected_label":
                self._change(
                    number,
                    "suspected_label",
                    f"{signal.reason}; automation is recommend: left in rotation",
                )
            return
        if self.resting + 1 <= self.max_resting:
            again = " again after probation" if number.status == "probation" else ""
            until = self.now + timedelta(days=self.rest_days)
            reason = f"{signal.reason}; resting{again} for {self.rest_days} days"
            self._change(number, "resting", reason, until=until)
            self.resting += 1
            return
        if number.status != "suspected_label":
            reason = (
                f"{signal.reason}; rest deferred: {self.resting} of {self.total} numbers "
                f"already resting, the most allowed at once is {self.share:.0%} "
                f"({self.max_resting})"
            )
            self._change(number, "suspected_label", reason)

    def promote(self, exempt: set[int]) -> None:
        """Numbers on probation for probation_days without a signal are active again."""
        served = timedelta(days=self.probation_days)
        for number in self.numbers.values():
            if number.status != "probation" or number.row.id in exempt:
                continue
            if number.since is None or number.since + served <= self.now:
                reason = f"no new signal in {self.probation_days} days of probation"
                self._change(number, "active", reason)

    def _change(
        self,
        number: _Number,
        to_status: str,
        reason: str,
        *,
        until: datetime | None = None,
        at: datetime | None = None,
        was: str | None = None,
    ) -> None:
        row = number.row
        from_status = was or number.status
        change = Change(row.id, row.number, row.country_code, from_status, to_status, reason, until)
        when = at or self.now
        self.changes.append((change, when))
        number.status, number.since = to_status, when
