"""The commercial service's webhook format, which its SDKs verify and parse. Pure: no storage.

A webhook whose ``format`` is ``outboundiq`` gets only dial results, as ``dial.batch``
deliveries: ``{"event": "dial.batch", "deliveryId", "deliveredAt", "dials": [...]}`` with 1 to
100 rows in the SDKs' DialEvent shape, and the headers ``x-outboundiq-signature``
(``sha256=<hex HMAC-SHA256 of the raw body>``, the company's signing secret, as openani's own
signature), ``x-outboundiq-event`` and ``x-outboundiq-delivery-id``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from openani.webhooks.signing import sign

FORMAT = "outboundiq"
DIAL_BATCH = "dial.batch"
SIGNATURE_HEADER = "x-outboundiq-signature"
EVENT_HEADER = "x-outboundiq-event"
DELIVERY_ID_HEADER = "x-outboundiq-delivery-id"
MAX_DIALS = 100


def call_ids(events: Iterable[str]) -> list[str]:
    """The call ids of the dial.batch events among ``events`` (their JSON texts), each once, in
    the order they were reported."""
    seen: dict[str, None] = {}
    for text in events:
        event = orjson.loads(text)
        if event.get("type") == DIAL_BATCH:
            for result in event["data"]["results"]:
                seen.setdefault(result["call_id"], None)
    return list(seen)


def company_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "company"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def dial_event(row: Mapping[str, Any], slug: str) -> dict[str, Any]:
    """One stored dial result as the SDKs' DialEvent."""
    return {
        "companySlug": slug,
        "callId": row["call_id"],
        "callDirection": row["call_type"] or "Outbound",
        "timestamp": _utc(row["call_at"]),
        "ani": row["ani"],
        # openani sends no prospect number in webhooks (the SDKs' type allows null).
        "phone": None,
        "campaign": row["campaign_name"],
        "campaignInternalId": row["campaign"],
        "agent": row["agent_id"],
        "disposition": row["dispo"],
        "dispositionId": row["disposition_ext_id"],
        "contact": bool(row["counted_contact"]),
        "success": bool(row["counted_success"]),
        "isSystemDispo": row["disposition_type"] == "System",
        "totalDialAttempts": row["attempts"],
    }


def delivery_body(delivery_id: str, at: datetime, dials: Sequence[Mapping[str, Any]]) -> str:
    return orjson.dumps(
        {"event": DIAL_BATCH, "deliveryId": delivery_id, "deliveredAt": _utc(at), "dials": dials}
    ).decode()


def headers(secret: str | None, delivery_id: str, body: bytes) -> dict[str, str]:
    signed = {SIGNATURE_HEADER: sign(secret, body)} if secret is not None else {}
    return {**signed, EVENT_HEADER: DIAL_BATCH, DELIVERY_ID_HEADER: delivery_id}
