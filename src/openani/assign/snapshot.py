"""Each server process keeps what /dialer/next reads in memory, per company.

The inventory (ANIs, campaigns, company defaults) is loaded once and indexed into candidate
pools; the live counters are kept current from the answers of the database's own atomic claims.
Staleness is bounded: a change made through this process invalidates at once; a change made
through another process is noticed at the next version check (at most ``VERSION_CHECK_S``
later, and always before a request is refused for lack of an ANI).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TypeVar

from openani.candidates import candidate_of
from openani.clock import local_day_hour
from openani.lifecycle.status import SELECTABLE_STATUSES, effective_status
from openani.selection import Candidate, CandidatePool, Usage
from openani.selection.pool import Cell
from openani.store import selection as store
from openani.store.engine import Database
from openani.store.selection import CampaignConfig, CompanyDefaults, SelectableAni, UsageRow

VERSION_CHECK_S = 1.0
# Pools for distinct (group filter, caps) combinations; bounded so that a dialer sending ever
# new group lists cannot grow memory without limit.
MAX_POOLS_PER_COMPANY = 64

PoolKey = tuple[frozenset[str] | None, int | None, int | None]


class CellWinners:
    """The snapshot's ``CellWinnerMemo``: a cell's winner stays valid until a number of the
    cell's area code is counted (cells are keyed by area code, so that covers every number of
    the cell) or the counters are reloaded."""

    __slots__ = ("_area_changes", "_known")

    def __init__(self) -> None:
        self._known: dict[int, tuple[Cell, int, Candidate | None]] = {}
        self._area_changes: dict[str | None, int] = {}

    def winner(self, cell: Cell) -> tuple[bool, Candidate | None]:
        entry = self._known.get(id(cell))
        # ``is``: an id may be reused by a new cell once an old pool is gone.
        if entry is None or entry[0] is not cell:
            return False, None
        if entry[1] != self._area_changes.get(cell[0].area_code, 0):
            return False, None
        return True, entry[2]

    def remember(self, cell: Cell, winner: Candidate | None) -> None:
        self._known[id(cell)] = (cell, self._area_changes.get(cell[0].area_code, 0), winner)

    def counted(self, area_code: str | None) -> None:
        self._area_changes[area_code] = self._area_changes.get(area_code, 0) + 1

    def clear(self) -> None:
        self._known.clear()


@dataclass(slots=True)
class CompanySnapshot:
    company_id: int
    defaults: CompanyDefaults
    campaigns: dict[str, CampaignConfig]
    anis: list[SelectableAni]  # active at load time
    paused_anis: list[SelectableAni]
    # When the earliest timed pause ends: the snapshot must be rebuilt then.
    next_change_at: datetime | None
    checked_at: float
    day: str = ""
    hour: str = ""
    usage: dict[int, Usage] = field(default_factory=dict)
    pools: dict[PoolKey, CandidatePool] = field(default_factory=dict)
    groups: dict[frozenset[str] | None, int] = field(default_factory=dict)
    winners: CellWinners = field(default_factory=CellWinners)
    # Which area code's remembered winner a counted dial invalidates.
    area_of: dict[int, str | None] = field(init=False)

    def __post_init__(self) -> None:
        self.area_of = {a.id: a.area_code for a in self.anis}

    def pool(self, groups: frozenset[str] | None, campaign: CampaignConfig) -> CandidatePool:
        key: PoolKey = (groups, campaign.daily_cap, campaign.hourly_cap)
        found = self.pools.get(key)
        if found is None:
            if len(self.pools) >= MAX_POOLS_PER_COMPANY:
                self.pools.clear()
                self.winners.clear()
            found = self.pools[key] = CandidatePool(self._candidates(groups, campaign))
        return found

    def _candidates(
        self, groups: frozenset[str] | None, campaign: CampaignConfig
    ) -> Iterable[Candidate]:
        defaults = self.defaults
        # The most specific cap wins: the number's own, then the campaign's, then the company's.
        daily = campaign.daily_cap if campaign.daily_cap is not None else defaults.daily_cap
        hourly = campaign.hourly_cap if campaign.hourly_cap is not None else defaults.hourly_cap
        for ani in self.anis:
            if groups is not None and ani.inbound_group_id not in groups:
                continue
            yield candidate_of(
                ani,
                daily_cap=ani.daily_cap if ani.daily_cap is not None else daily,
                hourly_cap=ani.hourly_cap if ani.hourly_cap is not None else hourly,
            )

    def roll_to(self, day: str, hour: str, load: Callable[[], list[UsageRow]]) -> None:
        """Move the counters to the current day and hour, reloading them when either changed."""
        if day == self.day and hour == self.hour:
            return
        self.day, self.hour = day, hour
        self.usage = {}
        self.winners.clear()
        for row in load():
            self.absorb(
                row.ani_id,
                row.day,
                row.dials_today,
                row.hour,
                row.dials_this_hour,
                row.last_assigned_at,
            )

    def capped(self, ani_id: int, daily_cap: int, hourly_cap: int | None) -> None:
        """The database refused a claim of the number: it is at its daily cap or at its hourly
        cap (which, the refusal does not say). Counted at both until the hour's roll-over
        reloads the counters: right either way for the rest of the hour, and read without a
        second look at the database, which a claim still being written could make stale."""
        usage = self.usage.get(ani_id)
        if usage is None:
            usage = self.usage[ani_id] = Usage()
        usage.dials_today = max(usage.dials_today, daily_cap)
        if hourly_cap is not None:
            usage.dials_this_hour = max(usage.dials_this_hour, hourly_cap)

    def reserve(self, ani_id: int, now: datetime) -> None:
        self.winners.counted(self.area_of.get(ani_id))
        usage = self.usage.get(ani_id)
        if usage is None:
            usage = self.usage[ani_id] = Usage()
        usage.dials_today += 1
        usage.dials_this_hour += 1
        usage.last_assigned_at = now.timestamp()

    def absorb(
        self,
        ani_id: int,
        day: str,
        dials_today: int,
        hour: str,
        dials_this_hour: int,
        last_assigned_at: datetime,
    ) -> None:
        self.winners.counted(self.area_of.get(ani_id))
        usage = self.usage.get(ani_id)
        if usage is None:
            usage = self.usage[ani_id] = Usage()
        # Counters of a later day or hour than this process's (the company's time zone moved
        # back) still count: the claim keeps adding to them rather than starting again.
        usage.dials_today = dials_today if day >= self.day else 0
        usage.dials_this_hour = dials_this_hour if hour >= self.hour else 0
        usage.last_assigned_at = last_assigned_at.timestamp()


# The database reads of /dialer/next (snapshot checks and reloads, counter refreshes, the sticky
# number) have threads of their own: long jobs in the default executor (learner fits, health
# checks) never make a call wait for one.
T = TypeVar("T")
_READERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="openani-next")


async def off_loop(call: Callable[[], T]) -> T:
    """``call()`` in one of /dialer/next's reader threads."""
    return await asyncio.get_running_loop().run_in_executor(_READERS, call)


