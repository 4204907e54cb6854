"""Rate limits per API key and per company GUID (429), and load shedding (503)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.http.overload import InFlightLimit, body_wait
from openani.settings import Settings
from openani.store import companies as company_store
from openani.store.engine import Database
from tests.conftest import Tenant
from tests.http.test_results import seed_params
from tests.support.seed import CALL_ID, CALLBACK


def limited_client(app_settings: Settings, db: Database) -> TestClient:
    settings = replace(
        app_settings, rate_per_key=0.01, burst_per_key=2, rate_per_company_guid=0.01,
        burst_per_company_guid=2,
    )  # fmt: skip
    return TestClient(create_app(settings, db))


def test_each_key_has_its_own_rate(app_settings: Settings, db: Database, tenant: Tenant) -> None:
    with db.write() as conn:
        other_key = company_store.create_api_key(conn, tenant.company)
    with limited_client(app_settings, db) as client:
        for _ in range(2):
            assert client.get("/dialer/campaigns", headers=tenant.headers).status_code == 200
        refused = client.get("/dialer/campaigns", headers=tenant.headers)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) >= 1
        other = client.get("/dialer/campaigns", headers={"X-ApiKey": other_key.plaintext})
        assert other.status_code == 200


def test_callbacks_are_limited_per_company_guid(
    app_settings: Settings, db: Database, tenant: Tenant
) -> None:
    with limited_client(app_settings, db) as client:
        for i in range(2):
            params = seed_params(tenant, **{CALL_ID: f"c{i}"})
            assert client.get(CALLBACK, params=params).json() == {"result": "SUCCESS"}
        refused = client.get(CALLBACK, params=seed_params(tenant))
        assert refused.status_code == 429
        assert refused.json()["result"] == "FAIL"
        assert "retry-after" in refused.headers


def sent_to(sent: list[dict[str, Any]]) -> Any:
    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    return send


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b""}


def test_requests_past_the_in_flight_limit_are_shed() -> None:
    release = asyncio.Event()
    entered = asyncio.Event()

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        entered.set()
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    limit = InFlightLimit(slow_app, max_in_flight=1)
    sent: list[dict[str, Any]] = []
    send = sent_to(sent)

    async def scenario() -> None:
        scope = {"type": "http", "path": "/dialer/next", "headers": [(b"x-apikey", b"k")]}
        first = asyncio.create_task(limit(scope, receive, send))
        await entered.wait()
        await limit(scope, receive, send)  # turned away at once
        release.set()
        await first

    asyncio.run(scenario())
    statuses = [m["status"] for m in sent if m["type"] == "http.response.start"]
    assert statuses == [503, 200]
    shed = next(m for m in sent if m["type"] == "http.response.start")
    assert (b"retry-after", b"1") in shed["headers"]
    assert limit.in_flight == 0


def test_other_traffic_and_body_waits_take_no_slot_of_next() -> None:
    """/dialer/next has a budget of its own; requests without a credential and requests
    waiting for their body hold no slot (regression: slow bodies made /dialer/next 503)."""
    release = asyncio.Event()
    waiting: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] == "/wait-for-body":
            with body_wait(scope):
                waiting.append(scope["path"])
                await release.wait()
        else:
            waiting.append(scope["path"])
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    limit = InFlightLimit(app, max_in_flight=1)
    sent: list[dict[str, Any]] = []
    send = sent_to(sent)

    def scope(path: str, key: bool = True) -> dict[str, Any]:
        return {"type": "http", "path": path, "headers": [(b"x-apikey", b"k")] if key else []}

    async def scenario() -> None:
        tasks = []
        for path, key in (
            ("/wait-for-body", True),
            ("/wait-for-body", True),
            ("/dialer/anis", True),
            ("/dialer/next", False),
            ("/dialer/next", True),
        ):
            tasks.append(asyncio.create_task(limit(scope(path, key), receive, send)))
            while len(waiting) < len(tasks):  # each is admitted before the next arrives
                await asyncio.sleep(0)
        assert (limit.hot.in_flight, limit.other.in_flight) == (1, 1)
        await limit(scope("/dialer/next/"), receive, send)  # the hot budget is full
        await limit(scope("/dialer/campaigns"), receive, send)  # and so is the other
        release.set()
        await asyncio.gather(*tasks)

    asyncio.run(scenario())
    statuses = [m["status"] for m in sent if m["type"] == "http.response.start"]
    assert statuses == [503, 503, 200, 200, 200, 200, 200]
    assert limit.in_flight == 0
