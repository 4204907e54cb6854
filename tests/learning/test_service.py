"""The learner fed from stored dial results, through the real services and database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openani.assign.service import NextAniService
from openani.assign.snapshot import SnapshotCache
from openani.inventory.service import ResourceService
from openani.inventory.specs import ANIS, CAMPAIGNS, DISPOS
from openani.learning import service as learning_service
from openani.learning.service import LearningService, tallies_from_rows
from openani.results.service import ResultIngest
from openani.selection.learner import ContactModel, DayTally
from openani.store import companies, lifecycle
from openani.store.engine import Database
from openani.store.selection import selectable_anis
from tests.conftest import Tenant

NOW = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)  # noon in New York
GOOD, POOR = "2125550101", "2125550102"


def setup(db: Database, tenant: Tenant, **campaign: Any) -> NextAniService:
    snapshots = SnapshotCache(db)
    ResourceService(db, CAMPAIGNS).create(
        tenant.company, {"id": "c1", "name": "C", "type": "Outbound", **campaign}
    )
    dispos = ResourceService(db, DISPOS)
    dispos.create(
        tenant.company,
        {
            "id": "HU",
            "name": "Human",
            "type": "Agent",
            "contact": True,
            "success": False,
            "category": "human",
        },
    )
    dispos.create(
        tenant.company,
        {
            "id": "NA",
            "name": "No answer",
            "type": "System",
            "contact": False,
            "success": False,
            "category": "no_answer",
        },
    )
    anis = ResourceService(db, ANIS)
    for number in (GOOD, POOR):
        anis.create(
            tenant.company, {"country_code": "+1", "number": number, "inbound_group_id": "g"}
        )
    return NextAniService(db, snapshots, LearningService(db))


def report(
    db: Database, tenant: Tenant, ani: str, day: datetime, dials: int, contacts: int
) -> None:
    rows = [
        {
            "campaign_id": "c1",
            "ani": ani,
            "call_id": f"{ani}-{day:%Y%m%d}-{i}",
            "dispo": "HU" if i < contacts else "NA",
            "prospect_phone": f"212777{i:04d}",
            "call_datetime": (day - timedelta(hours=1)).isoformat(),
        }
        for i in range(dials)
    ]
    outcomes = ResultIngest(db).ingest(tenant.company, rows)
    assert all(o.status == "stored" for o in outcomes), outcomes


def call(service: NextAniService, tenant: Tenant, now: datetime, **body: Any) -> dict[str, Any]:
    request = {"outbound_campaign": "c1", "prospect_phone": "2127778888", **body}
    return asyncio.run(service.next_ani(tenant.company, request, now))


def test_the_number_with_more_contacts_is_preferred_until_its_healthy_volume(
    db: Database, tenant: Tenant
) -> None:
    service = setup(db, tenant)
    for days_ago in (1, 2, 3):
        day = NOW - timedelta(days=days_ago)
        report(db, tenant, GOOD, day, dials=40, contacts=16)
        report(db, tenant, POOR, day, dials=40, contacts=2)
    learner = {"assignment_type": "highest_contact_rate"}
    first = call(service, tenant, NOW, **learner)
    assert first["ani"] == GOOD
    assert first["assignment_type"] == "highest_contact_rate"
    assert first["requested_assignment_type"] == "highest_contact_rate"
    assert first["match"] == "area_code"
    later = [NOW + timedelta(seconds=i) for i in range(1, 60)]
    shown = [call(service, tenant, moment, **learner)["ani"] for moment in later]
    # 50 dials a day is the learner's healthy volume: the good number takes exactly that.
    assert [first["ani"], *shown].count(GOOD) == 50
    assert shown[-9:] == [POOR] * 9


def test_a_number_that_fills_its_volume_gets_more_until_the_detector_flags_it(
    db: Database, tenant: Tenant
) -> None:
    service = setup(db, tenant)
    for days_ago, dials in ((3, 50), (2, 52), (1, 54)):
        report(db, tenant, GOOD, NOW - timedelta(days=days_ago), dials=dials, contacts=dials // 3)
        report(db, tenant, POOR, NOW - timedelta(days=days_ago), dials=30, contacts=2)
    good = _ani_id(db, tenant, GOOD)
    model = LearningService(db).model(tenant.company.id, "America/New_York", NOW)
    assert dict(model.volumes) == {good: 56}
    moments = [NOW + timedelta(seconds=i) for i in range(60)]
    shown = [
        call(service, tenant, m, assignment_type="highest_contact_rate")["ani"] for m in moments
    ]
    assert shown.count(GOOD) == 56 and shown[-4:] == [POOR] * 4

    # A rest by hand says nothing about capacity; the detector's flag today does: back to 90%
    # of the busiest recent day, 54 -> 49, and never under the healthy 50.
    for actor in ("api", "detector"):
        with db.write() as conn:
            lifecycle.record(conn, tenant.company.id, good, "active", "resting", "t", actor, NOW)
        model = LearningService(db).model(tenant.company.id, "America/New_York", NOW)
        assert dict(model.volumes) == ({good: 56} if actor == "api" else {})
    assert model.healthy_volume(good) == 50


def test_without_evidence_auto_behaves_as_local_rotation(db: Database, tenant: Tenant) -> None:
    service = setup(db, tenant)
    picks = [call(service, tenant, NOW + timedelta(seconds=i))["ani"] for i in range(4)]
    assert sorted(picks) == sorted([GOOD, POOR, GOOD, POOR])  # LRU between equals


def test_a_collapsed_number_is_flagged_and_a_steady_one_is_not(
    db: Database, tenant: Tenant
) -> None:
    setup(db, tenant)
    for days_ago in range(1, 8):
        day = NOW - timedelta(days=days_ago)
        report(db, tenant, GOOD, day, dials=40, contacts=10)
        report(db, tenant, POOR, day, dials=40, contacts=10)
    report(db, tenant, GOOD, NOW, dials=60, contacts=15)
    report(db, tenant, POOR, NOW, dials=60, contacts=1)
    checked, signals = LearningService(db).detect(tenant.company.id, "America/New_York", NOW)
    assert checked == 2
    assert [s.ani_id for s in signals] == [_ani_id(db, tenant, POOR)]
    assert signals[0].observed == 1 and signals[0].expected > 10


def test_auto_takes_a_suspected_number_last(db: Database, tenant: Tenant) -> None:
    service = setup(db, tenant)
    with db.write() as conn:  # every prospect in the default arm: the holdout gets plain LRU
        companies.update_company_settings(conn, tenant.company.id, {"holdout_share": 0.0})
    for days_ago in range(1, 8):
        day = NOW - timedelta(days=days_ago)
        report(db, tenant, GOOD, day, dials=40, contacts=10)
        report(db, tenant, POOR, day, dials=40, contacts=10)
    report(db, tenant, GOOD, NOW, dials=60, contacts=15)
    report(db, tenant, POOR, NOW, dials=60, contacts=1)
    model = LearningService(db).model(tenant.company.id, "America/New_York", NOW)
    assert model.suspects == {_ani_id(db, tenant, POOR)}
    picks = [call(service, tenant, NOW + timedelta(seconds=i)) for i in range(4)]
    assert [p["ani"] for p in picks] == [GOOD] * 4
    assert {p["assignment_type"] for p in picks} == {"area_code"}


def test_results_of_another_company_teach_nothing(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    setup(db, tenant)
    setup(db, other_tenant)
    report(db, other_tenant, POOR, NOW, dials=60, contacts=30)
    model = LearningService(db).model(tenant.company.id, "America/New_York", NOW)
    assert model.evidence == 0 and not model.quality
    theirs = LearningService(db).model(other_tenant.company.id, "America/New_York", NOW)
    assert theirs.evidence == 60


def test_stats_rows_become_aged_tallies() -> None:
    rows = [("2026-03-10", "+12125550101|212", 5, 2), ("2026-03-08", "+12125550101|305", 3, 1),
            ("2026-03-10", "+19995550000|212", 7, 7)]  # fmt: skip
    got = tallies_from_rows(rows, "2026-03-10", {"+12125550101": 1})
    assert got == [DayTally(0, 1, "212", 5, 2), DayTally(2, 1, "305", 3, 1)]


def _ani_id(db: Database, tenant: Tenant, number: str) -> int:
    with db.read() as conn:
        return next(a.id for a in selectable_anis(conn, tenant.company.id) if a.number == number)


def test_a_stale_model_is_served_while_its_refit_runs_in_a_thread(
    db: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup(db, tenant)
    learning = LearningService(db)
    monkeypatch.setattr(learning_service, "REFIT_S", 0.0)  # every model is stale at once
    company = tenant.company.id

    async def scenario() -> tuple[ContactModel, ContactModel, ContactModel]:
        first = await learning.current(company, "America/New_York", NOW)
        report(db, tenant, GOOD, NOW, dials=30, contacts=10)
        served = await learning.current(company, "America/New_York", NOW)
        # The refit that call started, awaited to its end rather than polled against a clock.
        await asyncio.gather(*learning._tasks)
        newer = await learning.current(company, "America/New_York", NOW)
        return first, served, newer

    first, served, newer = asyncio.run(scenario())
    assert first.evidence == 0
    assert served is first  # no waiting on the refit
    assert newer.evidence == 30
