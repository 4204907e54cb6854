"""Console sessions: a signed cookie naming the API key that signed in, and CSRF tokens.

The cookie reads ``<key id>.<expiry, unix seconds>.<nonce>.<signature>``: the key's secret never
leaves the sign-in form. The signature is an HMAC keyed with the stored hash of the key's secret,
which only the server holds, so every server process can check a cookie without a shared secret
of its own, and revoking the key ends its sessions. A form's CSRF token is an HMAC of the
session's nonce under the same key. Pure: no storage, no HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from openani.validation import plain_digits

COOKIE = "openani_session"
# The sign-in form's own token (double submit: a cookie and a field that must match), since there
# is no session yet to bind it to.
SIGN_IN_COOKIE = "openani_sign_in"
LIFETIME_S = 12 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    key_id: str
    expires: int
    nonce: str


def _mac(secret_hash: str, message: str) -> str:
    return hmac.new(secret_hash.encode(), message.encode(), hashlib.sha256).hexdigest()


def new_session(key_id: str, now: float) -> Session:
    return Session(key_id, int(now) + LIFETIME_S, secrets.token_hex(16))


def cookie_value(session: Session, secret_hash: str) -> str:
    payload = f"{session.key_id}.{session.expires}.{session.nonce}"
    return f"{payload}.{_mac(secret_hash, 'session|' + payload)}"


def read_cookie(value: str | None, now: float) -> Session | None:
    """The session a cookie claims, unexpired; its signature is checked by ``verified``."""
    if not value:
        return None
    parts = value.split(".")
    if len(parts) != 4 or not plain_digits(parts[1]):
        return None
    key_id, expires, nonce, _ = parts
    if int(expires) <= now:
        return None
    return Session(key_id, int(expires), nonce)


def verified(value: str, session: Session, secret_hash: str) -> bool:
    return hmac.compare_digest(value, cookie_value(session, secret_hash))


def csrf_token(session: Session, secret_hash: str) -> str:
    return _mac(secret_hash, "csrf|" + session.nonce)[:40]


def csrf_matches(given: str | None, session: Session, secret_hash: str) -> bool:
    return given is not None and hmac.compare_digest(given, csrf_token(session, secret_hash))
