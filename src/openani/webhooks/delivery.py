"""Delivering the outbox: a background task of each server process.

Each pass, in a worker thread: write the observations /dialer/next made since the last pass,
turn outbox events into deliveries (1-100 events per webhook that wants them; the events leave
the outbox in the same transaction), and lease the deliveries that are due. Then, on the event
loop, POST them concurrently with an async HTTP client (waiting on the network never blocks
other requests), and record each outcome in a worker thread.

At-least-once: an event is in the database from the moment its change commits until a
delivery holding it is answered 2xx. A process that dies mid-attempt leaves its lease to run
out (``lease_s``: twice the attempt timeout plus 5 s), after which any process sends that
delivery again with the same id and body. Failed attempts are retried after ``base`` seconds,
doubling up to ``max_delay``, while within ``window`` of the delivery's creation; then the
delivery is ``failed``. Several processes share the work: each leases different deliveries
(row locks skipped on PostgreSQL; SQLite's write lock makes leasing serial).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
from sqlalchemy import Connection

from openani import __version__
from openani.observability.metrics import JOB_SECONDS, WEBHOOK_ATTEMPTS
from openani.store import webhooks as store
from openani.store.engine import Database
from openani.webhooks import sdk_format
from openani.webhooks.events import chunks, delivery_body, new_delivery_id, subscribed
from openani.webhooks.outbox import Observation, WebhookOutbox
from openani.webhooks.signing import (
    ATTEMPT_HEADER,
    DELIVERY_HEADER,
    PREVIOUS_SIGNATURE_HEADER,
    SIGNATURE_HEADER,
    sign,
)

log = logging.getLogger("openani.webhooks")

EVENTS_PER_PASS = 1000
# Call ids looked up at once for the commercial webhook format.
_IDS_PER_QUERY = 500
DELIVERIES_PER_PASS = 32  # sent concurrently
RETENTION = timedelta(days=30)
PURGE_EVERY_S = 3600.0
USER_AGENT = f"openani-webhooks/{__version__}"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: float = 30.0
    max_delay_s: float = 3600.0
    window_s: float = 24 * 3600.0
    timeout_s: float = 10.0

    @property
    def lease_s(self) -> float:
        return 2 * self.timeout_s + 5.0

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before the next try after ``attempts`` failed ones (±10% jitter, so that a
        receiver back from an outage is not hit by every retry at the same instant)."""
        delay: float = min(self.base_s * 2.0 ** (attempts - 1), self.max_delay_s)
        return delay * rng.uniform(0.9, 1.1)


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery: store.DueDelivery
    status_code: int | None
    error: str | None
    duration_ms: int
    at: datetime

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Dispatcher:
    def __init__(
        self,
        db: Database,
        outbox: WebhookOutbox,
        policy: RetryPolicy,
        *,
        poll_s: float = 1.0,
        rng: random.Random | None = None,
    ) -> None:
        self._db = db
        self._outbox = outbox
        self.policy = policy
        self._poll_s = poll_s
        self._rng = rng or random.Random()
        self._last_purge = 0.0

    async def run(self) -> None:
        """Pass after pass until cancelled; a failing pass is logged and the next one tries."""
        async with httpx.AsyncClient(
            timeout=self.policy.timeout_s, follow_redirects=False, trust_env=False
        ) as client:
            while True:
                sent = 0
                try:
                    sent = await self.run_once(client)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("webhook delivery pass failed")
                if sent < DELIVERIES_PER_PASS:  # a full pass: more may be due at once
                    await asyncio.sleep(self._poll_s)

    async def run_once(self, client: httpx.AsyncClient) -> int:
        """One pass; the number of deliveries attempted."""
        observations = self._outbox.take_observations()
        start = time.perf_counter()
        due = await asyncio.to_thread(self._prepare, observations)
        if due:
            outcomes = await asyncio.gather(*(self._send(client, d) for d in due))
            await asyncio.to_thread(self._record, outcomes)
        if due or observations:
            JOB_SECONDS.labels("webhook_pass").observe(time.perf_counter() - start)
        return len(due)

    # In a worker thread

    def _prepare(self, observations: Sequence[Observation]) -> list[store.DueDelivery]:
        self._outbox.write_observations(self._db, observations)
        now = datetime.now(UTC)
        self.fan_out(now)
        if time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = time.monotonic()
            with self._db.write() as conn:
                store.purge(conn, now - RETENTION)
        with self._db.write() as conn:
            return store.lease_due(
                conn, now, now + timedelta(seconds=self.policy.lease_s), DELIVERIES_PER_PASS
            )

    def fan_out(self, now: datetime) -> int:
        """Outbox events -> deliveries; the number of deliveries made."""
        with self._db.write() as conn:
            events = store.take_events(conn, EVENTS_PER_PASS)
            if not events:
                return 0
            by_company: dict[int, list[Any]] = defaultdict(list)
            for event in events:
                by_company[event.company_id].append(event)
            rows: list[dict[str, Any]] = []
            hooks = store.enabled_webhooks(conn, by_company)
            dials = _sdk_dials(conn, hooks, by_company)
            for hook in hooks:
                wanted = json.loads(hook.events)
                matching = [e for e in by_company[hook.company_id] if subscribed(wanted, e.type)]
                if hook.format == sdk_format.FORMAT:
                    rows.extend(_sdk_deliveries(hook, matching, dials, now))
                    continue
                for part in chunks(matching):
                    delivery_id = new_delivery_id()
                    body = delivery_body(
                        delivery_id, hook.public_id, now, [e.payload for e in part]
                    )
                    types = ",".join(sorted({e.type for e in part}))
                    rows.append(_delivery(hook, delivery_id, body, len(part), types, now))
            store.insert_deliveries(conn, rows)
            store.delete_events(conn, [e.id for e in events])
        return len(rows)

    def _record(self, outcomes: Sequence[Outcome]) -> None:
        with self._db.write() as conn:
            for outcome in outcomes:
                d = outcome.delivery
                attempts = d.attempts + 1
                values: dict[str, Any] = {
                    "attempts": attempts,
                    "last_attempt_at": outcome.at,
                    "last_status_code": outcome.status_code,
                    "last_error": outcome.error,
                }
                if outcome.delivered:
                    values |= {"status": store.DELIVERED, "delivered_at": outcome.at}
                    values["next_attempt_at"] = None
                    WEBHOOK_ATTEMPTS.labels("delivered").inc()
                else:
                    later = outcome.at + timedelta(seconds=self.policy.delay(attempts, self._rng))
                    if later > d.created_at + timedelta(seconds=self.policy.window_s):
                        values |= {"status": store.FAILED, "next_attempt_at": None}
                        WEBHOOK_ATTEMPTS.labels("failed").inc()
                        log.warning(
                            "webhook delivery %s failed after %d attempts: %s",
                            d.public_id,
                            attempts,
                            outcome.error,
                        )
                    else:
                        values["next_attempt_at"] = later
                        WEBHOOK_ATTEMPTS.labels("retry").inc()
                store.record_attempt(
                    conn,
                    d.id,
                    values,
                    {
                        "attempt": attempts,
                        "at": outcome.at,
                        "status_code": outcome.status_code,
                        "error": outcome.error,
                        "duration_ms": outcome.duration_ms,
                    },
                )

    # On the event loop

    async def _send(self, client: httpx.AsyncClient, d: store.DueDelivery) -> Outcome:
        body = d.body.encode()
        headers = {
            **json.loads(d.headers),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            DELIVERY_HEADER: d.public_id,
            ATTEMPT_HEADER: str(d.attempts + 1),
        }
        at = datetime.now(UTC)
        if d.secret is not None:
            headers[SIGNATURE_HEADER] = sign(d.secret, body)
        if d.format == sdk_format.FORMAT:
            headers |= sdk_format.headers(d.secret, d.public_id, body)
        if (
            d.previous_secret is not None
            and d.previous_expires_at is not None
            and d.previous_expires_at > at
        ):
            headers[PREVIOUS_SIGNATURE_HEADER] = sign(d.previous_secret, body)
        start = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            status_code = await asyncio.wait_for(
                _post(client, d.url, body, headers), self.policy.timeout_s
            )
            if not 200 <= status_code < 300:
                error = f"answered HTTP {status_code}"
        except TimeoutError:
            error = f"no answer within {self.policy.timeout_s:g} s"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        duration_ms = round((time.perf_counter() - start) * 1000)
        return Outcome(d, status_code, error, duration_ms, at)


