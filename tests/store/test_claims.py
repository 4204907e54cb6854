"""The claim writer: caps (daily, hourly, soft mode), one failing claim fails alone, results
keep the claims' order, each company's statistics count its own claims, and claims awaited
through the event loop (in place or in the writer's thread) answer each its own outcome."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import event, select

from openani.inventory.service import ResourceService
from openani.inventory.specs import ANIS, CAMPAIGNS
from openani.store.claims import DEFAULT_THREADS, Claim, ClaimWriter
from openani.store.engine import Database
from openani.store.schema import anis, assignments, campaigns, daily_stats
from tests.conftest import Tenant

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
# Only a guard against a hang: a claim that is never answered fails the test instead.
HANG_GUARD_S = 120
T = TypeVar("T")


def _setup(db: Database, tenant: Tenant) -> tuple[int, list[int]]:
    ResourceService(db, CAMPAIGNS).create(
        tenant.company, {"id": "c1", "name": "C", "type": "Outbound"}
    )
    numbers = ResourceService(db, ANIS)
    for number in ("2125550101", "2125550102"):
        numbers.create(
            tenant.company, {"country_code": "+1", "number": number, "inbound_group_id": "g"}
        )
    company_id = tenant.company.id
    with db.read() as conn:
        campaign_id = conn.execute(
            select(campaigns.c.id).where(campaigns.c.company_id == company_id)
        ).scalar_one()
        ani_ids = list(
            conn.execute(
                select(anis.c.id).where(anis.c.company_id == company_id).order_by(anis.c.number)
            ).scalars()
        )
    return campaign_id, ani_ids


def _claim(tenant: Tenant, campaign_id: int, ani_id: int, **overrides: Any) -> Claim:
    fields: dict[str, Any] = {
        "company_id": tenant.company.id,
        "campaign_id": campaign_id,
        "ani_id": ani_id,
        "day": "2026-03-02",
        "hour": "2026-03-02T10",
        "now": NOW,
        "daily_cap": 1,
        "hourly_cap": None,
        "enforce": True,
        "prospect_phone": "3125550000",
        "prospect_country_code": "+1",
        "prospect_zip": None,
        "requested_assignment_type": None,
        "assignment_type": "random",
        "match": "any",
        "fallback": False,
        "over_cap": False,
        **overrides,
    }
    return Claim(**fields)


def test_results_come_back_in_the_claims_order(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, high) = _setup(db, tenant)
    writer = ClaimWriter(db, threads=0)
    # Written in key order (low first), answered in the order asked: high's second claim is
    # over its cap of 1.
    claims = [_claim(tenant, campaign_id, high), _claim(tenant, campaign_id, high)]
    claims.append(_claim(tenant, campaign_id, low))
    assert writer.write(claims) == [(1, 1), None, (1, 1)]
    with db.read() as conn:
        logged = conn.execute(
            select(assignments.c.ani_id, assignments.c.arm).order_by(assignments.c.id)
        ).all()
    # Written in key order; no experiment arm unless the claim has one.
    assert [tuple(row) for row in logged] == [(low, None), (high, None)]


def test_a_claim_that_cannot_be_written_is_not_tried_again(db: Database, tenant: Tenant) -> None:
    """A batch failing for a reason other than a deadlock or a lock timeout is written claim by
    claim at once, each once (read from the statements SQLite is sent)."""
    if not db.is_sqlite:
        pytest.skip("the statements are read through SQLite's trace callback")
    campaign_id, (low, high) = _setup(db, tenant)
    missing = max(low, high) + 1000
    traced = Database(db.url)
    statements: list[str] = []
    event.listen(
        traced.engine, "connect", lambda dbapi, _: dbapi.set_trace_callback(statements.append)
    )
    try:
        outcomes = ClaimWriter(traced, threads=0).write(
            [_claim(tenant, campaign_id, ani_id) for ani_id in (low, missing, high)]
        )
    finally:
        traced.dispose()
    assert outcomes[0] == (1, 1) and isinstance(outcomes[1], Exception) and outcomes[2] == (1, 1)
    # The batch once (three claims), then each claim alone once.
    assert sum("INSERT INTO ani_usage" in s for s in statements) == 3 + 3


def test_a_failing_claim_fails_alone(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, high) = _setup(db, tenant)
    writer = ClaimWriter(db, threads=0)
    missing = max(low, high) + 1000  # no such ANI: the counters' foreign key refuses it
    outcomes = writer.write(
        [
            _claim(tenant, campaign_id, low),
            _claim(tenant, campaign_id, missing),
            _claim(tenant, campaign_id, high),
        ]
    )
    assert outcomes[0] == (1, 1)
    assert isinstance(outcomes[1], Exception)
    assert outcomes[2] == (1, 1)
    with db.read() as conn:
        logged = sorted(conn.execute(select(assignments.c.ani_id)).scalars())
    assert logged == sorted([low, high])


def test_a_batch_counts_each_companys_claims_in_its_own_statistics(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    """Two companies' claims in one transaction, under the same statistics keys (the same
    campaign id and number): each company's rows count its own claims only."""
    ours, theirs = _setup(db, tenant), _setup(db, other_tenant)
    keys = (("campaign", "c1", None), ("area", "212", "NY"))
    claims = [
        _claim(tenant, ours[0], ours[1][0], stats_keys=keys),
        _claim(other_tenant, theirs[0], theirs[1][0], stats_keys=keys),
        _claim(other_tenant, theirs[0], theirs[1][1], stats_keys=keys[:1]),
    ]
    assert ClaimWriter(db, threads=0).write(claims) == [(1, 1)] * 3
    with db.read() as conn:
        counted = conn.execute(
            select(
                daily_stats.c.company_id,
                daily_stats.c.key,
                daily_stats.c.assigned,
                daily_stats.c.state,
            )
        ).all()
        logged = conn.execute(select(assignments.c.company_id, assignments.c.ani_id)).all()
    assert sorted(counted) == sorted(
        [
            (tenant.company.id, "c1", 1, None),
            (tenant.company.id, "212", 1, "NY"),
            (other_tenant.company.id, "c1", 2, None),
            (other_tenant.company.id, "212", 1, "NY"),
        ]
    )
    assert sorted(logged) == sorted(
        [(tenant.company.id, ours[1][0]), *((other_tenant.company.id, a) for a in theirs[1])]
    )


