"""At-least-once across crashes: a real `openani serve` killed (SIGKILL) twice, on both
databases. First with events still in the outbox (delivery switched off), then in the middle
of retries against a failing receiver; the third server delivers every event, under the
delivery ids the receiver already saw, with valid signatures."""

from __future__ import annotations

import signal
from typing import Any

import httpx2 as httpx

from openani.store.engine import Database
from tests.conftest import make_tenant
from tests.support.receiver import Received, receiver
from tests.support.server import PROCESSES, running_server

FAST = {
    "OPENANI_DEVELOPMENT": "1",
    "OPENANI_WEBHOOK_POLL_S": "0.1",
    "OPENANI_WEBHOOK_RETRY_BASE_S": "0.2",
    "OPENANI_WEBHOOK_RETRY_MAX_S": "0.4",
    "OPENANI_WEBHOOK_TIMEOUT_S": "2",
    "OPENANI_HEALTH_CHECK_S": "0",
}
NO_DELIVERY = {**FAST, "OPENANI_WEBHOOK_POLL_S": "0"}


def _result(call_id: str) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "campaign_id": "c1",
        "ani": "5615550100",
        "dispo": "sale",
        "prospect_phone": "5617778888",
        "call_datetime": "2026-11-20 10:15:00",
    }


def _crash(base: str) -> None:
    server = PROCESSES[base]
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=30)


def _call_ids(received: list[Received]) -> set[str]:
    return {
        result["call_id"]
        for r in received
        for event in r.json["events"]
        for result in event["data"]["results"]
    }


def test_deliveries_survive_two_crashes(db: Database) -> None:
    tenant = make_tenant(db)
    headers = tenant.headers
    with receiver() as sink:
        sink.default = 500
        # 1. Delivery off: the event waits in the outbox when the server dies.
        with running_server(db.url, env=NO_DELIVERY) as base:
            hook = httpx.post(
                f"{base}/dialer/webhooks",
                json={"url": sink.url, "events": ["dial.batch"]},
                headers=headers,
            )
            assert hook.status_code == 201, hook.text
            secret = hook.json()["signing_secret"]
            stored = httpx.post(f"{base}/dialer/results", json=_result("call-1"), headers=headers)
            assert stored.json()["results"][0]["status"] == "stored"
            _crash(base)
        assert sink.received == []

        # 2. Delivery on, receiver failing: killed in the middle of the retries.
        with running_server(db.url, env=FAST) as base:
            sink.wait_for(lambda r: _call_ids(r) == {"call-1"} and len(r) >= 2, "call-1 retried")
            more = httpx.post(f"{base}/dialer/results", json=_result("call-2"), headers=headers)
            assert more.status_code == 200
            sink.wait_for(
                lambda r: sum(1 for x in r if "call-2" in _call_ids([x])) >= 2, "call-2 retried"
            )
            _crash(base)
        failed_ids = {r.json["delivery_id"] for r in sink.received}
        assert all(r.status == 500 for r in sink.received)

        # 3. Receiver fixed, a new server: every delivery arrives, under the same ids.
        sink.default = 200
        with running_server(db.url, env=FAST) as base:
            sink.wait_for(lambda _: _call_ids(sink.accepted()) == {"call-1", "call-2"}, "both")
            accepted = sink.accepted()
            assert {r.json["delivery_id"] for r in accepted} == failed_ids
            assert all(r.signed_by(secret) for r in sink.received)
            for delivery_id in failed_ids:
                log = _delivered(base, headers, delivery_id)
                # At least one failed attempt was recorded before the crash (the one in flight
                # when the server died may not have been) and then the accepted one.
                assert log["attempts"] >= 2
                assert log["attempt_log"][-1]["status_code"] == 200


def _delivered(base: str, headers: dict[str, str], delivery_id: str) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 60
    while True:
        log: dict[str, Any] = httpx.get(
            f"{base}/dialer/webhooks/deliveries", params={"id": delivery_id}, headers=headers
        ).json()
        if log["status"] == "delivered":
            return log
        assert time.monotonic() < deadline, f"{delivery_id} stayed {log['status']}"
        time.sleep(0.05)
