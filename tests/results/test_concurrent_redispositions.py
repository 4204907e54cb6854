"""Re-dispositions of the same calls sent many times at once move the statistics exactly once.

Regression: on PostgreSQL the stored result was read without a lock, so two concurrent
ingesters both saw the old no-contact row and both added the contact (contacts 52 for 50 calls
on the main of the time). Fails there, passes with the stored rows locked before they are read.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func, select

from openani.store.engine import Database
from openani.store.schema import daily_stats, dial_results
from tests.conftest import make_tenant
from tests.support.server import running_server

CALLS = 50
SENDS = 16


def _row(i: int, dispo: str) -> dict[str, str]:
    return {
        "call_id": f"redispo-{i}",
        "campaign_id": "c1",
        "ani": "5615550100",
        "dispo": dispo,
        "prospect_phone": f"561777{i:04d}",
        "call_datetime": "2026-11-20 10:00:00",
    }


def test_concurrent_redispositions_count_each_call_once(db: Database) -> None:
    tenant = make_tenant(db)
    with running_server(db.url, workers=2) as base:
        with httpx.Client(base_url=base, headers=tenant.headers, timeout=60) as client:
            for body in (
                {"id": "na", "name": "No Answer", "type": "System", "contact": False,
                 "success": False},
                {"id": "sale", "name": "Sale", "type": "Agent", "contact": True,
                 "success": True},
            ):  # fmt: skip
                assert client.post("/dialer/dispos", json=body).status_code == 201
            stored = [_row(i, "na") for i in range(CALLS)]
            first = client.post("/dialer/results", json={"results": stored})
            assert first.status_code == 200, first.text

        # Every thread sends every call, all threads the same call at the same moment.
        barrier = threading.Barrier(SENDS)

        def send(_: int) -> list[str]:
            statuses = []
            with httpx.Client(base_url=base, headers=tenant.headers, timeout=60) as client:
                for i in range(CALLS):
                    barrier.wait()
                    response = client.post("/dialer/results", json=_row(i, "sale"))
                    assert response.status_code == 200, response.text
                    statuses += [r["status"] for r in response.json()["results"]]
            return statuses

        with ThreadPoolExecutor(max_workers=SENDS) as pool:
            statuses = [s for thread in pool.map(send, range(SENDS)) for s in thread]

    assert statuses.count("updated") == CALLS
    assert statuses.count("duplicate") == CALLS * (SENDS - 1)
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(dial_results)).scalar_one() == CALLS
        dials, contacts, successes = conn.execute(
            select(
                func.sum(daily_stats.c.dials),
                func.sum(daily_stats.c.contacts),
                func.sum(daily_stats.c.successes),
            ).where(daily_stats.c.dimension == "ani")
        ).one()
    assert (dials, contacts, successes) == (CALLS, CALLS, CALLS)
