"""Claiming an ANI for one call: the write on the hot path of every /dialer/next.

One transaction: a conditional upsert of the number's live counters, then the assignment log
row and the day's ``assigned`` statistics. The upsert rolls the counters over when the
company's day or hour has moved on (to a later one: a time zone changed back to an earlier day
keeps counting the later day, which is never counted again from zero) and increments them only
while under cap, so concurrent
requests in any number of server processes can never push a number past a strict cap nor lose
an increment.

It runs as fixed SQL on the DB-API connection (see ``store.raw``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openani.stats.counting import StatsChange
from openani.stats.keys import AssignmentKey
from openani.store.daily_stats import apply_stats
from openani.store.engine import Database
from openani.store.group_commit import GroupCommit
from openani.store.raw import RawTransaction, is_transient, raw_transaction

# A batch is tried this often while it fails on a deadlock or a serialization failure, before
# its claims are written one by one; a single claim is tried as often.
BATCH_ATTEMPTS = 3
# Claim transactions in flight at once per process (the writer's threads) on PostgreSQL.
DEFAULT_THREADS = 4

_CLAIM = """
    INSERT INTO ani_usage
        (ani_id, company_id, day, dials_today, hour, dials_this_hour, last_assigned_at)
    VALUES (:ani_id, :company_id, :day, 1, :hour, 1, :now)
    ON CONFLICT (ani_id) DO UPDATE SET
        dials_today = CASE WHEN excluded.day > ani_usage.day
                           THEN 1 ELSE ani_usage.dials_today + 1 END,
        dials_this_hour = CASE WHEN excluded.hour > ani_usage.hour
                               THEN 1 ELSE ani_usage.dials_this_hour + 1 END,
        day = CASE WHEN excluded.day > ani_usage.day THEN excluded.day ELSE ani_usage.day END,
        hour = CASE WHEN excluded.hour > ani_usage.hour THEN excluded.hour ELSE ani_usage.hour END,
        last_assigned_at = excluded.last_assigned_at
    WHERE :enforce = 0
       OR ((excluded.day > ani_usage.day OR ani_usage.dials_today < :daily_cap)
           AND (:hourly_cap < 0 OR excluded.hour > ani_usage.hour
                OR ani_usage.dials_this_hour < :hourly_cap))
    RETURNING dials_today, dials_this_hour
"""

_LOG = """
    INSERT INTO assignments
        (company_id, campaign_id, ani_id, prospect_phone, prospect_country_code, prospect_zip,
         requested_assignment_type, assignment_type, match, fallback, over_cap, arm, created_at)
    VALUES (:company_id, :campaign_id, :ani_id, :prospect_phone, :prospect_country_code,
            :prospect_zip, :requested_assignment_type, :assignment_type, :match, :fallback,
            :over_cap, :arm, :now)
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
    arm: str | None = None  # the default strategy's experiment arm, "default" or "holdout"
    # Where the assignment counts in daily_stats (stats.keys.assignment_keys).
    stats_keys: tuple[AssignmentKey, ...] = ()


ClaimOutcome = tuple[int, int] | None | BaseException


class ClaimWriter:
    """Claims from concurrent requests share one transaction (group commit, see
    ``store.group_commit``). Each claim is still its own conditional upsert: caps hold exactly.

    A batch is applied in key order (company, number), so concurrent transactions in any number
    of processes lock the counters in the same order and cannot deadlock each other. A batch
    that fails anyway (a deadlock with another kind of transaction, a serialization failure) is
    retried, then written claim by claim, so that one failing claim fails alone.

    The transaction runs in the writer's own threads (``threads``, each with its own
    connection; ``0`` runs it in place): the event loop serving /dialer/next never waits on the
    network, the disk or another writer's lock, and claims arriving while a transaction is in
    flight gather into the next batch. SQLite writes one transaction at a time, so there it
    has one thread, and its claims go first at the process's write gate (store.gate).
    """

    def __init__(self, db: Database, *, threads: int | None = None) -> None:
        self._db = db
        threads = (1 if db.is_sqlite else DEFAULT_THREADS) if threads is None else threads
        self._executor = (
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="openani-claims")
            if threads
            else None
        )
        self._group: GroupCommit[Claim, tuple[int, int] | None] = GroupCommit(
            self.write, executor=self._executor, max_in_flight=threads, inline=not threads
        )

    async def claim(self, claim: Claim) -> tuple[int, int] | None:
        """Count the dial and log it; None (nothing written) when a cap was already reached.

        Returns the number's counters after the claim: (dials today, dials this hour). Answers
        only after the transaction holding the claim has committed.
        """
        return await self._group.submit(claim)

    def close(self) -> None:
        """Stop the writer's threads once the claims in flight are written."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def write(self, claims: list[Claim]) -> list[ClaimOutcome]:
        """Write the claims, each outcome in the claim's position: its counters, None (at cap),
        or the error that failed that claim alone."""
        error: Exception | None = None
        for _attempt in range(BATCH_ATTEMPTS):
            try:
                return list(self.claim_all(claims))
            except Exception as exc:
                error = exc
                if not is_transient(self._db, exc):
                    break
        assert error is not None
        if len(claims) == 1:
            return [error]
        outcomes: list[ClaimOutcome] = []
        for claim in claims:
            outcomes.extend(self.write([claim]))
        return outcomes

    def claim_all(self, claims: list[Claim]) -> list[tuple[int, int] | None]:
        """Apply the claims in one transaction, in key order; results in the claims' order."""
        results: list[tuple[int, int] | None] = [None] * len(claims)
        logs: list[dict[str, Any]] = []
        assigned: dict[tuple[int, str, str, str], tuple[int, str | None]] = {}
        order = sorted(range(len(claims)), key=lambda i: (claims[i].company_id, claims[i].ani_id))
        with raw_transaction(self._db, urgent=True) as tx:
            for index in order:
                claim = claims[index]
                params = self._params(claim, tx)
                row = tx.fetchone(_CLAIM, params)
                if row is None:
                    continue
                results[index] = (int(row[0]), int(row[1]))
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
            "arm": claim.arm,
        }
