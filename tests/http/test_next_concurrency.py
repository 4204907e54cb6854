"""Concurrent /dialer/next calls across several server processes never break a strict cap,
daily or hourly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import Column, func, select

from openani.store.engine import Database
from openani.store.schema import ani_usage, assignments
from tests.conftest import make_tenant
from tests.support.server import running_server

# Every request happens at this moment (the simulated clock), so neither the day nor the hour
# turns during the race and lets more through.
AT = {"X-Simulated-Time": "2026-03-02T15:10:00Z"}


@pytest.mark.parametrize(
    ("cap", "counter"),
    [("daily_cap", ani_usage.c.dials_today), ("hourly_cap", ani_usage.c.dials_this_hour)],
)
def test_64_concurrent_requests_against_3_anis_with_strict_cap_10(
    db: Database, cap: str, counter: Column[int]
) -> None:
    tenant = make_tenant(db)
    headers = {**tenant.headers, **AT}
    with running_server(db.url, workers=3, env={"OPENANI_SIMULATED_CLOCK": "1"}) as base:
        client = httpx.Client(base_url=base, headers=headers, timeout=30)
        campaign = {"id": "c1", "name": "Race", "type": "Outbound", cap: 10, "cap_mode": "strict"}
        assert client.post("/dialer/campaigns", json=campaign).status_code == 201
        for number in ("2125550101", "2125550102", "2125550103"):
            ani = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
            assert client.post("/dialer/anis", json=ani).status_code == 201

        def call(i: int) -> int:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as own:
                response = own.post(
                    "/dialer/next",
                    json={"outbound_campaign": "c1", "prospect_phone": f"212777{i:04d}"},
                )
                if response.status_code == 404:
                    assert response.json()["error"]["code"] == "no_available_ani"
                return response.status_code

        with ThreadPoolExecutor(max_workers=64) as pool:
            statuses = list(pool.map(call, range(64)))

    assert statuses.count(200) == 30
    assert statuses.count(404) == 34
    with db.read() as conn:
        counters = conn.execute(select(counter)).scalars().all()
        logged = conn.execute(select(func.count()).select_from(assignments)).scalar_one()
    assert sorted(counters) == [10, 10, 10]
    assert logged == 30
