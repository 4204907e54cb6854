"""A dialer re-sending results while the first sends are still being stored gets clean answers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
from sqlalchemy import func, select

from openani.store.engine import Database
from openani.store.schema import daily_stats, dial_results
from tests.conftest import make_tenant
from tests.support.server import running_server


def test_the_same_results_sent_concurrently_are_stored_once(db: Database) -> None:
    tenant = make_tenant(db)
    rows = [
        {
            "call_id": f"dup-{i}",
            "campaign_id": "c1",
            "ani": "5615550100",
            "dispo": "na",
            "prospect_phone": f"561777{i:04d}",
            "call_datetime": "2026-11-20 10:00:00",
        }
        for i in range(30)
    ]
    with running_server(db.url, workers=3) as base:

        def send(thread: int) -> list[tuple[int, str]]:
            answers = []
            with httpx.Client(base_url=base, headers=tenant.headers, timeout=30) as client:
                # Half the threads send in reverse order, so batches overlap every way round.
                order = rows if thread % 2 else rows[::-1]
                for start in range(0, len(order), 10):
                    response = client.post(
                        "/dialer/results", json={"results": order[start : start + 10]}
                    )
                    assert "results" in response.json(), (response.status_code, response.text)
                    answers += [
                        (response.status_code, r["status"]) for r in response.json()["results"]
                    ]
            return answers

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [a for thread in pool.map(send, range(8)) for a in thread]

    assert {status for status, _ in answers} == {200}
    assert sorted(kind for _, kind in answers).count("stored") == 30
    assert {kind for _, kind in answers} <= {"stored", "duplicate"}
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(dial_results)).scalar_one() == 30
        dials = conn.execute(
            select(func.sum(daily_stats.c.dials)).where(daily_stats.c.dimension == "ani")
        ).scalar_one()
    assert dials == 30
