"""The learner's inputs, read from the daily statistics, and the models fitted from them.

Dial results are counted per number and prospect area code per day (``ani_area`` in
``daily_stats``) by whichever process ingests them, so each server process refits its own model
from the database every ``REFIT_S`` seconds rather than hearing about each result. A refit reads
``WINDOW_DAYS`` days of rows for one company, once a minute per company, in a worker thread (its
cost grows with numbers x areas they call: seconds for a large inventory), while /dialer/next goes
on with the previous model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from openani.candidates import candidate_of
from openani.clock import local_day, local_day_hour
from openani.geo import overlays_of, state_of_area_code
from openani.lifecycle.status import DETECTOR_ACTOR
from openani.observability.metrics import timed
from openani.selection import Candidate, Prospect
from openani.selection.burn import BurnParams, BurnSignal, detect_burned
from openani.selection.capacity import healthy_volumes
from openani.selection.learner import ContactModel, DayTally, LearnerParams, fit, local_area_codes
from openani.stats.keys import split_ani_area_key
from openani.store import daily_stats
from openani.store import learning as store
from openani.store import selection as selection_store
from openani.store.engine import Database
from openani.store.selection import SelectableAni

REFIT_S = 60.0
WINDOW_DAYS = 14  # older evidence weighs under 5% at the default day_discount of 0.8


@lru_cache(maxsize=4096)
def _area_facts(npa: str) -> tuple[frozenset[str], str | None]:
    state = state_of_area_code(npa)
    return local_area_codes(Prospect("+1", npa, state), overlays_of(npa)), state


@dataclass(frozen=True, slots=True)
class Evidence:
    tallies: list[DayTally]
    numbers: dict[int, Candidate]
    areas_local: dict[str | None, frozenset[str]]
    area_states: dict[str | None, str | None]
    flagged_at: dict[int, int]  # ani_id -> age in days of its latest detector flag

    def daily_dials(self) -> dict[int, dict[int, int]]:
        """Age in days -> ani_id -> dials that day (over every prospect area)."""
        out: dict[int, dict[int, int]] = {}
        for t in self.tallies:
            day = out.setdefault(t.age_days, {})
            day[t.ani_id] = day.get(t.ani_id, 0) + t.dials
        return out


def _candidates(rows: Iterable[SelectableAni]) -> dict[int, Candidate]:
    # Only the facts the learner reads matter here; caps are applied by the selection pool.
    return {a.id: candidate_of(a, daily_cap=0, hourly_cap=None) for a in rows}


def tallies_from_rows(
    rows: Iterable[tuple[str, str, int, int]], today: str, ids: Mapping[str, int]
) -> list[DayTally]:
    """Stats rows -> tallies aged against the company's local ``today``; unknown numbers drop."""
    day0 = date.fromisoformat(today)
    out: list[DayTally] = []
    for day, key, dials, contacts in rows:
        number, area = split_ani_area_key(key)
        ani_id = ids.get(number)
        if ani_id is None:
            continue
        age = (day0 - date.fromisoformat(day)).days
        out.append(DayTally(max(age, 0), ani_id, area or None, dials, contacts))
    return out


