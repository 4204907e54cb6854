"""NextAniService with explicit clocks: roll-over, timed pauses, cross-process staleness."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openani.assign.service import NextAniService, NoAvailableAni
from openani.assign.snapshot import VERSION_CHECK_S, SnapshotCache
from openani.inventory.service import ResourceService
from openani.inventory.specs import ANIS, CAMPAIGNS
from openani.learning.service import LearningService
from openani.store.engine import Database
from tests.conftest import Tenant

# 04:59 UTC is 23:59 in New York (EST): one minute before the company's day ends.
LATE_EVENING = datetime(2026, 1, 14, 4, 59, tzinfo=UTC)


class Process:
    """What one server process holds: its own caches over the shared database."""

    def __init__(self, db: Database) -> None:
        self.snapshots = SnapshotCache(db)
        self.next = NextAniService(db, self.snapshots, LearningService(db))
        self.anis = ResourceService(db, ANIS, on_change=self.snapshots.invalidate)
        self.campaigns = ResourceService(db, CAMPAIGNS, on_change=self.snapshots.invalidate)

    def call(self, tenant: Tenant, now: datetime, **body: Any) -> dict[str, Any]:
        request = {"outbound_campaign": "c1", "prospect_phone": "2127778888", **body}
        return asyncio.run(self.next.next_ani(tenant.company, request, now))


def setup(process: Process, tenant: Tenant, **campaign: Any) -> None:
    process.campaigns.create(
        tenant.company, {"id": "c1", "name": "C", "type": "Outbound", **campaign}
    )
    process.anis.create(
        tenant.company, {"country_code": "+1", "number": "2125550101", "inbound_group_id": "g"}
    )


def test_daily_cap_resets_at_the_company_midnight(db: Database, tenant: Tenant) -> None:
    process = Process(db)
    setup(process, tenant, daily_cap=1, cap_mode="strict")
    process.call(tenant, LATE_EVENING)
    with pytest.raises(NoAvailableAni):
        process.call(tenant, LATE_EVENING + timedelta(seconds=30))
    assert process.call(tenant, LATE_EVENING + timedelta(minutes=2))["ani"] == "2125550101"


def test_hourly_cap_resets_on_the_hour(db: Database, tenant: Tenant) -> None:
    process = Process(db)
    setup(process, tenant, hourly_cap=1, cap_mode="strict")
    start = datetime(2026, 1, 14, 15, 10, tzinfo=UTC)
    process.call(tenant, start)
    with pytest.raises(NoAvailableAni):
        process.call(tenant, start + timedelta(minutes=30))
    process.call(tenant, start + timedelta(minutes=55))


def test_timed_pause_ends_by_itself(db: Database, tenant: Tenant) -> None:
    process = Process(db)
    setup(process, tenant)
    until = datetime.now(UTC) + timedelta(hours=1)
    process.anis.set_columns(
        tenant.company,
        {"number": "2125550101"},
        {"status": "paused", "paused_until": until},
        action="pause",
    )
    with pytest.raises(NoAvailableAni):
        process.call(tenant, until - timedelta(minutes=1))
    assert process.call(tenant, until + timedelta(seconds=1))["ani"] == "2125550101"


def test_another_process_sees_new_inventory_before_refusing(db: Database, tenant: Tenant) -> None:
    first, second = Process(db), Process(db)
    setup(first, tenant, inbound_pool_id="late")
    now = datetime.now(UTC)
    with pytest.raises(NoAvailableAni):
        first.call(tenant, now)  # nothing in group "late" yet; first now holds a snapshot
    second.anis.create(
        tenant.company, {"country_code": "+1", "number": "2125550199", "inbound_group_id": "late"}
    )
    assert first.call(tenant, now)["ani"] == "2125550199"


def test_another_process_sees_removals_after_the_version_check(
    db: Database, tenant: Tenant
) -> None:
    first, second = Process(db), Process(db)
    setup(first, tenant)
    second.anis.create(
        tenant.company, {"country_code": "+1", "number": "2125550199", "inbound_group_id": "g"}
    )
    now = datetime.now(UTC)
    first.call(tenant, now)
    second.anis.delete(tenant.company, {"number": "2125550101"})
    snapshot = first.snapshots.get(tenant.company.id, now)
    snapshot.checked_at -= VERSION_CHECK_S  # as if the check interval had passed
    assert {first.call(tenant, now)["ani"] for _ in range(3)} == {"2125550199"}


def test_claims_by_another_process_are_respected(db: Database, tenant: Tenant) -> None:
    first, second = Process(db), Process(db)
    setup(first, tenant, daily_cap=2, cap_mode="strict")
    now = datetime.now(UTC)
    first.call(tenant, now)  # first believes one slot is left
    second.call(tenant, now)  # ... which second takes
    with pytest.raises(NoAvailableAni):
        first.call(tenant, now)
