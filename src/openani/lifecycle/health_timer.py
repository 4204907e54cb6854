"""Burned-number checks on a timer, so automation does not wait for someone to ask.

Each server process runs its own timer; with several workers a company may be checked a few
times per period. That is harmless: a check that finds a number already resting leaves it, and
every status change is one transaction against the rows it read.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime

from openani.lifecycle.health import AniHealthService
from openani.observability.metrics import timed
from openani.store import companies as company_store
from openani.store.engine import Database

log = logging.getLogger("openani.health")


def check_all(db: Database, health: AniHealthService, now: datetime) -> int:
    """Check every company once; the number of status changes made."""
    with db.read() as conn:
        companies = company_store.all_companies(conn)
    changes = 0
    for company in companies:
        try:
            changes += len(health.check(company, now).changes)
        except Exception:  # one company's bad data must not stop the others' checks
            log.exception("burned-number check failed for company %s", company.id)
    return changes


async def run_periodically(db: Database, health: AniHealthService, interval_s: float) -> None:
    # A random first delay spreads the checks of several worker processes over the period.
    await asyncio.sleep(random.uniform(0.5, 1.0) * interval_s)
    while True:
        with timed("burn_check"):
            # Seconds of work for a large inventory: in a thread, so the event loop keeps
            # answering /dialer/next meanwhile.
            changes = await asyncio.to_thread(check_all, db, health, datetime.now(UTC))
        if changes:
            log.info("burned-number check: %d status changes", changes)
        await asyncio.sleep(interval_s)
