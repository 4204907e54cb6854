"""The same new call twice in one unit of work (one JSON batch, or callbacks grouped into one
commit) is stored once, answered ``stored`` then ``duplicate``, and counted once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from openani.results.service import ResultIngest
from openani.store.engine import Database
from openani.store.schema import daily_stats, dial_results
from tests.conftest import Api, Tenant
from tests.webhooks.test_delivery import result


def _stored_and_counted(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        stored = conn.execute(select(func.count()).select_from(dial_results)).scalar_one()
        dials = conn.execute(
            select(func.sum(daily_stats.c.dials)).where(daily_stats.c.dimension == "ani")
        ).scalar_one()
    return int(stored), int(dials)


def test_a_new_call_twice_in_one_batch_is_stored_and_counted_once(api: Api, db: Database) -> None:
    response = api.post("/dialer/results", json={"results": [result("u1"), result("u1")]})
    assert response.status_code == 200, response.text
    answers = [(r["call_id"], r["status"]) for r in response.json()["results"]]
    assert answers == [("u1", "stored"), ("u1", "duplicate")]
    assert _stored_and_counted(db) == (1, 1)


def test_a_new_call_re_disposed_in_one_batch_is_counted_once(api: Api, db: Database) -> None:
    rows = [result("u1", dispo="na"), result("u1", dispo="sale")]
    response = api.post("/dialer/results", json={"results": rows})
    answers = [(r["call_id"], r["status"]) for r in response.json()["results"]]
    assert answers == [("u1", "stored"), ("u1", "updated")]
    assert _stored_and_counted(db) == (1, 1)
    assert api.get("/dialer/results").json()["items"][0]["dispo"] == "sale"


def test_two_identical_callbacks_grouped_into_one_commit(db: Database, tenant: Tenant) -> None:
    ingest = ResultIngest(db)
    raw = result("g1")

    async def both() -> list[str]:
        # Both arrive in the same turn of the event loop, so one commit stores them together.
        outcomes = await asyncio.gather(
            ingest.ingest_one(tenant.company, raw), ingest.ingest_one(tenant.company, raw)
        )
        return [o.status for o in outcomes]

    assert asyncio.run(both()) == ["stored", "duplicate"]
    assert _stored_and_counted(db) == (1, 1)
