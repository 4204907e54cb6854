"""The claim writer: one failing claim fails alone, results keep the claims' order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from openani.inventory.service import ResourceService
from openani.inventory.specs import ANIS, CAMPAIGNS
from openani.store.claims import Claim, ClaimWriter
from openani.store.engine import Database
from openani.store.schema import anis, assignments, campaigns, daily_stats
from tests.conftest import Tenant

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


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
    keys = (("campaign", "c1", None), ("ani", "+12125550101", "NY"))
    claims = [
        _claim(tenant, ours[0], ours[1][0], stats_keys=keys),
        _claim(other_tenant, theirs[0], theirs[1][0], stats_keys=keys),
        _claim(other_tenant, theirs[0], theirs[1][1], stats_keys=keys[:1]),
    ]
    assert ClaimWriter(db, threads=0).write(claims) == [(1, 1)] * 3
    with db.read() as conn:
        counted = conn.execute(
            select(daily_stats.c.company_id, daily_stats.c.key, daily_stats.c.assigned)
        ).all()
        logged = conn.execute(select(assignments.c.company_id, assignments.c.ani_id)).all()
    assert sorted(counted) == sorted(
        [
            (tenant.company.id, "c1", 1),
            (tenant.company.id, "+12125550101", 1),
            (other_tenant.company.id, "c1", 2),
            (other_tenant.company.id, "+12125550101", 1),
        ]
    )
    assert sorted(logged) == sorted(
        [(tenant.company.id, ours[1][0]), *((other_tenant.company.id, a) for a in theirs[1])]
    )
