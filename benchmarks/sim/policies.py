"""Caller-ID policies for the simulator: baselines, the product's strategies and the oracle.

A policy sees what a real service would see (the prospect, the clock, its own counters and the
outcomes it is told about) except the oracle, which reads the world's hidden state. Policies that
exist in the product (local-presence LRU, the learner behind ``auto``) call the pure core
``openani.selection.choose_ani`` rather than re-implementing it.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import replace
from functools import lru_cache

from openani.geo import nearest_area_codes, overlays_of
from openani.selection import (
    AssignmentType,
    Candidate,
    CandidatePool,
    Choice,
    SelectionOptions,
    Usage,
    choose_ani,
)
from openani.selection.burn import BurnParams, detect_burned
from openani.selection.capacity import healthy_volumes
from openani.selection.learner import DayTally, LearnerParams, fit, local_area_codes

from .world import Ani, Region, Reputation, World

UNCAPPED = 10**9


class CachedAreas:
    """``AreaCodeMap`` over the real geo tables, memoised: the simulator asks the same few
    questions millions of times, and the answers never change."""

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per run, the cache is meant to live
    def overlays_of(self, npa: str) -> tuple[str, ...]:
        return overlays_of(npa)

    @lru_cache(maxsize=4096)  # noqa: B019
    def nearest_to(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, float]]:
        return nearest_area_codes(lat, lon, radius_km)


class Policy:
    """Base: ``choose`` returns an ani_id; ``observe`` is told the outcome of that call."""

    name = "policy"

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.ids = sorted(world.by_id)
        # (day, ani_id) each time the policy starts keeping a number out of rotation because it
        # believes it labelled; the simulator scores these against the hidden labels.
        self.flags: list[tuple[int, int]] = []

    def start_day(self, day: int) -> None:
        pass

    def start_hour(self, hour: int) -> None:
        pass

    def choose(self, prospect: Region, day: int, t: float) -> int:
        raise NotImplementedError

    def observe(self, ani_id: int, answered: bool) -> None:
        pass


class RandomPolicy(Policy):
    name = "random"

    def choose(self, prospect: Region, day: int, t: float) -> int:
        return self.ids[int(self.rng.random() * len(self.ids))]


class RoundRobinPolicy(Policy):
    name = "round_robin"

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self._i = 0

    def choose(self, prospect: Region, day: int, t: float) -> int:
        a = self.ids[self._i]
        self._i = (self._i + 1) % len(self.ids)
        return a


def candidates(world: World, daily_cap: int, hourly_cap: int | None = None) -> list[Candidate]:
    return [
        Candidate(
            ani_id=a.ani_id,
            number=a.number,
            country_code="+1",
            area_code=a.npa,
            state=a.state,
            toll_free=a.toll_free,
            branded=False,
            daily_cap=daily_cap,
            hourly_cap=hourly_cap,
        )
        for a in world.anis
    ]


class CorePolicy(Policy):
    """Delegates to ``choose_ani`` and keeps the ``Usage`` counters the service would keep."""

    assignment_type: AssignmentType = "area_code"
    daily_cap = UNCAPPED
    hourly_cap: int | None = None

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self.pool = CandidatePool(candidates(world, self.daily_cap, self.hourly_cap))
        self.usage: dict[int, Usage] = {}
        self.options = SelectionOptions(assignment_type=self.assignment_type)
        self.areas = CachedAreas()
        self.fallbacks = 0

    def start_day(self, day: int) -> None:
        for u in self.usage.values():
            u.dials_today = 0
            u.dials_this_hour = 0

    def start_hour(self, hour: int) -> None:
        for u in self.usage.values():
            u.dials_this_hour = 0

    def choose(self, prospect: Region, day: int, t: float) -> int:
        choice = choose_ani(
            prospect.prospect, self.pool, self.usage, self.options, areas=self.areas, rng=self.rng
        )
        if not isinstance(choice, Choice):  # pragma: no cover - soft caps always choose
            raise RuntimeError(choice.reason)
        a = choice.candidate.ani_id
        u = self.usage.get(a)
        if u is None:
            u = self.usage[a] = Usage()
        u.dials_today += 1
        u.dials_this_hour += 1
        u.last_assigned_at = t
        return a


class LocalLruPolicy(CorePolicy):
    """VICIdial-style AREACODE group: same area code, least recently used; no caps."""

    name = "local_lru"
    assignment_type = "area_code"


class AreaCodePolicy(CorePolicy):
    """The plain local-presence rule as a dialer runs it: the product's ``area_code`` strategy
    under the default daily cap (75), with no burned-number automation. The family's baseline."""

    name = "area_code"
    assignment_type = "area_code"
    daily_cap = 75


