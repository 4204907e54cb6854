"""Token buckets per API key and per company GUID, so one runaway dialer cannot starve the rest.

Buckets live in each server process: with N worker processes a key may reach N times the rate,
which is why the defaults sit well above what one process can serve for a single dialer.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from openani.errors import OpenAniError


class RateLimited(OpenAniError):
    code = "rate_limited"
    status = 429

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many requests; retry after {math.ceil(retry_after_s)} s")
        self.retry_after_s = retry_after_s

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(math.ceil(self.retry_after_s))}


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """``rate`` requests per second on average, bursts up to ``burst``; rate 0 turns it off."""

    MAX_BUCKETS = 100_000

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str, now: float | None = None) -> None:
        """Spend one token of ``key``'s bucket, or raise RateLimited with the wait."""
        if self.rate <= 0:
            return
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.MAX_BUCKETS:
                self._buckets.clear()
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        if bucket.tokens < 1.0:
            raise RateLimited((1.0 - bucket.tokens) / self.rate)
        bucket.tokens -= 1.0
