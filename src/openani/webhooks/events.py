"""The events webhooks carry and the JSON of a delivery. Pure: no storage, no clock.

An event is ``{"id", "type", "created_at", "data"}``; a delivery is
``{"delivery_id", "webhook_id", "created_at", "events": [...]}`` with 1 to ``MAX_EVENTS``
events. Events are serialised once, when written to the outbox, and a delivery's body is
assembled from those texts, so every attempt of a delivery sends the very same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, get_args

import orjson

EventType = Literal[
    "dial.batch", "ani.status_changed", "pool.exhausted", "cap.reached", "dispo.unmapped"
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
ALL_EVENTS = "*"
# Sent only by POST /dialer/webhooks/test, to the one webhook it names.
TEST_EVENT = "webhook.test"
MAX_EVENTS = 100


def subscribed(events: Iterable[str], event_type: str) -> bool:
    return any(name in (ALL_EVENTS, event_type) for name in events)


def new_delivery_id() -> str:
    return "dlv_" + uuid.uuid4().hex


def delivery_body(
    delivery_id: str, webhook_id: str, created_at: datetime, events: Sequence[str]
) -> str:
    """The body of one delivery from the JSON texts of its events."""
    envelope = orjson.dumps(
        {"delivery_id": delivery_id, "webhook_id": webhook_id, "created_at": created_at.isoformat()}
    ).decode()
    return envelope[:-1] + ',"events":[' + ",".join(events) + "]}"


def chunks(items: Sequence[Any], size: int = MAX_EVENTS) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