class LearnerPolicy(CorePolicy):
    """The product's default: ``auto`` with the default burned-number automation (recommend).

    Every simulated hour the model is refitted from the day tallies (the service refits from its
    statistics on a timer) and the detector runs; its suspects are taken last within their
    ladder level. With ``automation = "auto"`` flagged numbers also rest for ``rest_days``
    unless ``max_resting_share`` of the pool already rests, come back on probation and are
    watched.
    """

    name = "learner"
    assignment_type = "auto"
    automation = "recommend"
    daily_cap = 75  # the company default
    window_days = 14  # tallies older than this are not read (their weight is < 5%)
    rest_days = 7
    max_resting_share = 0.2
    probation_days = 3

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self.params = LearnerParams(warmup_days=0)  # the simulated pool is already in service
        self.burn = BurnParams()
        self.numbers = {c.ani_id: c for c in self.pool}
        areas = self.areas
        self.areas_local: dict[str | None, frozenset[str]] = {
            r.npa: local_area_codes(r.prospect, areas.overlays_of(r.npa)) for r in world.regions
        }
        self.area_states: dict[str | None, str | None] = {r.npa: r.state for r in world.regions}
        self.tallies: dict[tuple[int, int, str], list[int]] = {}
        self.day = 0
        self.resting: dict[int, int] = {}  # ani_id -> first day back
        self.probation: dict[int, int] = {}  # ani_id -> day it came back
        self.rests = 0
        self.flagged_on: dict[int, int] = {}  # ani_id -> day of its latest rest
        self.volumes: dict[int, int] = {}
        self.suspects: frozenset[int] = frozenset()
        self._last: tuple[int, str] | None = None

    def start_day(self, day: int) -> None:
        super().start_day(day)
        self.day = day
        for a, back in list(self.resting.items()):
            if back <= day:
                del self.resting[a]
                self.probation[a] = day
        for a, since in list(self.probation.items()):
            if day - since >= self.probation_days:
                del self.probation[a]
        old = day - self.window_days
        for key in [k for k in self.tallies if k[0] < old]:
            del self.tallies[key]
        self.flagged_on = {a: d for a, d in self.flagged_on.items() if d >= old}
        daily: dict[int, dict[int, int]] = {}
        for (d, a, _npa), (dials, _contacts) in self.tallies.items():
            per_day = daily.setdefault(day - d, {})
            per_day[a] = per_day.get(a, 0) + dials
        p = self.params
        self.volumes = healthy_volumes(
            daily,
            {a: day - d for a, d in self.flagged_on.items()},
            base=p.healthy_daily,
            step=p.volume_step,
            backoff=p.volume_backoff,
        )
        self._refresh()

    def start_hour(self, hour: int) -> None:
        super().start_hour(hour)
        self._refresh()

    def _refresh(self) -> None:
        rows = [
            DayTally(self.day - d, a, npa, v[0], v[1]) for (d, a, npa), v in self.tallies.items()
        ]
        signals = detect_burned(
            rows, self.numbers, self.areas_local, self.area_states, self.params, self.burn
        )
        model = fit(
            rows, self.numbers, self.areas_local, self.area_states, self.params, self.volumes
        )
        suspects = frozenset(s.ani_id for s in signals)
        for a in suspects - self.suspects:
            if a not in self.resting:
                self.flags.append((self.day, a))
        self.suspects = suspects
        self.options = replace(self.options, model=replace(model, suspects=suspects))
        if self.automation != "auto":
            return
        limit = int(self.max_resting_share * len(self.numbers))
        rested = False
        for s in signals:
            if s.ani_id in self.resting or len(self.resting) >= limit:
                continue
            self.resting[s.ani_id] = self.day + self.rest_days
            self.flagged_on[s.ani_id] = self.day
            self.probation.pop(s.ani_id, None)
            self.rests += 1
            rested = True
        if rested or len(self.pool) != len(self.numbers) - len(self.resting):
            resting = self.resting
            self.pool = CandidatePool(c for c in self.numbers.values() if c.ani_id not in resting)

    def choose(self, prospect: Region, day: int, t: float) -> int:
        a = super().choose(prospect, day, t)
        self._last = (a, prospect.npa)
        return a

    def observe(self, ani_id: int, answered: bool) -> None:
        assert self._last is not None and self._last[0] == ani_id
        key = (self.day, ani_id, self._last[1])
        row = self.tallies.get(key)
        if row is None:
            row = self.tallies[key] = [0, 0]
        row[0] += 1
        row[1] += answered


