"""Retries of 429 (a live server's rate limit) and 503 (load shedding), honouring Retry-After."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2 as httpx
import pytest

from conftest import Live
from openani_client import CAMPAIGNS, AsyncClient, Client, RetriesExhausted, parse_retry_after


def test_429_waits_as_long_as_the_server_says(limited: Live) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    with Client(limited.url, limited.api_key, sleep=sleep, max_retries=5) as client:
        for _ in range(4):  # a burst of 2, then one a second
            assert list(client.iter(CAMPAIGNS)) == []
    assert waits, "the rate limit was never met"
    assert all(wait >= 1.0 for wait in waits)  # Retry-After: 1, not the shorter backoff


def _flaky(statuses: list[int], retry_after: str | None) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        status = statuses.pop(0) if statuses else 200
        headers = {"Retry-After": retry_after} if retry_after and status != 200 else {}
        if status == 200:
            return httpx.Response(200, json={"items": [], "next_cursor": None})
        busy = {"error": {"code": "overloaded", "message": "busy"}}
        return httpx.Response(status, headers=headers, json=busy)

    return httpx.MockTransport(answer)


def test_503_is_retried_with_backoff_then_given_up() -> None:
    waits: list[float] = []
    transport = _flaky([503, 503], None)
    with Client("http://openani.test", "k", transport=transport, sleep=waits.append,
                backoff=0.25, max_backoff=10) as client:  # fmt: skip
        assert list(client.iter(CAMPAIGNS)) == []
    assert len(waits) == 2
    assert 0.125 <= waits[0] <= 0.25 and 0.25 <= waits[1] <= 0.5  # doubling, with jitter
    always = _flaky([503] * 10, "2")
    with Client("http://openani.test", "k", transport=always, sleep=waits.append,
                max_retries=2) as client, pytest.raises(RetriesExhausted) as exhausted:  # fmt: skip
        list(client.iter(CAMPAIGNS))
    assert exhausted.value.status == 503
    assert waits[-2:] == [2.0, 2.0]


def test_async_client_retries_too() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    def answer(request: httpx.Request) -> httpx.Response:
        if len(waits) < 1:
            slow = {"error": {"code": "rate_limited", "message": "slow"}}
            return httpx.Response(429, headers={"Retry-After": "3"}, json=slow)
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    async def scenario() -> None:
        async with AsyncClient("http://openani.test", "k", sleep=sleep,
                               transport=httpx.MockTransport(answer)) as client:  # fmt: skip
            assert [c async for c in client.iter(CAMPAIGNS)] == []

    asyncio.run(scenario())
    assert waits == [3.0]


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now + timedelta(seconds=7), usegmt=True), now) == 7
    assert parse_retry_after("12") == 12
    assert parse_retry_after("soon") is None