def test_a_claim_at_cap_does_not_stop_the_claims_after_it(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, high) = _setup(db, tenant)
    claims = [_claim(tenant, campaign_id, low), _claim(tenant, campaign_id, low)]
    claims.append(_claim(tenant, campaign_id, high))
    assert ClaimWriter(db, threads=0).write(claims) == [(1, 1), None, (1, 1)]


def test_the_hourly_cap_holds_until_the_hour_turns(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, _) = _setup(db, tenant)
    writer = ClaimWriter(db, threads=0)

    def claim(hour: str, day: str = "2026-03-02") -> Any:
        one = _claim(tenant, campaign_id, low, daily_cap=3, hourly_cap=1, day=day, hour=hour)
        return writer.write([one])[0]

    assert [claim("2026-03-02T10"), claim("2026-03-02T10")] == [(1, 1), None]
    assert [claim("2026-03-02T11"), claim("2026-03-02T12"), claim("2026-03-02T13")] == [
        (2, 1),
        (3, 1),
        None,  # the daily cap of 3, though the hour is new
    ]
    assert claim("2026-03-03T09", day="2026-03-03") == (1, 1)


def test_soft_mode_counts_a_claim_over_cap(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, _) = _setup(db, tenant)
    soft = _claim(tenant, campaign_id, low, hourly_cap=1, enforce=False, arm="holdout")
    assert ClaimWriter(db, threads=0).write([soft, soft]) == [(1, 1), (2, 2)]
    with db.read() as conn:
        arms = list(conn.execute(select(assignments.c.arm)).scalars())
    assert arms == ["holdout", "holdout"]


def _run(awaitable: Awaitable[T]) -> T:
    async def guarded() -> T:
        return await asyncio.wait_for(awaitable, HANG_GUARD_S)

    return asyncio.run(guarded())