class RestingLearnerPolicy(LearnerPolicy):
    """``auto`` with ``automation = "auto"``: flagged numbers are rested, not only taken last."""

    name = "learner_rest"
    automation = "auto"


class HighestRatePolicy(LearnerPolicy):
    """The product's ``highest_contact_rate``: the learner ranks every number (see learner.py)."""

    name = "highest_rate"
    assignment_type = "highest_contact_rate"


class GreedyBestPolicy(Policy):
    """Highest observed contact rate over the whole pool (Beta(3, 17) prior), no load awareness."""

    name = "greedy_best"
    prior_contacts = 3.0
    prior_dials = 20.0

    def __init__(self, world: World, rng: random.Random) -> None:
        super().__init__(world, rng)
        self.dials = dict.fromkeys(self.ids, 0)
        self.contacts = dict.fromkeys(self.ids, 0)
        self.version = dict.fromkeys(self.ids, 0)
        p = self.prior_contacts / self.prior_dials
        # Max-heap with lazy deletion: (-estimate, -ani_id... ) entries go stale on update.
        self.heap: list[tuple[float, int, int]] = [(-p, a, 0) for a in self.ids]
        heapq.heapify(self.heap)

    def _estimate(self, a: int) -> float:
        return (self.contacts[a] + self.prior_contacts) / (self.dials[a] + self.prior_dials)

    def choose(self, prospect: Region, day: int, t: float) -> int:
        heap = self.heap
        while True:
            _, a, v = heap[0]
            if v == self.version[a]:
                return a
            heapq.heappop(heap)

    def observe(self, ani_id: int, answered: bool) -> None:
        self.dials[ani_id] += 1
        if answered:
            self.contacts[ani_id] += 1
        v = self.version[ani_id] + 1
        self.version[ani_id] = v
        heapq.heappush(self.heap, (-self._estimate(ani_id), ani_id, v))


class OraclePolicy(Policy):
    """Knows the hidden model (the reference, a strong heuristic rather than a proven optimum).

    1. The clean number with the highest true answer probability that is below its threshold;
       labelled numbers are left alone so that they rest and recover.
    2. When every clean number is at its threshold, overflow goes to the best labelled number:
       it is burned already, so more volume costs nothing but its rest.
    3. With nothing labelled either, one number is sacrificed: the one that will still be
       best once labelled (highest score x penalty); it becomes the overflow number of step 2.
    """

    name = "oracle"

    def __init__(self, world: World, rng: random.Random, reputation: Reputation) -> None:
        super().__init__(world, rng)
        self.rep = reputation
        self.ranked: dict[str, list[tuple[float, Ani]]] = {}
        for r in world.regions:
            rows = [(world.static_score(a, r), a) for a in world.anis]
            rows.sort(key=lambda x: (-x[0], x[1].ani_id))
            self.ranked[r.npa] = rows

    def choose(self, prospect: Region, day: int, t: float) -> int:
        dials = self.rep.dials_today
        labelled = self.rep.labelled
        rows = self.ranked[prospect.npa]
        for _, a in rows:  # sorted by clean score, so the first usable one is the best
            if a.ani_id not in labelled and dials[a.ani_id] < a.threshold:
                return a.ani_id
        best: Ani | None = None
        best_score = -1.0
        for score, a in rows:
            if score <= best_score:
                break
            if (a.ani_id in labelled or not labelled) and score * a.penalty > best_score:
                best, best_score = a, score * a.penalty
        assert best is not None
        return best.ani_id


class HealthyOraclePolicy(OraclePolicy):
    """Knows every number's true answer probability but not its threshold: the best any learner
    can do at the healthy volume (50 dials a day), with perfect estimates and no labelling risk.

    It separates the two parts of the gap to the oracle: what estimation costs (learner vs this)
    and what not knowing thresholds costs (this vs the oracle), which no policy can learn
    without getting numbers labelled.
    """

    name = "oracle_healthy"
    healthy_daily = 50

    def choose(self, prospect: Region, day: int, t: float) -> int:
        dials = self.rep.dials_today
        rows = self.ranked[prospect.npa]
        for _, a in rows:
            if a.ani_id not in self.rep.labelled and dials[a.ani_id] < self.healthy_daily:
                return a.ani_id
        return min(rows, key=lambda r: (dials[r[1].ani_id], -r[0]))[1].ani_id


