"""When to try a request again, and after how long (shared by the sync and async clients)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx2 as httpx

RETRY_STATUSES = frozenset({429, 503})
# Safe to send twice: the server treats a repeat as the same request.
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` more tries after the first; waits double from ``backoff`` up to
    ``max_backoff`` seconds, unless the server says how long in ``Retry-After``."""

    max_retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0

    def after(
        self,
        method: str,
        attempt: int,
        outcome: httpx.Response | Exception,
        rng: random.Random,
    ) -> float | None:
        """Seconds to wait before trying again after ``outcome`` (an answer, or the error of a
        transport), or None when it is final."""
        if attempt >= self.max_retries:
            return None
        if isinstance(outcome, Exception):
            return self.wait(attempt, None, rng) if should_retry_error(method, outcome) else None
        if outcome.status_code in RETRY_STATUSES:
            return self.wait(attempt, outcome.headers.get("Retry-After"), rng)
        return None

    def wait(self, attempt: int, retry_after: str | None, rng: random.Random) -> float:
        told = parse_retry_after(retry_after)
        if told is not None:
            return min(told, self.max_backoff)
        delay: float = min(self.backoff * 2.0**attempt, self.max_backoff)
        return delay * rng.uniform(0.5, 1.0)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def should_retry_error(method: str, error: Exception) -> bool:
    """A request that never reached the server may always be sent again; one that may have
    been received, only when repeating it is harmless."""
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return True
    return method.upper() in IDEMPOTENT and isinstance(error, httpx.TransportError)
