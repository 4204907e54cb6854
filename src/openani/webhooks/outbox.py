"""Putting events in the outbox, only for companies with a webhook that wants them.

Two ways in:

- ``processed`` (dial results) writes ``dial.batch`` and ``dispo.unmapped`` on the ingestion
  transaction: the events exist exactly when the results do.
- ``observe`` (what /dialer/next notices: ``pool.exhausted``, ``cap.reached``) only appends to
  a list in memory; the delivery loop writes the list from a worker thread within a second.
  These are observations, not state: a crash loses at most that second of them, and the hot
  path never waits for a write. ``pool.exhausted`` is sent at most once a minute per campaign,
  inventory groups and reason (per server process): a dialer retrying against an empty pool
  must not flood the receiver.

Which events a company wants is read from its webhooks at most every ``SUBSCRIPTION_CACHE_S``
per process (at once after a change made through this process).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openani.observability.metrics import WEBHOOK_EVENTS
from openani.store import webhooks as store
from openani.store.engine import Database
from openani.store.raw import RawTransaction, raw_transaction
from openani.store.webhooks import make_event
from openani.webhooks.events import subscribed

SUBSCRIPTION_CACHE_S = 2.0
EXHAUSTED_EVERY_S = 60.0
MAX_BUFFERED = 10_000
_MAX_THROTTLE_KEYS = 10_000


@dataclass(frozen=True, slots=True)
class Observation:
    company_id: int
    type: str
    data: dict[str, Any]
    at: datetime


class WebhookOutbox:
    def __init__(self) -> None:
        self._subscriptions: dict[int, tuple[float, frozenset[str]]] = {}
        self._observed: list[Observation] = []
        self._throttled: dict[tuple[Any, ...], float] = {}
        self.dropped = 0  # observations over MAX_BUFFERED, not sent

    def forget(self, company_id: int) -> None:
        """The company's webhooks changed (through this process)."""
        self._subscriptions.pop(company_id, None)

    def wanted(self, tx: RawTransaction, company_id: int) -> frozenset[str]:
        cached = self._subscriptions.get(company_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < SUBSCRIPTION_CACHE_S:
            return cached[1]
        names: set[str] = set()
        for events in store.subscriptions(tx, company_id):
            names.update(json.loads(events))
        found = frozenset(names)
        self._subscriptions[company_id] = (now, found)
        return found

    def _known_silent(self, company_id: int) -> bool:
        """Whether the company is known (recently) to have no webhook at all."""
        cached = self._subscriptions.get(company_id)
        return (
            cached is not None
            and not cached[1]
            and time.monotonic() - cached[0] < SUBSCRIPTION_CACHE_S
        )

    # Dial results, on the ingestion transaction

    def processed(
        self,
        tx: RawTransaction,
        company_id: int,
        rows: Sequence[Mapping[str, Any]],
        at: datetime,
    ) -> None:
        if not rows:
            return
        wanted = self.wanted(tx, company_id)
        if not wanted:
            return
        events = []
        if subscribed(wanted, "dial.batch"):
            events.append(make_event("dial.batch", _dial_batch(rows), at))
        if subscribed(wanted, "dispo.unmapped"):
            first: dict[str, Mapping[str, Any]] = {}
            for row in rows:
                if row["disposition_id"] is None:
                    first.setdefault(row["dispo"], row)
            known = store.unmapped_dispos_known(tx, company_id, list(first))
            for dispo, row in first.items():
                if dispo not in known:
                    data = {
                        "dispo": dispo,
                        "call_id": row["call_id"],
                        "campaign": row["campaign"],
                        "call_at": row["call_at"].isoformat(),
                    }
                    events.append(make_event("dispo.unmapped", data, at))
        if events:
            store.enqueue(tx, company_id, events, at)
            for event in events:
                WEBHOOK_EVENTS.labels(event.type).inc()

    # Observations of /dialer/next, in memory until the next delivery pass

    def observe(
        self,
        company_id: int,
        event_type: str,
        data: dict[str, Any],
        at: datetime,
        *,
        throttle: tuple[Any, ...] | None = None,
    ) -> None:
        if self._known_silent(company_id):
            return
        if throttle is not None:
            key = (company_id, event_type, *throttle)
            now = time.monotonic()
            last = self._throttled.get(key)
            if last is not None and now - last < EXHAUSTED_EVERY_S:
                return
            if len(self._throttled) >= _MAX_THROTTLE_KEYS:
                self._throttled.clear()
            self._throttled[key] = now
        if len(self._observed) >= MAX_BUFFERED:
            self.dropped += 1
            return
        self._observed.append(Observation(company_id, event_type, data, at))

    def take_observations(self) -> list[Observation]:
        """Hand the buffer over (on the event loop, so no lock is needed)."""
        taken, self._observed = self._observed, []
        return taken

    def write_observations(self, db: Database, observations: Sequence[Observation]) -> int:
        """Write taken observations for the companies that want them (in a worker thread)."""
        if not observations:
            return 0
        by_company: dict[int, list[Observation]] = {}
        for item in observations:
            by_company.setdefault(item.company_id, []).append(item)
        written = 0
        with raw_transaction(db) as tx:
            for company_id, items in sorted(by_company.items()):
                wanted = self.wanted(tx, company_id)
                events = [
                    make_event(item.type, item.data, item.at)
                    for item in items
                    if subscribed(wanted, item.type)
                ]
                if events:
                    store.enqueue(tx, company_id, events, items[0].at)
                    written += len(events)
                    for event in events:
                        WEBHOOK_EVENTS.labels(event.type).inc()
        return written


def _dial_batch(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    results = [
        {
            "call_id": row["call_id"],
            "status": row["status"],
            "campaign": row["campaign"],
            "agent_id": row["agent_id"],
            "ani": row["ani"],
            "country_code": row["ani_country_code"],
            "dispo": row["dispo"],
            "mapped": row["disposition_id"] is not None,
            "contact": row["counted_contact"],
            "success": row["counted_success"],
            "category": row["counted_category"],
            "call_at": row["call_at"].isoformat(),
            "duration_s": row["duration_s"],
            "kpis": json.loads(row["kpis"]),
        }
        for row in rows
    ]
    stored = sum(1 for row in rows if row["status"] == "stored")
    return {"results": results, "stored": stored, "updated": len(rows) - stored}
