"""``Client`` (blocking) and ``AsyncClient``: the same calls, with retries on 429 and 503."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx2 as httpx

from openani_client import calls
from openani_client.calls import Call, Resource
from openani_client.errors import NoAvailableAni, OpenAniError, RetriesExhausted
from openani_client.models import (
    Ani,
    BatchRow,
    Campaign,
    Dispo,
    Model,
    NextAni,
    Page,
    ResultOutcome,
    Webhook,
)
from openani_client.retry import RETRY_STATUSES, RetryPolicy

T = TypeVar("T")
M = TypeVar("M", bound=Model)
USER_AGENT = "openani-client-python/0.1.0"


def _headers(api_key: str) -> dict[str, str]:
    return {"X-ApiKey": api_key, "User-Agent": USER_AGENT, "Accept": "application/json"}


def _answer(call: Call[T], response: httpx.Response) -> T:
    if 200 <= response.status_code < 300:
        return call.parse(response.json())
    try:
        error = response.json()["error"]
        code, message, fields = error["code"], error["message"], error.get("fields")
    except (ValueError, KeyError, TypeError):
        code, message, fields = "http_error", response.text[:200], None
    kind = NoAvailableAni if code == "no_available_ani" else OpenAniError
    if response.status_code in RETRY_STATUSES:
        kind = RetriesExhausted
    raise kind(response.status_code, code, message, fields)


class _Pages:
    """Following ``next_cursor`` until the last page."""

    @staticmethod
    def params(call: Call[Page[T]], cursor: str | None) -> Call[Page[T]]:
        params = dict(call.params)
        if cursor is not None:
            params["cursor"] = cursor
        return Call(call.method, call.path, call.parse, call.json, params)


class Client:
    """Blocking client. ``max_retries``/``backoff``/``max_backoff`` govern retries of 429 and
    503 answers (waiting what ``Retry-After`` says) and of requests that never reached the
    server; ``sleep`` may be replaced (tests)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.retry = RetryPolicy(max_retries, backoff, max_backoff)
        self._http = httpx.Client(
            base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )
        self._sleep = sleep
        self._rng = random.Random()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def run(self, call: Call[T]) -> T:
        """Send one call, retrying as the policy says; its parsed answer, or OpenAniError."""
        attempt = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = self._http.request(
                    call.method, call.path, json=call.json, params=dict(call.params) or None
                )
            except httpx.TransportError as exc:
                outcome = exc
            wait = self.retry.after(call.method, attempt, outcome, self._rng)
            if wait is None:
                if isinstance(outcome, Exception):
                    raise outcome
                return _answer(call, outcome)
            self._sleep(wait)
            attempt += 1

    def pages(self, call: Call[Page[T]]) -> Iterator[T]:
        """Every item of a listing, page after page."""
        cursor: str | None = None
        while True:
            page = self.run(_Pages.params(call, cursor))
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    # The dialer's calls

    def next_ani(self, outbound_campaign: str, prospect_phone: str, prospect_zip: str | None = None,
                 **options: Any) -> NextAni:  # fmt: skip
        return self.run(calls.next_ani(outbound_campaign, prospect_phone, prospect_zip, **options))

    def next_batch(self, outbound_campaign: str, leads: Sequence[Mapping[str, Any]],
                   **options: Any) -> list[BatchRow]:  # fmt: skip
        return self.run(calls.next_batch(outbound_campaign, leads, **options))

    def report_result(self, **result: Any) -> ResultOutcome:
        return self.report_results([result])[0]

    def report_results(self, results: Sequence[Mapping[str, Any]]) -> list[ResultOutcome]:
        return self.run(calls.report_results(results))

    # Inventory and the rest

    def create(self, resource: Resource[M], **fields: Any) -> M:
        return self.run(resource.create(**fields))

    def update(self, resource: Resource[M], key: str, **fields: Any) -> M:
        return self.run(resource.update(key, **fields))

    def get(self, resource: Resource[M], key: str) -> M:
        return self.run(resource.get(key))

    def delete(self, resource: Resource[M], key: str) -> M:
        return self.run(resource.delete(key))

    def iter(self, resource: Resource[M], **filters: Any) -> Iterator[M]:
        return self.pages(resource.list(**filters))

    def pause(self, ani: str, **fields: Any) -> Ani:
        result: Ani = self.run(calls.ani_action("pause", ani, **fields))
        return result

    def activate(self, ani: str, **fields: Any) -> Ani:
        result: Ani = self.run(calls.ani_action("activate", ani, **fields))
        return result

    def remediate(self, ani: str, carrier: str, note: str | None = None) -> dict[str, Any]:
        result: dict[str, Any] = self.run(
            calls.ani_action("remediate", ani, carrier=carrier, note=note)
        )
        return result

    def assignments(self, **filters: Any) -> Iterator[dict[str, Any]]:
        return self.pages(calls.listing("/dialer/assignments", **filters))

    def results(self, **filters: Any) -> Iterator[dict[str, Any]]:
        return self.pages(calls.listing("/dialer/results", **filters))

    def create_webhook(self, url: str, **fields: Any) -> Webhook:
        return self.run(calls.create_webhook(url, **fields))

    def rotate_webhook_secret(self, grace_hours: int | None = None) -> str:
        return str(self.run(calls.rotate_secret(grace_hours))["secret"])

    def request(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        return self.run(calls.raw(method, path, json, params))


class AsyncClient:
    """The same calls as ``Client`` for asyncio code."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 10.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.retry = RetryPolicy(max_retries, backoff, max_backoff)
        self._http = httpx.AsyncClient(
            base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )
        self._sleep = sleep
        self._rng = random.Random()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def run(self, call: Call[T]) -> T:
        attempt = 0
        while True:
            outcome: httpx.Response | Exception
            try:
                outcome = await self._http.request(
                    call.method, call.path, json=call.json, params=dict(call.params) or None
                )
            except httpx.TransportError as exc:
                outcome = exc
            wait = self.retry.after(call.method, attempt, outcome, self._rng)
            if wait is None:
                if isinstance(outcome, Exception):
                    raise outcome
                return _answer(call, outcome)
            await self._sleep(wait)
            attempt += 1

    async def pages(self, call: Call[Page[T]]) -> AsyncIterator[T]:
        cursor: str | None = None
        while True:
            page = await self.run(_Pages.params(call, cursor))
            for item in page.items:
                yield item
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def next_ani(self, outbound_campaign: str, prospect_phone: str,
                       prospect_zip: str | None = None, **options: Any) -> NextAni:  # fmt: skip
        return await self.run(
            calls.next_ani(outbound_campaign, prospect_phone, prospect_zip, **options)
        )

    async def next_batch(self, outbound_campaign: str, leads: Sequence[Mapping[str, Any]],
                         **options: Any) -> list[BatchRow]:  # fmt: skip
        return await self.run(calls.next_batch(outbound_campaign, leads, **options))

    async def report_result(self, **result: Any) -> ResultOutcome:
        return (await self.report_results([result]))[0]

    async def report_results(self, results: Sequence[Mapping[str, Any]]) -> list[ResultOutcome]:
        return await self.run(calls.report_results(results))

    async def create(self, resource: Resource[M], **fields: Any) -> M:
        return await self.run(resource.create(**fields))

    async def get(self, resource: Resource[M], key: str) -> M:
        return await self.run(resource.get(key))

    def iter(self, resource: Resource[M], **filters: Any) -> AsyncIterator[M]:
        return self.pages(resource.list(**filters))

    def assignments(self, **filters: Any) -> AsyncIterator[dict[str, Any]]:
        return self.pages(calls.listing("/dialer/assignments", **filters))

    async def request(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        return await self.run(calls.raw(method, path, json, params))


CAMPAIGNS: Resource[Campaign] = calls.CAMPAIGNS
DISPOS: Resource[Dispo] = calls.DISPOS
ANIS: Resource[Ani] = calls.ANIS
