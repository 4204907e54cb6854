"""Burned-number signals applied to the pool: recommend or rest, the resting share, probation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from openani.inventory.company_settings import CompanySettingsService
from openani.inventory.service import ResourceService
from openani.inventory.specs import ANIS
from openani.lifecycle import changes
from openani.lifecycle.health import AniHealthService, HealthReport
from openani.selection.burn import BurnSignal
from openani.store import selection as selection_store
from openani.store.engine import Database
from openani.store.schema import anis, audit_log
from tests.conftest import Tenant, make_tenant


def _nothing_found(company: Any, now: datetime) -> tuple[int, list[BurnSignal]]:
    """A detector for tests that hand their signals to ``apply`` directly."""
    return 0, []


NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


class Pool:
    """One company's ANIs and the services that change their status."""

    def __init__(self, db: Database, tenant: Tenant, size: int, **settings: Any) -> None:
        self.db = db
        self.company = tenant.company
        self.anis = ResourceService(db, ANIS)
        self.invalidated: list[int] = []
        self.health = AniHealthService(db, detect=_nothing_found, on_change=self.invalidated.append)
        self.numbers = [f"21255501{i:02d}" for i in range(size)]
        for number in self.numbers:
            self.anis.create(
                self.company, {"country_code": "+1", "number": number, "inbound_group_id": "g"}
            )
        # These tests are about resting, which is not the company default (recommend).
        settings = {"automation": "auto", **settings}
        CompanySettingsService(db).update(self.company, settings)
        with db.read() as conn:
            rows = conn.execute(
                select(anis.c.number, anis.c.id).where(anis.c.company_id == self.company.id)
            )
            self.ids = {number: ani_id for number, ani_id in rows}

    def signal(self, number: str, p_value: float = 1e-6) -> BurnSignal:
        return BurnSignal(self.ids[number], dials=200, observed=4, expected=30.0, p_value=p_value)

    def apply(self, now: datetime, *numbers: str) -> HealthReport:
        return self.health.apply(self.company, [self.signal(n) for n in numbers], now)

    def ani(self, number: str) -> dict[str, Any]:
        return self.anis.get(self.company, {"number": number})

    def status(self, number: str) -> str:
        return str(self.ani(number)["status"])

    def transitions(self, report: HealthReport) -> list[tuple[str, str, str]]:
        return [(c.number, c.from_status, c.to_status) for c in report.changes]


def test_recommend_only_flags_and_keeps_the_number_in_rotation(
    db: Database, tenant: Tenant
) -> None:
    pool = Pool(db, tenant, 3, automation="recommend")
    report = pool.apply(NOW, pool.numbers[0])
    assert report.automation == "recommend"
    assert pool.transitions(report) == [(pool.numbers[0], "active", "suspected_label")]
    ani = pool.ani(pool.numbers[0])
    assert ani["status"] == "suspected_label"
    assert ani["paused_until"] is None
    assert "recommend" in ani["status_reason"]
    assert "4 contacts on 200 recent dials" in ani["status_reason"]
    # Still selectable.
    with db.read() as conn:
        selectable = selection_store.selectable_anis(conn, pool.company.id)
    assert {a.status for a in selectable} == {"active", "suspected_label"}
    # A second signal changes nothing more.
    assert pool.apply(NOW + DAY, pool.numbers[0]).changes == []


def test_auto_rests_a_burned_number_for_rest_days(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 10, rest_days=5)
    report = pool.apply(NOW, pool.numbers[0])
    assert pool.transitions(report) == [(pool.numbers[0], "active", "resting")]
    with db.read() as conn:
        row = conn.execute(select(anis).where(anis.c.id == pool.ids[pool.numbers[0]])).one()
    assert (row.status, row.paused_until, row.status_changed_at) == ("resting", NOW + 5 * DAY, NOW)
    assert "resting for 5 days" in row.status_reason
    assert pool.invalidated == [pool.company.id]


def test_the_resting_share_is_never_exceeded(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 10, max_resting_share=0.2)
    p_values = (4e-6, 1e-6, 3e-6, 2e-6)
    signals = [pool.signal(n, p_value=p) for n, p in zip(pool.numbers[:4], p_values, strict=True)]
    report = pool.health.apply(pool.company, signals, NOW)
    # The strongest evidence rests first.
    assert pool.transitions(report) == [
        (pool.numbers[1], "active", "resting"),
        (pool.numbers[3], "active", "resting"),
        (pool.numbers[2], "active", "suspected_label"),
        (pool.numbers[0], "active", "suspected_label"),
    ]
    deferred = pool.ani(pool.numbers[0])["status_reason"]
    assert "rest deferred: 2 of 10 numbers already resting" in deferred
    assert "20%" in deferred
    # Another signal while the share is full changes nothing; a new number is only flagged.
    later = pool.apply(NOW + DAY, pool.numbers[0], pool.numbers[4])
    assert pool.transitions(later) == [(pool.numbers[4], "active", "suspected_label")]
    # Once a rest has ended there is room again: the suspected number rests on its next signal.
    after_rest = pool.apply(NOW + 8 * DAY, pool.numbers[0])
    assert (pool.numbers[0], "suspected_label", "resting") in pool.transitions(after_rest)


