"""Token buckets: bursts, steady rate, the wait they announce, and the off switch."""

from __future__ import annotations

import pytest

from openani.ratelimit import RateLimited, RateLimiter


def test_burst_then_steady_rate() -> None:
    limiter = RateLimiter(rate=10, burst=3)
    for _ in range(3):
        limiter.take("k", now=0.0)
    with pytest.raises(RateLimited) as refused:
        limiter.take("k", now=0.0)
    assert refused.value.retry_after_s == pytest.approx(0.1)
    limiter.take("k", now=0.1)  # one token back after 1/rate seconds
    with pytest.raises(RateLimited):
        limiter.take("k", now=0.1)


def test_keys_do_not_share_buckets() -> None:
    limiter = RateLimiter(rate=1, burst=1)
    limiter.take("a", now=0.0)
    limiter.take("b", now=0.0)
    with pytest.raises(RateLimited):
        limiter.take("a", now=0.5)


def test_rate_zero_is_off() -> None:
    limiter = RateLimiter(rate=0, burst=0)
    for _ in range(10_000):
        limiter.take("k", now=0.0)
