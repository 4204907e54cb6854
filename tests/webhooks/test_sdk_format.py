"""Webhooks in the commercial SDKs' format, to a real receiver on both databases: the body is
their dial.batch of DialEvent rows (1 to 100), the signature their verifyWebhookSignature
accepts (HMAC-SHA256 of the raw body, sha256=<hex>, in x-outboundiq-signature)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from tests.conftest import Api
from tests.http.anchor.test_dials import record
from tests.http.test_next_ani import add_ani, add_campaign
from tests.support.errors import refused
from tests.support.receiver import Received, Receiver
from tests.webhooks.conftest import create_webhook

# The SDKs' DialEvent: name -> the JSON types it may have.
DIAL_EVENT: dict[str, tuple[type, ...]] = {
    "companySlug": (str,),
    "callId": (str, type(None)),
    "callDirection": (str,),
    "timestamp": (str,),
    "ani": (str, type(None)),
    "phone": (str, type(None)),
    "campaign": (str, type(None)),
    "campaignInternalId": (str, type(None)),
    "agent": (str, type(None)),
    "disposition": (str, type(None)),
    "dispositionId": (str, type(None)),
    "contact": (bool,),
    "success": (bool,),
    "isSystemDispo": (bool,),
    "totalDialAttempts": (int, float, type(None)),
}


def verify(delivery: Received, secret: str) -> bool:
    """What the SDKs' verifyWebhookSignature does with the raw body and the header's value."""
    signature = delivery.headers.get("x-outboundiq-signature", "").removeprefix("sha256=")
    expected = hmac.new(secret.encode(), delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(signature, expected)


def assert_dial_batch(delivery: Received) -> dict[str, Any]:
    body = delivery.json
    assert set(body) == {"event", "deliveryId", "deliveredAt", "dials"}
    assert body["event"] == "dial.batch" and delivery.headers["x-outboundiq-event"] == "dial.batch"
    assert delivery.headers["x-outboundiq-delivery-id"] == body["deliveryId"]
    assert body["deliveredAt"].endswith("Z")
    for dial in body["dials"]:
        assert set(dial) == set(DIAL_EVENT)
        for name, kinds in DIAL_EVENT.items():
            assert isinstance(dial[name], kinds), (name, dial[name])
    return body


def test_dial_batch_in_the_sdk_format(api: Api, sink: Receiver) -> None:
    secret = create_webhook(api, sink.url, format="outboundiq")["signing_secret"]
    add_ani(api, "5615550100")
    add_campaign(api, "abc-123")
    api.post(
        "/dialer/dispos",
        json={"id": "d-9", "name": "Sale", "type": "System", "contact": True, "success": True},
    )
    assert api.post("/dials", json=record()).status_code == 200
    (delivery,) = sink.wait_count(1)
    assert verify(delivery, secret) and not verify(delivery, "whsec_wrong")
    body = assert_dial_batch(delivery)
    (dial,) = body["dials"]
    assert dial["callId"] == "550e8400-e29b-41d4-a716-446655440000"
    assert (dial["ani"], dial["campaign"], dial["campaignInternalId"]) == (
        "5615550100",
        "Sales 2025",
        "abc-123",
    )
    assert (dial["disposition"], dial["dispositionId"], dial["isSystemDispo"]) == (
        "Sale",
        "d-9",
        True,
    )
    assert (dial["contact"], dial["success"], dial["totalDialAttempts"]) == (True, True, 3)
    assert (dial["agent"], dial["callDirection"]) == ("Jane Doe", "Outbound")
    assert dial["companySlug"] == "acme-dialing" and dial["timestamp"].endswith("Z")
    # openani sends no prospect number in webhooks, in either format.
    assert dial["phone"] is None


def test_only_dial_results_and_at_most_100_a_delivery(api: Api, sink: Receiver) -> None:
    create_webhook(api, sink.url, format="outboundiq")
    add_ani(api, "5615550100")
    rows = [
        {
            "call_id": f"call-{i}",
            "campaign_id": "c-1",
            "ani": "5615550100",
            "dispo": "Unknown",
            "prospect_phone": "5617778888",
            "call_datetime": "2026-11-20 10:15:00",
        }
        for i in range(150)
    ]
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200
    assert api.post("/dialer/anis/pause", json={"number": "5615550100"}).status_code == 200
    deliveries = sink.wait_for(
        lambda got: sum(len(r.json["dials"]) for r in got) >= 150, "150 dials"
    )
    sizes = sorted(len(assert_dial_batch(d)["dials"]) for d in deliveries)
    assert sizes == [50, 100]
    seen = [dial["callId"] for d in deliveries for dial in d.json["dials"]]
    assert sorted(seen) == sorted(row["call_id"] for row in rows)
    unmapped = deliveries[0].json["dials"][0]
    assert (unmapped["dispositionId"], unmapped["campaign"], unmapped["contact"]) == (
        None,
        None,
        False,
    )


def test_test_delivery_and_format_changes(api: Api, sink: Receiver) -> None:
    hook = create_webhook(api, sink.url, format="outboundiq")
    assert hook["format"] == "outboundiq"
    assert api.post("/dialer/webhooks/test", json={"id": hook["id"]}).status_code == 202
    (delivery,) = sink.wait_count(1)
    assert verify(delivery, hook["signing_secret"])
    assert assert_dial_batch(delivery)["dials"] == []
    changed = api.put("/dialer/webhooks", json={"id": hook["id"], "format": "openani"})
    assert changed.status_code == 200 and changed.json()["format"] == "openani"
    wrong = api.put("/dialer/webhooks", json={"id": hook["id"], "format": "xml"})
    assert wrong.status_code == 422 and "format" in wrong.json()["error"]["fields"]
    reserved = api.post(
        "/dialer/webhooks", json={"url": sink.url, "headers": {"X-OutboundIQ-Event": "x"}}
    )
    refused(reserved, 422, "validation_error", "headers.X-OutboundIQ-Event")
