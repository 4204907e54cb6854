"""Webhook delivery to a real receiver on 127.0.0.1, on both databases: every event type,
signatures, batching, retries, giving up, secret rotation and the delivery log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.store import webhooks as store
from openani.store.engine import Database
from openani.store.raw import raw_transaction
from openani.webhooks.delivery import Dispatcher, RetryPolicy
from openani.webhooks.outbox import WebhookOutbox
from tests.conftest import Api, Tenant
from tests.http.test_next_ani import add_ani, add_campaign
from tests.support.errors import refused
from tests.support.receiver import Receiver, receiver
from tests.webhooks.conftest import create_webhook, fast_settings

DELIVERIES = "/dialer/webhooks/deliveries"


def result(call_id: str, dispo: str = "sale", **extra: Any) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "campaign_id": "c123",
        "agent_id": "agent7",
        "ani": "5615550100",
        "dispo": dispo,
        "prospect_phone": "5617778888",
        "call_datetime": "2026-11-20 10:15:00",
        "duration_s": 42,
        "kpis": {"revenue": "120"},
        **extra,
    }


def post_results(api: Api, *rows: dict[str, Any]) -> None:
    response = api.post("/dialer/results", json={"results": list(rows)})
    assert response.status_code == 200, response.text


def test_dial_batch_is_signed_and_carries_the_results(api: Api, sink: Receiver) -> None:
    secret = create_webhook(api, sink.url, headers={"Authorization": "Bearer r3c"})[
        "signing_secret"
    ]
    post_results(api, result("call-1"), result("call-2", dispo="na"))
    (event,) = sink.wait_events("dial.batch")
    delivery = sink.accepted()[0]
    assert delivery.signed_by(secret)
    assert not delivery.signed_by("whsec_wrong")
    assert delivery.headers["x-openani-delivery"] == delivery.json["delivery_id"]
    assert delivery.headers["x-openani-attempt"] == "1"
    assert delivery.headers["authorization"] == "Bearer r3c"
    assert delivery.headers["content-type"] == "application/json"
    assert "x-openani-signature-previous" not in delivery.headers
    assert event["id"].startswith("evt_")
    data = event["data"]
    assert (data["stored"], data["updated"]) == (2, 0)
    first = {r["call_id"]: r for r in data["results"]}["call-1"]
    assert first["status"] == "stored"
    assert first["dispo"] == "sale" and first["mapped"] is False
    assert first["kpis"] == {"revenue": "120"}
    assert first["duration_s"] == 42
    assert "prospect_phone" not in first


def test_a_retry_that_changes_nothing_sends_nothing(api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url, events=["dial.batch"])
    post_results(api, result("call-1"))
    sink.wait_events("dial.batch", 1)
    post_results(api, result("call-1"))  # duplicate
    post_results(api, result("call-1", dispo="na"))  # a re-disposition is news
    events = sink.wait_events("dial.batch", 2)
    assert [e["data"]["results"][0]["status"] for e in events] == ["stored", "updated"]


def test_dispo_unmapped_once_per_dispo(api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url, events=["dispo.unmapped"])
    assert (
        api.post(
            "/dialer/dispos",
            json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True},
        ).status_code
        == 201
    )
    post_results(api, result("c1", dispo="sale"), result("c2", dispo="Mystery"))
    post_results(api, result("c3", dispo="Mystery"), result("c4", dispo="Other"))
    events = sink.wait_events("dispo.unmapped", 2)
    assert sorted(e["data"]["dispo"] for e in events) == ["Mystery", "Other"]
    assert {e["data"]["dispo"]: e["data"]["call_id"] for e in events}["Mystery"] == "c2"


def test_status_changes_are_sent(api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url, events=["ani.status_changed"])
    add_ani(api, "5615550100")
    assert api.post("/dialer/anis/pause", json={"number": "5615550100"}).status_code == 200
    assert api.post("/dialer/anis/activate", json={"number": "5615550100"}).status_code == 200
    events = sink.wait_events("ani.status_changed", 2)
    assert [(e["data"]["from"], e["data"]["to"]) for e in events] == [
        ("active", "paused"),
        ("paused", "active"),
    ]
    assert events[0]["data"]["number"] == "5615550100"
    assert events[0]["data"]["actor"] == api.tenant.api_key.split("_")[1]


def test_cap_reached_and_pool_exhausted(api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url, events=["cap.reached", "pool.exhausted"])
    add_campaign(api, daily_cap=2, cap_mode="strict")
    add_ani(api, "5615550100")
    ask = {"outbound_campaign": "c123", "prospect_phone": "5617778888"}
    assert [api.post("/dialer/next", json=ask).status_code for _ in range(2)] == [200, 200]
    for _ in range(3):  # thrice refused; announced once (at most once a minute)
        assert api.post("/dialer/next", json=ask).status_code == 404
    (cap,) = sink.wait_events("cap.reached")
    assert cap["data"] | {"at": None} == {
        "number": "5615550100",
        "country_code": "+1",
        "cap": "daily",
        "limit": 2,
        "campaign": "c123",
        "at": None,
    }
    (exhausted,) = sink.wait_events("pool.exhausted")
    assert exhausted["data"]["campaign"] == "c123"
    assert exhausted["data"]["reason"] == "all_capped"
    assert "daily cap" in exhausted["data"]["message"]


def test_only_subscribed_events_and_enabled_webhooks(api: Api) -> None:
    with receiver() as statuses, receiver() as everything, receiver() as disabled:
        create_webhook(api, statuses.url, events=["ani.status_changed"])
        create_webhook(api, everything.url)
        create_webhook(api, disabled.url, enabled=False)
        add_ani(api, "5615550100")
        post_results(api, result("call-1"))
        api.post("/dialer/anis/pause", json={"number": "5615550100"})
        everything.wait_events("dial.batch")
        everything.wait_events("ani.status_changed")
        statuses.wait_events("ani.status_changed")
        assert statuses.events("dial.batch") == []
        assert disabled.received == []


def test_failed_attempts_are_retried_until_accepted(api: Api, sink: Receiver) -> None:
    sink.statuses = [500, 503]
    secret = create_webhook(api, sink.url)["signing_secret"]
    post_results(api, result("call-1"))
    got = sink.wait_for(lambda r: len(r) >= 3 and r[-1].status == 200, "a third attempt")
    assert [r.status for r in got] == [500, 503, 200]
    assert len({r.json["delivery_id"] for r in got}) == 1
    assert len({r.body for r in got}) == 1  # every attempt sends the same bytes
    assert [r.headers["x-openani-attempt"] for r in got] == ["1", "2", "3"]
    assert all(r.signed_by(secret) for r in got)
    delivery_id = got[0].json["delivery_id"]
    log = wait_status(api, delivery_id, "delivered")
    assert log["attempts"] == 3
    assert [a["status_code"] for a in log["attempt_log"]] == [500, 503, 200]
    assert log["body"]["events"][0]["type"] == "dial.batch"
    page = api.get(DELIVERIES).json()
    assert page["items"][0]["id"] == delivery_id
    assert page["items"][0]["status"] == "delivered"


def test_a_delivery_is_given_up_after_its_window(db: Database, tenant: Tenant) -> None:
    settings = fast_settings(db, webhook_retry_window_s=0.3)
    with receiver() as sink, TestClient(create_app(settings, db)) as client:
        api = Api(client, tenant)
        sink.default = 500
        create_webhook(api, sink.url)
        post_results(api, result("call-1"))
        delivery_id = sink.wait_count(1)[0].json["delivery_id"]
        log = wait_status(api, delivery_id, "failed")
        assert log["attempts"] >= 2
        assert log["last_status_code"] == 500
        assert log["next_attempt_at"] is None
        failed = api.get(DELIVERIES, params={"status": "failed"}).json()["items"]
        assert [d["id"] for d in failed] == [delivery_id]
        # Once the receiver is fixed, the operator can send it again.
        sink.default = 200
        assert api.post(f"{DELIVERIES}/retry", json={"id": delivery_id}).status_code == 200
        assert wait_status(api, delivery_id, "delivered")["last_status_code"] == 200


def test_rotation_signs_with_both_secrets_during_the_grace(api: Api, sink: Receiver) -> None:
    old = create_webhook(api, sink.url)["signing_secret"]
    new = api.post("/dialer/webhooks/secret/rotate", json={"grace_hours": 1}).json()["secret"]
    post_results(api, result("call-1"))
    (delivery,) = sink.wait_count(1)
    assert delivery.signed_by(new)
    assert delivery.signed_by(old, "x-openani-signature-previous")
    newest = api.post("/dialer/webhooks/secret/rotate", json={"grace_hours": 0}).json()["secret"]
    post_results(api, result("call-2"))
    later = sink.wait_count(2)[1]
    assert later.signed_by(newest)
    assert "x-openani-signature-previous" not in later.headers


def test_test_event_reaches_only_the_named_webhook(api: Api) -> None:
    with receiver() as one, receiver() as two:
        first = create_webhook(api, one.url)
        create_webhook(api, two.url)
        answer = api.post("/dialer/webhooks/test", json={"id": first["id"]})
        assert answer.status_code == 202, answer.text
        one.wait_events("webhook.test")
        assert one.accepted()[0].signed_by(first["signing_secret"])
        assert two.received == []
        assert answer.json()["id"] == one.accepted()[0].json["delivery_id"]


def test_deleting_a_webhook_cancels_its_pending_deliveries(api: Api, sink: Receiver) -> None:
    sink.default = 500
    hook = create_webhook(api, sink.url)
    post_results(api, result("call-1"))
    delivery_id = sink.wait_count(1)[0].json["delivery_id"]
    api.delete("/dialer/webhooks", params={"id": hook["id"]})
    log = wait_status(api, delivery_id, "cancelled")
    assert log["next_attempt_at"] is None


def test_the_delivery_log_is_per_company(api: Api, other_api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url)
    post_results(api, result("call-1"))
    delivery_id = sink.wait_count(1)[0].json["delivery_id"]
    assert other_api.get(DELIVERIES).json()["items"] == []
    assert other_api.get(DELIVERIES, params={"id": delivery_id}).status_code == 404
    assert other_api.post(f"{DELIVERIES}/retry", json={"id": delivery_id}).status_code == 404
    refused(api.get(DELIVERIES, params={"status": "nope"}), 422, "validation_error", "status")
    assert api.get(DELIVERIES, params={"webhook": "wh_nope"}).status_code == 404


@pytest.mark.parametrize("count", [1, 100, 101, 250])
def test_events_are_batched_at_most_100_a_delivery(
    db: Database, tenant: Tenant, api: Api, sink: Receiver, count: int
) -> None:
    """The fan-out on its own: ``count`` outbox events make ceil(count / 100) deliveries."""
    create_webhook(api, sink.url)
    # A delivery pass of the test client may also run; only the outbox's end state matters.
    now = datetime.now(UTC)
    events = [store.make_event("cap.reached", {"n": i}, now) for i in range(count)]
    with raw_transaction(db) as tx:
        store.enqueue(tx, tenant.company.id, events, now)
    dispatcher = Dispatcher(db, WebhookOutbox(), RetryPolicy())
    while dispatcher.fan_out(datetime.now(UTC)):
        pass
    with db.read() as conn:
        assert store.backlog(conn)[0] == 0
    sizes: list[int] = []
    items = api.get(DELIVERIES, params={"limit": 1000}).json()["items"]
    for item in items:
        detail = api.get(DELIVERIES, params={"id": item["id"]}).json()
        assert len(detail["body"]["events"]) == item["event_count"]
        sizes.append(item["event_count"])
    assert sum(sizes) == count
    assert max(sizes) <= 100
    assert len(sizes) == -(-count // 100)
    received = sink.wait_for(lambda _: len(sink.events("cap.reached")) == count, "every event")
    assert all(len(r.json["events"]) <= 100 for r in received)


def wait_status(api: Api, delivery_id: str, status: str) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + 60
    while True:
        log: dict[str, Any] = api.get(DELIVERIES, params={"id": delivery_id}).json()
        if log["status"] == status:
            return log
        assert time.monotonic() < deadline, f"delivery stayed {log['status']}, never {status}"
        time.sleep(0.02)