class ProbingOraclePolicy(HealthyOraclePolicy):
    """Knows every true answer probability but has to find each threshold by crossing it.

    The best case for any learner that raises volume to discover capacity: each number starts at
    the healthy volume; a number that filled its cap yesterday without being labelled gets
    ``step`` more dials today; a label is noticed after only ``notice_dials`` labelled dials (a
    real detector needs days at these volumes), the number rests ``rest_days`` and comes back
    capped just under the volume at which it was labelled. Its labelled share is what threshold
    discovery costs even with perfect estimates and near-instant detection, so it bounds what
    any learner can gain over ``oracle_healthy`` within the labelled-share target.
    """

    name = "oracle_probe"
    step = 2  # as the learner; 5 a day costs 2 points, 10 a day 13 (labels, then rests)
    notice_dials = 20
    rest_days = 7
    backoff = 0.9
    max_cap = LearnerPolicy.daily_cap  # the hard cap the learner runs under

    def __init__(self, world: World, rng: random.Random, reputation: Reputation) -> None:
        super().__init__(world, rng, reputation)
        self.cap = dict.fromkeys(world.by_id, self.healthy_daily)
        self.labelled_dials = dict.fromkeys(world.by_id, 0)
        self.label_level: dict[int, int] = {}  # dials of the day when the label came
        self.resting: dict[int, int] = {}  # ani_id -> first day back
        self.today = dict.fromkeys(world.by_id, 0)
        self.found: set[int] = set()  # numbers whose capacity a label has shown: probed no more
        self.day = 0

    def start_day(self, day: int) -> None:
        for a in self.rep.labelled:  # labelled after yesterday's last hour, or by today's wave
            self.label_level.setdefault(a, self.today[a])
        for a, cap in self.cap.items():
            if a not in self.found and self.today[a] >= cap:
                self.cap[a] = min(cap + self.step, self.max_cap)
        self.resting = {a: back for a, back in self.resting.items() if back > day}
        self.today = dict.fromkeys(self.today, 0)
        self.day = day

    def start_hour(self, hour: int) -> None:
        for a in self.rep.labelled:
            self.label_level.setdefault(a, self.today[a])

    def choose(self, prospect: Region, day: int, t: float) -> int:
        dials = self.today
        rows = self.ranked[prospect.npa]
        for _, a in rows:
            i = a.ani_id
            if i not in self.resting and dials[i] < self.cap[i]:
                return i
        # Overflow goes to the number least over its cap, never to a resting one (a dial would
        # break its rest); only with every number resting does a resting number take it.
        awake = [r for r in rows if r[1].ani_id not in self.resting] or rows
        return min(awake, key=lambda r: (dials[r[1].ani_id] - self.cap[r[1].ani_id], -r[0]))[
            1
        ].ani_id

    def observe(self, ani_id: int, answered: bool) -> None:
        self.today[ani_id] += 1
        if ani_id not in self.rep.labelled or ani_id in self.resting:
            return
        self.labelled_dials[ani_id] += 1
        if self.labelled_dials[ani_id] < self.notice_dials:
            return
        self.labelled_dials[ani_id] = 0
        level = self.label_level.pop(ani_id, self.cap[ani_id])
        # A label that came below the healthy volume (a wave) says nothing about capacity.
        backed_off = max(self.healthy_daily, round(self.backoff * level))
        self.cap[ani_id] = min(self.cap[ani_id], backed_off)
        self.found.add(ani_id)
        self.resting[ani_id] = self.day + self.rest_days


POLICIES: dict[str, type[Policy]] = {
    "random": RandomPolicy,
    "round_robin": RoundRobinPolicy,
    "local_lru": LocalLruPolicy,
    "area_code": AreaCodePolicy,
    "greedy_best": GreedyBestPolicy,
    "learner": LearnerPolicy,
    "learner_rest": RestingLearnerPolicy,
    "highest_rate": HighestRatePolicy,
    "oracle_healthy": HealthyOraclePolicy,
    "oracle_probe": ProbingOraclePolicy,
    "oracle": OraclePolicy,
}


def make_policy(name: str, world: World, reputation: Reputation, seed: int) -> Policy:
    rng = random.Random(f"{seed}:policy:{name}")
    cls = POLICIES[name]
    if issubclass(cls, OraclePolicy):
        return cls(world, rng, reputation)
    return cls(world, rng)