def _sdk_dials(
    conn: Connection, hooks: Sequence[Any], events: Mapping[int, Sequence[Any]]
) -> dict[int, dict[str, dict[str, Any]]]:
    """Per company with a webhook in the commercial format: its reported dial results, as the
    SDKs' DialEvent rows by call id."""
    companies = sorted({h.company_id for h in hooks if h.format == sdk_format.FORMAT})
    names = store.company_names(conn, companies)
    dials: dict[int, dict[str, dict[str, Any]]] = {}
    for company_id in companies:
        ids = sdk_format.call_ids(e.payload for e in events[company_id])
        slug = sdk_format.company_slug(names.get(company_id, ""))
        rows: dict[str, dict[str, Any]] = {}
        for part in chunks(ids, _IDS_PER_QUERY):
            rows.update(store.dial_events(conn, company_id, list(part)))
        dials[company_id] = {
            call_id: sdk_format.dial_event(rows[call_id], slug)
            for call_id in ids
            if call_id in rows
        }
    return dials


def _sdk_deliveries(
    hook: Any,
    events: Sequence[Any],
    dials: Mapping[int, Mapping[str, dict[str, Any]]],
    now: datetime,
) -> list[dict[str, Any]]:
    """The commercial format's deliveries of ``events`` to ``hook``: its dial results only, 1 to
    100 a delivery."""
    known = dials.get(hook.company_id, {})
    ids = sdk_format.call_ids(e.payload for e in events)
    rows = []
    for part in chunks([known[i] for i in ids if i in known], sdk_format.MAX_DIALS):
        delivery_id = new_delivery_id()
        body = sdk_format.delivery_body(delivery_id, now, part)
        rows.append(_delivery(hook, delivery_id, body, len(part), sdk_format.DIAL_BATCH, now))
    return rows


def _delivery(
    hook: Any, delivery_id: str, body: str, count: int, types: str, now: datetime
) -> dict[str, Any]:
    """A new delivery row of ``body`` (``count`` events of ``types``) to ``hook``, due now."""
    return {
        "public_id": delivery_id,
        "company_id": hook.company_id,
        "webhook_id": hook.id,
        "body": body,
        "event_count": count,
        "event_types": types,
        "status": store.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def _post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str]) -> int:
    # Streamed and never read: only the status matters, and a receiver answering with a huge
    # body must not make this process read it.
    async with client.stream("POST", url, content=body, headers=headers) as response:
        return response.status_code


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
