"""Signing secrets and the signature of a delivery: HMAC-SHA256 of the raw body."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-OpenANI-Signature"
# Sent while a rotated-out secret is still in its grace period: the same body signed with it.
PREVIOUS_SIGNATURE_HEADER = "X-OpenANI-Signature-Previous"
DELIVERY_HEADER = "X-OpenANI-Delivery"
ATTEMPT_HEADER = "X-OpenANI-Attempt"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(secret: str, body: bytes) -> str:
    """The header value: ``sha256=<hex>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
