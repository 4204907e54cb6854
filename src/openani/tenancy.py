"""Who is calling: API keys to companies.

Both halves of this are kept off the hot path. A key found in the database is remembered for
``KEY_CACHE_S``, so a revocation made elsewhere takes effect in every process within that time;
and ``last_used_at`` is written at most once a minute per key per process, which is enough to tell
an operator which keys are still in use.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from openani.errors import Unauthorized
from openani.keys import secret_matches, split_key
from openani.ratelimit import RateLimiter
from openani.store import companies as company_store
from openani.store.companies import Company
from openani.store.engine import Database

# Company GUIDs are made by uuid4 (store.companies); any other text names no company.
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
LAST_USED_RESOLUTION_S = 60.0
KEY_CACHE_S = 1.0


class Authenticator:
    # Each memo (keys, GUIDs) is emptied when it holds more entries than this, so a flood of
    # made-up keys or GUIDs cannot grow it without bound.
    MAX_REMEMBERED = 10_000

    def __init__(
        self,
        db: Database,
        *,
        per_key: RateLimiter | None = None,
        per_company_guid: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock``: seconds on a monotonic scale, for the caches' ages (tests pass their own)."""
        self._db = db
        self._clock = clock
        self._per_key = per_key or RateLimiter(0, 0)
        self._per_guid = per_company_guid or RateLimiter(0, 0)
        self._last_touched: dict[str, float] = {}
        # key id -> (stored secret hash, company, when it was read)
        self._known: dict[str, tuple[str, Company, float]] = {}
        self._guids: dict[str, tuple[Company | None, float]] = {}

    def company_for_key(self, plaintext: str | None) -> Company:
        if not plaintext:
            raise Unauthorized("missing API key: send X-ApiKey (or Authorization: Bearer <key>)")
        parts = split_key(plaintext.strip())
        if parts is None:
            raise Unauthorized("invalid API key")
        key_id, secret = parts
        found = self._active_key(key_id)
        # The hash comparison runs for unknown ids too, so response time does not reveal which
        # key ids exist.
        stored_hash = found[0] if found else "0" * 64
        if not secret_matches(secret, stored_hash) or found is None:
            raise Unauthorized("invalid or revoked API key")
        self._per_key.take(key_id)
        self._touch(key_id)
        return found[1]

    def company_for_guid(self, guid: str) -> Company | None:
        """The company a dial-results callback names by GUID (the seed's callback has no key).

        Raises RateLimited when that company's callbacks exceed their rate.
        """
        if not _GUID.fullmatch(guid):
            return None  # no company has it; nothing to look up
        now = self._clock()
        known = self._guids.get(guid)
        if known is not None and now - known[1] < KEY_CACHE_S:
            company = known[0]
        else:
            with self._db.read() as conn:
                company = company_store.company_by_guid(conn, guid)
            if len(self._guids) > self.MAX_REMEMBERED:
                self._guids.clear()
            # Unknown GUIDs are remembered too: a flood of callbacks naming one costs no reads.
            self._guids[guid] = (company, now)
        if company is None:
            return None
        self._per_guid.take(guid)
        return company

    def key_record(self, key_id: str) -> tuple[str, Company] | None:
        """The stored secret hash and the company of a key that is not revoked (console
        sessions are signed with the hash, so revoking the key ends them)."""
        return self._active_key(key_id)

    def forget(self) -> None:
        """Drop remembered keys and companies (after a change made through this process)."""
        self._known.clear()
        self._guids.clear()

    def _active_key(self, key_id: str) -> tuple[str, Company] | None:
        now = self._clock()
        known = self._known.get(key_id)
        if known is not None and now - known[2] < KEY_CACHE_S:
            return known[0], known[1]
        with self._db.read() as conn:
            found = company_store.active_key(conn, key_id)
        if found is None:
            self._known.pop(key_id, None)
            return None
        if len(self._known) > self.MAX_REMEMBERED:
            self._known.clear()
        company = replace(found[1], key_id=key_id)
        self._known[key_id] = (found[0], company, now)
        return found[0], company

    def _touch(self, key_id: str) -> None:
        now = self._clock()
        if now - self._last_touched.get(key_id, -LAST_USED_RESOLUTION_S) < LAST_USED_RESOLUTION_S:
            return
        self._last_touched[key_id] = now
        with self._db.write() as conn:
            company_store.touch_api_key(conn, key_id, datetime.now(UTC))
