"""Claiming an ANI for one call: the write on the hot path of every /dialer/next.

One transaction: a conditional upsert of the number's live counters, then the assignment log
row and the day's ``assigned`` statistics. The upsert rolls the counters over when the
company's day or hour has changed and increments them only while under cap, so concurrent
requests in any number of server processes can never push a number past a strict cap nor lose
an increment.

It runs as fixed SQL on the DB-API connection (see ``store.raw``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openani.store.engine import Database
from openani.store.raw import RawTransaction, raw_transaction
from openani.store.results import StatsChange, apply_stats

_CLAIM = """
    INSERT INTO ani_usage
        (ani_id, company_id, day, dials_today, hour, dials_this_hour, last_assigned_at)
    VALUES (:ani_id, :company_id, :day, 1, :hour, 1, :now)
    ON CONFLICT (ani_id) DO UPDATE SET
        dials_today = CASE WHEN ani_usage.day = excluded.day
                           THEN ani_usage.dials_today + 1 ELSE 1 END,
        dials_this_hour = CASE WHEN ani_usage.hour = excluded.hour
                               THEN ani_usage.dials_this_hour + 1 ELSE 1 END,
        day = excluded.day,
        hour = excluded.hour,
        last_assigned_at = excluded.last_assigned_at
    WHERE :enforce = 0
       OR ((ani_usage.day <> excluded.day OR ani_usage.dials_today < :daily_cap)
           AND (:hourly_cap < 0 OR ani_usage.hour <> excluded.hour
                OR ani_usage.dials_this_hour < :hourly_cap))
    RETURNING dials_today, dials_this_hour
"""

_LOG = """
    INSERT INTO assignments
        (company_id, campaign_id, ani_id, prospect_phone, prospect_country_code, prospect_zip,
         requested_assignment_type, assignment_type, match, fallback, over_cap, created_at)
    VALUES (:company_id, :campaign_id, :ani_id, :prospect_phone, :prospect_country_code,
            :prospect_zip, :requested_assignment_type, :assignment_type, :match, :fallback,
            :over_cap, :now)
"""


@dataclass(frozen=True, slots=True)
class Claim:
    company_id: int
    campaign_id: int
    ani_id: int
    day: str  # the company's local day and hour, as the counters key them
    hour: str
    now: datetime
    daily_cap: int
    hourly_cap: int | None
    enforce: bool  # False: count the dial even over cap (soft mode, nothing else left)
    prospect_phone: str
    prospect_country_code: str
    prospect_zip: str | None
    requested_assignment_type: str | None
    assignment_type: str
    match: str
    fallback: bool
    over_cap: bool
    # Where the assignment counts in daily_stats (see schema.daily_stats for the keys).
    stats_keys: tuple[tuple[str, str, str | None], ...] = ()  # (dimension, key, state)


class ClaimWriter:
    """Claims from concurrent requests share one transaction (group commit).

    A request's claim is queued and the queue is written at the next turn of the event loop, so
    the requests that arrived together pay for one BEGIN and one COMMIT instead of one each. Each
    claim is still its own conditional upsert, applied in arrival order: caps hold exactly.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[tuple[Claim, asyncio.Future[tuple[int, int] | None]]] = []

    async def claim(self, claim: Claim) -> tuple[int, int] | None:
        """Count the dial and log it; None (nothing written) when a cap was already reached.

        Returns the number's counters after the claim: (dials today, dials this hour). Answers
        only after the transaction holding the claim has committed.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, int] | None] = loop.create_future()
        self._pending.append((claim, future))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        try:
            results = self.claim_all([claim for claim, _ in batch])
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    def claim_all(self, claims: list[Claim]) -> list[tuple[int, int] | None]:
        """Apply the claims in order in one transaction."""
        results: list[tuple[int, int] | None] = []
        logs: list[dict[str, Any]] = []
        assigned: dict[tuple[int, str, str, str], tuple[int, str | None]] = {}
        with raw_transaction(self._db) as tx:
            for claim in claims:
                params = self._params(claim, tx)
                row = tx.fetchone(_CLAIM, params)
                if row is None:
                    results.append(None)
                    continue
                results.append((int(row[0]), int(row[1])))
                logs.append(params)
                for dimension, key, state in claim.stats_keys:
                    stats_key = (claim.company_id, dimension, key, claim.day)
                    count = assigned.get(stats_key, (0, state))[0]
                    assigned[stats_key] = (count + 1, state)
            tx.executemany(_LOG, logs)
            for company_id in sorted({key[0] for key in assigned}):
                apply_stats(
                    tx,
                    company_id,
                    (
                        StatsChange(dimension, key, day, state, {}, assigned=count)
                        for (company, dimension, key, day), (count, state) in assigned.items()
                        if company == company_id
                    ),
                )
        return results

    @staticmethod
    def _params(claim: Claim, tx: RawTransaction) -> dict[str, Any]:
        return {
            "company_id": claim.company_id,
            "campaign_id": claim.campaign_id,
            "ani_id": claim.ani_id,
            "day": claim.day,
            "hour": claim.hour,
            "now": tx.time(claim.now),
            "enforce": 1 if claim.enforce else 0,
            "daily_cap": claim.daily_cap,
            "hourly_cap": -1 if claim.hourly_cap is None else claim.hourly_cap,
            "prospect_phone": claim.prospect_phone,
            "prospect_country_code": claim.prospect_country_code,
            "prospect_zip": claim.prospect_zip,
            "requested_assignment_type": claim.requested_assignment_type,
            "assignment_type": claim.assignment_type,
            "match": claim.match,
            "fallback": claim.fallback,
            "over_cap": claim.over_cap,
        }