@pytest.mark.parametrize("threads", [0, 1])
def test_claims_awaited_together_answer_each_its_own_outcome(
    db: Database, tenant: Tenant, threads: int
) -> None:
    campaign_id, (low, high) = _setup(db, tenant)
    missing = max(low, high) + 1000  # no such ANI: the counters' foreign key refuses it
    writer = ClaimWriter(db, threads=threads)

    async def rounds() -> tuple[list[Any], Any]:
        first = await asyncio.gather(
            *(
                writer.claim(_claim(tenant, campaign_id, ani_id))
                for ani_id in (high, high, missing, low)
            ),
            return_exceptions=True,
        )
        # A later claim is written too (the writer is free again after the first batch).
        return first, await writer.claim(_claim(tenant, campaign_id, low, daily_cap=2))

    try:
        first, later = _run(rounds())
    finally:
        writer.close()
    assert first[:2] == [(1, 1), None] and first[3] == (1, 1)
    assert isinstance(first[2], Exception) and not isinstance(first[2], asyncio.TimeoutError)
    assert later == (2, 2)


def test_a_caller_that_gave_up_does_not_keep_the_others_waiting(
    db: Database, tenant: Tenant
) -> None:
    campaign_id, (low, high) = _setup(db, tenant)
    writer = ClaimWriter(db, threads=1)

    async def one_cancelled() -> Any:
        gone = asyncio.ensure_future(writer.claim(_claim(tenant, campaign_id, low)))
        kept = asyncio.ensure_future(writer.claim(_claim(tenant, campaign_id, high)))
        await asyncio.sleep(0)  # both are queued for the same batch
        gone.cancel()
        return await kept

    try:
        assert _run(one_cancelled()) == (1, 1)
    finally:
        writer.close()


def test_a_closed_writer_fails_the_claim(db: Database, tenant: Tenant) -> None:
    campaign_id, (low, _) = _setup(db, tenant)
    writer = ClaimWriter(db, threads=1)
    writer.close()
    with pytest.raises(RuntimeError):
        _run(writer.claim(_claim(tenant, campaign_id, low)))


def test_claims_are_written_in_the_writers_own_thread(db: Database, tenant: Tenant) -> None:
    """By default the transaction runs off the event loop, in the writer's thread: one on
    SQLite (which writes one transaction at a time), a few on PostgreSQL."""
    campaign_id, (low, high) = _setup(db, tenant)
    before = set(threading.enumerate())
    writer = ClaimWriter(db)

    async def claims() -> list[Any]:
        return await asyncio.gather(
            *(writer.claim(_claim(tenant, campaign_id, ani_id)) for ani_id in (low, high))
        )

    try:
        assert _run(claims()) == [(1, 1), (1, 1)]
        started = [t for t in threading.enumerate() if t not in before]
    finally:
        writer.close()
    names = [t.name for t in started if t.name.startswith("openani-claims")]
    assert len(names) == 1 if db.is_sqlite else 1 <= len(names) <= DEFAULT_THREADS


def test_on_sqlite_claims_wait_for_the_one_writer_thread(db: Database, tenant: Tenant) -> None:
    """SQLite writes one transaction at a time, so the writer has one thread there: a claim
    arriving while a batch waits for the write lock joins the next batch, in the same thread."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL writers run several transactions at once")
    campaign_id, (low, high) = _setup(db, tenant)
    before = set(threading.enumerate())
    writer = ClaimWriter(db)

    def writers() -> list[threading.Thread]:
        found = [t for t in threading.enumerate() if t not in before]
        return [t for t in found if t.name.startswith("openani-claims")]

    async def behind_a_held_lock() -> tuple[int, list[Any]]:
        with db.write():  # another writer holds the lock: the first batch waits in its thread
            first = asyncio.ensure_future(writer.claim(_claim(tenant, campaign_id, low)))
            for _ in range(100):
                if writers():
                    break
                await asyncio.sleep(0)
            second = asyncio.ensure_future(writer.claim(_claim(tenant, campaign_id, high)))
            for _ in range(100):
                await asyncio.sleep(0)
            threads = len(writers())
        return threads, list(await asyncio.gather(first, second))

    try:
        threads, outcomes = _run(behind_a_held_lock())
    finally:
        writer.close()
    assert (threads, outcomes) == (1, [(1, 1), (1, 1)])
    assert [t for t in writers() if t.is_alive()] == []  # close() waits for its thread
