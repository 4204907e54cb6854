"""Who is calling: API keys to companies, with a throttled ``last_used_at``.

Writing ``last_used_at`` on every request would put a write on the hot path of every call; once a
minute per key per process is enough to tell an operator which keys are still in use.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from openani.errors import Unauthorized
from openani.keys import secret_matches, split_key
from openani.store import companies as company_store
from openani.store.companies import Company
from openani.store.engine import Database

LAST_USED_RESOLUTION_S = 60.0


class Authenticator:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._last_touched: dict[str, float] = {}

    def company_for_key(self, plaintext: str | None) -> Company:
        if not plaintext:
            raise Unauthorized("missing X-ApiKey header")
        parts = split_key(plaintext.strip())
        if parts is None:
            raise Unauthorized("invalid API key")
        key_id, secret = parts
        with self._db.read() as conn:
            found = company_store.active_key(conn, key_id)
        # The hash comparison runs for unknown ids too, so response time does not reveal which
        # key ids exist.
        stored_hash = found[0] if found else "0" * 64
        if not secret_matches(secret, stored_hash) or found is None:
            raise Unauthorized("invalid or revoked API key")
        self._touch(key_id)
        return found[1]

    def _touch(self, key_id: str) -> None:
        now = time.monotonic()
        if now - self._last_touched.get(key_id, -LAST_USED_RESOLUTION_S) < LAST_USED_RESOLUTION_S:
            return
        self._last_touched[key_id] = now
        with self._db.write() as conn:
            company_store.touch_api_key(conn, key_id, datetime.now(UTC))