def test_a_share_of_zero_never_rests(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 4, max_resting_share=0.0)
    report = pool.apply(NOW, pool.numbers[0])
    assert pool.transitions(report) == [(pool.numbers[0], "active", "suspected_label")]


def test_rest_ends_in_probation_then_active_without_a_new_signal(
    db: Database, tenant: Tenant
) -> None:
    pool = Pool(db, tenant, 10, rest_days=7, probation_days=3)
    number = pool.numbers[0]
    real_now = datetime.now(UTC)
    # Rested eight days ago: the rest ended yesterday, so the number reads as probation now,
    # before anything has written it down, and is selectable again.
    rested_at = real_now - 8 * DAY
    pool.apply(rested_at, number)
    ani = pool.ani(number)
    assert ani["status"] == "probation"
    assert ani["paused_until"] is None
    assert ani["status_changed_at"] == rested_at + 7 * DAY
    assert pool.anis.list(pool.company, {"status": "probation"}, limit=10, cursor=None).items
    assert not pool.anis.list(pool.company, {"status": "resting"}, limit=10, cursor=None).items

    # A check one day into probation writes the end of the rest down, at the time it ended.
    rest_end = rested_at + 7 * DAY
    first = pool.apply(rest_end + DAY)
    assert pool.transitions(first) == [(number, "resting", "probation")]
    assert pool.status(number) == "probation"
    # Two days in: still watched; three days in: active.
    assert pool.apply(rest_end + 2 * DAY).changes == []
    promoted = pool.apply(rest_end + 3 * DAY)
    assert pool.transitions(promoted) == [(number, "probation", "active")]
    assert promoted.changes[0].reason == "no new signal in 3 days of probation"
    assert pool.status(number) == "active"


def test_a_signal_on_probation_rests_the_number_again(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 10, rest_days=7, probation_days=3)
    number = pool.numbers[0]
    pool.apply(NOW, number)
    report = pool.apply(NOW + 8 * DAY, number)
    assert pool.transitions(report) == [
        (number, "resting", "probation"),
        (number, "probation", "resting"),
    ]
    assert "again after probation" in str(report.changes[1].reason)
    assert report.changes[1].until == NOW + 15 * DAY


def test_probation_of_zero_days_ends_at_the_next_check(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 10, rest_days=1, probation_days=0)
    number = pool.numbers[0]
    pool.apply(NOW, number)
    report = pool.apply(NOW + 2 * DAY)
    assert pool.transitions(report) == [
        (number, "resting", "probation"),
        (number, "probation", "active"),
    ]


def test_numbers_paused_by_hand_are_left_alone(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 3)
    changes.pause(pool.anis, pool.company, {"number": pool.numbers[0]})
    report = pool.apply(NOW, pool.numbers[0])
    assert report.changes == []
    assert [s.number for s in report.signals] == [pool.numbers[0]]
    assert pool.status(pool.numbers[0]) == "paused"


def test_activating_by_hand_clears_a_rest(db: Database, tenant: Tenant) -> None:
    pool = Pool(db, tenant, 10)
    number = pool.numbers[0]
    pool.apply(datetime.now(UTC), number)
    assert pool.status(number) == "resting"
    ani = changes.activate(pool.anis, pool.company, {"number": number})
    assert (ani["status"], ani["paused_until"], ani["status_reason"]) == (
        "active",
        None,
        "activated by hand",
    )
    assert pool.status(number) == "active"


def test_every_change_is_audited_and_bumps_the_inventory_version(
    db: Database, tenant: Tenant
) -> None:
    pool = Pool(db, tenant, 10)
    with db.read() as conn:
        before = selection_store.inventory_version(conn, pool.company.id)
    pool.apply(NOW, pool.numbers[0], pool.numbers[1])
    with db.read() as conn:
        after = selection_store.inventory_version(conn, pool.company.id)
        entries = conn.execute(
            select(audit_log.c.action, audit_log.c.identifier)
            .where(audit_log.c.company_id == pool.company.id, audit_log.c.resource == "ani")
            .where(audit_log.c.action == "rest")
        ).all()
    assert after == before + 1
    assert sorted(entries) == [("rest", pool.numbers[0]), ("rest", pool.numbers[1])]
    # A check that changes nothing neither bumps nor tells the caches.
    pool.invalidated.clear()
    pool.apply(NOW)
    assert pool.invalidated == []


def test_signals_for_another_companys_numbers_are_ignored(db: Database, tenant: Tenant) -> None:
    ours = Pool(db, tenant, 3)
    theirs = Pool(db, make_tenant(db, "Rival Calls"), 0)
    report = theirs.health.apply(theirs.company, [ours.signal(ours.numbers[0])], NOW)
    assert (report.signals, report.changes) == ([], [])
    assert ours.status(ours.numbers[0]) == "active"
