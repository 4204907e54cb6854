"""Checking that a webhook delivery comes from openani: HMAC-SHA256 of the raw body."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping

from openani_client.models import Delivery

SIGNATURE_HEADER = "X-OpenANI-Signature"
PREVIOUS_SIGNATURE_HEADER = "X-OpenANI-Signature-Previous"
DELIVERY_HEADER = "X-OpenANI-Delivery"


class InvalidSignature(ValueError):
    pass


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, headers: Mapping[str, str], secrets: str | Iterable[str]) -> bool:
    """Whether the raw ``body`` was signed with one of ``secrets`` (give the new and the old one
    while you move to a rotated secret). Both signature headers are checked: during a rotation's
    grace period openani signs with the new secret and, in the second header, the previous one."""
    wanted = [secrets] if isinstance(secrets, str) else list(secrets)
    lowered = {name.lower(): value for name, value in headers.items()}
    sent = [
        lowered[name.lower()]
        for name in (SIGNATURE_HEADER, PREVIOUS_SIGNATURE_HEADER)
        if name.lower() in lowered
    ]
    return any(
        hmac.compare_digest(value.strip(), signature(secret, body))
        for secret in wanted
        for value in sent
    )


def parse_delivery(
    body: bytes, headers: Mapping[str, str], secrets: str | Iterable[str]
) -> Delivery:
    """The delivery, once its signature is checked; InvalidSignature otherwise. Deliveries come
    at least once: use ``delivery_id`` (or each event's id) to ignore repeats."""
    if not verify_signature(body, headers, secrets):
        raise InvalidSignature("the body does not match X-OpenANI-Signature for these secrets")
    return Delivery.from_json(json.loads(body))
