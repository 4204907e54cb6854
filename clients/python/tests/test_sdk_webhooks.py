"""Verifying real deliveries of a live server, before and during a secret rotation."""

from __future__ import annotations

import pytest
from tests.support.receiver import receiver

from conftest import Live
from openani_client import Client, InvalidSignature, parse_delivery, verify_signature


def test_signatures_of_real_deliveries(live: Live) -> None:
    with receiver() as sink, Client(live.url, live.api_key) as client:
        hooks = client.request("GET", "/dialer/webhooks")["items"]
        for hook in hooks:  # a clean slate for this company's webhooks
            client.request("DELETE", "/dialer/webhooks", id=hook["id"])
        webhook = client.create_webhook(sink.url, events=["ani.status_changed"])
        secret = webhook.signing_secret or client.rotate_webhook_secret(grace_hours=0)
        client.request("POST", "/dialer/webhooks/test", {"id": webhook.id})
        (first,) = sink.wait_count(1)
        assert verify_signature(first.body, first.headers, secret)
        assert not verify_signature(first.body, first.headers, "whsec_other")
        assert not verify_signature(first.body + b" ", first.headers, secret)
        delivery = parse_delivery(first.body, first.headers, [secret])
        assert delivery.webhook_id == webhook.id
        assert [e.type for e in delivery.events] == ["webhook.test"]
        with pytest.raises(InvalidSignature):
            parse_delivery(first.body, first.headers, "whsec_other")

        rotated = client.rotate_webhook_secret(grace_hours=1)
        client.request("POST", "/dialer/webhooks/test", {"id": webhook.id})
        second = sink.wait_count(2)[1]
        # A receiver still holding the old secret and one holding the new both accept it.
        assert verify_signature(second.body, second.headers, secret)
        assert verify_signature(second.body, second.headers, rotated)
