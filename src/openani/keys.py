"""API keys: how they are made, split and hashed. Pure functions, no storage.

A key reads ``oak_<key_id>_<secret>``. The key id is public (listings, revocation, logs may show
it); the secret carries 256 random bits and is stored only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "oak"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class NewKey:
    key_id: str
    plaintext: str
    secret_hash: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key() -> NewKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return NewKey(
        key_id=key_id, plaintext=f"{PREFIX}_{key_id}_{secret}", secret_hash=hash_secret(secret)
    )


def split_key(plaintext: str) -> tuple[str, str] | None:
    """Return (key_id, secret), or None when the text cannot be one of our keys."""
    prefix, sep, rest = plaintext.partition("_")
    key_id, sep2, secret = rest.partition("_")
    if prefix != PREFIX or not sep or not sep2 or len(key_id) != 16 or not secret:
        return None
    if not all(c in _HEX for c in key_id):  # made by token_hex: other text names no key
        return None
    return key_id, secret


def secret_matches(secret: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), secret_hash)