class LearningService:
    def __init__(
        self,
        db: Database,
        params: LearnerParams | None = None,
        burn: BurnParams | None = None,
    ) -> None:
        self._db = db
        self.params = params or LearnerParams()
        self.burn = burn or BurnParams()
        self._models: dict[int, tuple[float, str, ContactModel]] = {}
        self._refitting: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # referenced until done (asyncio needs it)

    def model(self, company_id: int, time_zone: str, now: datetime) -> ContactModel:
        """The company's model, refitted when older than ``REFIT_S`` or from another day."""
        today, _ = local_day_hour(now, time_zone)
        cached = self._models.get(company_id)
        if cached is not None and cached[1] == today and time.monotonic() - cached[0] < REFIT_S:
            return cached[2]
        return self._refit(company_id, today, time_zone)

    async def current(self, company_id: int, time_zone: str, now: datetime) -> ContactModel:
        """As ``model``, for the event loop: a refit (seconds for a large inventory) runs in a
        worker thread. While it runs, calls of the same day keep the previous model; the first
        call of a day (or of the process) waits for its fit, without blocking other requests."""
        today, _ = local_day_hour(now, time_zone)
        cached = self._models.get(company_id)
        if cached is not None and cached[1] == today:
            stale = time.monotonic() - cached[0] >= REFIT_S
            if stale and company_id not in self._refitting:
                self._refitting.add(company_id)
                task = asyncio.create_task(self._refit_in_thread(company_id, today, time_zone))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return cached[2]
        return await asyncio.to_thread(self._refit, company_id, today, time_zone)

    async def _refit_in_thread(self, company_id: int, today: str, time_zone: str) -> None:
        try:
            await asyncio.to_thread(self._refit, company_id, today, time_zone)
        finally:
            self._refitting.discard(company_id)

    def _refit(self, company_id: int, today: str, time_zone: str) -> ContactModel:
        with timed("learner_refit"):
            return self._refit_now(company_id, today, time_zone)

    def _refit_now(self, company_id: int, today: str, time_zone: str) -> ContactModel:
        e = self.evidence(company_id, today, time_zone)
        p = self.params
        volumes = healthy_volumes(
            e.daily_dials(),
            e.flagged_at,
            base=p.healthy_daily,
            step=p.volume_step,
            backoff=p.volume_backoff,
        )
        model = fit(e.tallies, e.numbers, e.areas_local, e.area_states, p, volumes)
        signals = detect_burned(e.tallies, e.numbers, e.areas_local, e.area_states, p, self.burn)
        model = replace(model, suspects=frozenset(s.ani_id for s in signals))
        cached = self._models.get(company_id)
        if cached is None or cached[1] <= today:  # a late refit never replaces a newer day's
            self._models[company_id] = (time.monotonic(), today, model)
        return model

    def forget(self, company_id: int) -> None:
        self._models.pop(company_id, None)

    def detect(
        self, company_id: int, time_zone: str, now: datetime
    ) -> tuple[int, list[BurnSignal]]:
        """(numbers with recent calls checked, signals) for the burned-number check."""
        today, _ = local_day_hour(now, time_zone)
        e = self.evidence(company_id, today, time_zone)
        window = max(self.burn.windows)
        checked = len({t.ani_id for t in e.tallies if t.age_days <= window})
        signals = detect_burned(
            e.tallies, e.numbers, e.areas_local, e.area_states, self.params, self.burn
        )
        return checked, signals

    def evidence(self, company_id: int, today: str, time_zone: str) -> Evidence:
        day0 = date.fromisoformat(today)
        since = (day0 - timedelta(days=WINDOW_DAYS)).isoformat()
        # A day and a half more than the window, so that no time zone leaves a flag out.
        flagged_since = datetime.combine(day0, datetime.min.time(), UTC) - timedelta(
            days=WINDOW_DAYS + 1.5
        )
        with self._db.read() as conn:
            anis = selection_store.selectable_anis(conn, company_id)
            rows = daily_stats.ani_area_days(conn, company_id, since)
            flags = store.flags_since(conn, company_id, DETECTOR_ACTOR, flagged_since)
        numbers = _candidates(anis)
        # Statistics name a number with its country code, as dial results carry it.
        tallies = tallies_from_rows(rows, today, {a.country_code + a.number: a.id for a in anis})
        areas_local: dict[str | None, frozenset[str]] = {}
        area_states: dict[str | None, str | None] = {}
        for t in tallies:
            if t.area_code is not None and t.area_code not in areas_local:
                areas_local[t.area_code], area_states[t.area_code] = _area_facts(t.area_code)
        flagged_at: dict[int, int] = {}
        for ani_id, at in flags:  # oldest first: the latest flag of a number wins
            age = (day0 - date.fromisoformat(local_day(at, time_zone))).days
            if 0 <= age <= WINDOW_DAYS:
                flagged_at[ani_id] = age
        return Evidence(tallies, numbers, areas_local, area_states, flagged_at)