class SnapshotCache:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._snapshots: dict[int, CompanySnapshot] = {}

    def invalidate(self, company_id: int) -> None:
        self._snapshots.pop(company_id, None)

    def fresh(self, company_id: int, now: datetime) -> CompanySnapshot | None:
        """The company's snapshot when serving ``now`` from it needs no database read (no
        version check due, no pause ending, the same day and hour); else None."""
        snapshot = self._snapshots.get(company_id)
        if (
            snapshot is None
            or (snapshot.next_change_at is not None and now >= snapshot.next_change_at)
            or time.monotonic() - snapshot.checked_at > VERSION_CHECK_S
        ):
            return None
        if local_day_hour(now, snapshot.defaults.time_zone) != (snapshot.day, snapshot.hour):
            return None
        return snapshot

    async def current(
        self, company_id: int, now: datetime, *, force_check: bool = False
    ) -> CompanySnapshot:
        """As ``get``, for the event loop: served from memory when it can be, else the
        database is read in a worker thread (a check, a reload of thousands of numbers)."""
        if not force_check and (snapshot := self.fresh(company_id, now)) is not None:
            return snapshot
        return await off_loop(partial(self.get, company_id, now, force_check=force_check))

    def get(self, company_id: int, now: datetime, *, force_check: bool = False) -> CompanySnapshot:
        snapshot = self._snapshots.get(company_id)
        clock = time.monotonic()
        if snapshot is not None and (
            snapshot.next_change_at is not None and now >= snapshot.next_change_at
        ):
            snapshot = None
        if snapshot is not None and (force_check or clock - snapshot.checked_at > VERSION_CHECK_S):
            with self._db.read() as conn:
                version = store.inventory_version(conn, company_id)
            if version == snapshot.defaults.inventory_version:
                snapshot.checked_at = clock
            else:
                snapshot = None
        if snapshot is None:
            snapshot = self._load(company_id, now, clock)
            self._snapshots[company_id] = snapshot
        day, hour = local_day_hour(now, snapshot.defaults.time_zone)
        snapshot.roll_to(day, hour, lambda: self._usage(company_id))
        return snapshot

    def _usage(self, company_id: int) -> list[UsageRow]:
        with self._db.read() as conn:
            return store.usage_rows(conn, company_id)

    def _load(self, company_id: int, now: datetime, clock: float) -> CompanySnapshot:
        with self._db.read() as conn:
            defaults = store.company_defaults(conn, company_id)
            campaigns = store.campaign_configs(conn, company_id)
            anis = store.selectable_anis(conn, company_id)
        active: list[SelectableAni] = []
        paused: list[SelectableAni] = []
        for ani in anis:
            status = effective_status(ani.status, ani.paused_until, now)
            (active if status in SELECTABLE_STATUSES else paused).append(ani)
        pause_ends = [a.paused_until for a in paused if a.paused_until is not None]
        return CompanySnapshot(
            company_id=company_id,
            defaults=defaults,
            campaigns={c.ext_id: c for c in campaigns},
            anis=active,
            paused_anis=paused,
            next_change_at=min(pause_ends) if pause_ends else None,
            checked_at=clock,
        )
