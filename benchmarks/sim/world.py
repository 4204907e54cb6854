"""A seeded, deterministic world of outbound calls for comparing caller-ID policies.

Static facts (regions, ANIs, hidden per-number reputation parameters) live in ``World``, built
from a seed and a ``Scenario``. Everything that changes during a run (labels, daily counters,
rest streaks) lives in ``Reputation``, created fresh for every policy run, so that each policy
faces the same world and, through common random numbers, the same prospects and the same
answer draws.

Model, per call to a prospect in area code ``p`` from number ``a``::

    P(answer) = base[p] * local(a, p) * quality[a] * (penalty[a] if a is labelled else 1)

- ``base``: per region; ``local``: ``lift[p]`` for the same area code (some regions have none),
  part of it for the same state, a fixed factor for toll-free numbers.
- Reputation: each number has a hidden daily threshold (its carrier tolerance). At each hour's
  end a number over its threshold is labelled with probability ``1 - exp(-h * (d / T - 1))``, so
  the risk grows with the excess and with the time spent over it. A label multiplies the answer
  probability by ``penalty`` and clears only after ``rest_days`` consecutive business days with at
  most ``REST_MAX_DIALS`` dials.

Every range above is a field of ``Scenario``. The named scenarios keep the ranges the simulator
started with; ``draw_scenario`` draws whole worlds from much wider ranges (the *family*), so a
policy can be judged on worlds nobody looked at while writing it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

from openani.geo import all_area_codes
from openani.selection import Prospect

HOURS_PER_DAY = 10  # calling hours of a business day
SECONDS_PER_DAY = 86_400.0
REST_MAX_DIALS = 3  # a day with at most this many dials counts as rest
TOLL_FREE_NPAS = ("800", "833", "844", "855", "866", "877", "888")
INVENTORY_UNIT = 50  # dials a day per number, the unit in which a family world's inventory is sized
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
    ]
)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One experimental condition; sizes default to the issue's target scale."""

    name: str
    days: int = 30
    calls_per_day: int = 10_000
    n_regions: int = 40
    n_anis: int = 250
    n_toll_free: int = 4
    local_effect: bool = True
    wave_day: int | None = None  # a labelling wave hits ``wave_share`` of numbers on this day
    wave_share: float = 0.2
    skew: float = 1.0  # Zipf exponent of prospect volume over regions
    base_range: tuple[float, float] = (0.05, 0.30)  # answer rate of a neutral number, per region
    lift_range: tuple[float, float] = (1.1, 2.0)  # same-area-code lift, where there is one
    lift_share: float = 0.7  # share of regions where local presence lifts answers at all
    state_lift_share: float = 0.5  # part of the lift a same-state number gets
    toll_free_factor: float = 0.6
    quality_range: tuple[float, float] = (0.75, 1.25)  # hidden per-number multiplier
    tolerance_mean: float = 100.0  # carrier tolerance: dials a day before labelling risk starts
    tolerance_sd: float = 25.0
    tolerance_range: tuple[float, float] = (50.0, 150.0)
    penalty_range: tuple[float, float] = (0.2, 0.5)  # answer multiplier while labelled
    rest_range: tuple[int, int] = (2, 7)  # quiet business days a label needs to clear
    label_hazard: float = 0.5
    allocation_exponent: float = 0.7  # numbers per region follow volume ** this
    uncovered_share: float = 0.0  # share of prospect volume in regions without a local number
    prelabelled_share: float = 0.0  # share of numbers already labelled on day 0


def scenarios(days: int = 30, calls_per_day: int = 10_000) -> dict[str, Scenario]:
    """The standard scenarios; the pool scales with volume so smaller runs keep the same load."""
    scale = calls_per_day / 10_000
    n_anis = max(12, round(250 * scale))
    base = Scenario("baseline", days=days, calls_per_day=calls_per_day, n_anis=n_anis)
    # No "small pool" scenario: at 140 dials per number per day every number is past its
    # threshold, so even the oracle puts ~28% of calls on labelled numbers. That is a
    # capacity problem to report (buy numbers), not a selection problem to score.
    return {
        "baseline": base,
        "no_local": replace(base, name="no_local", local_effect=False),
        "wave": replace(base, name="wave", wave_day=min(10, days // 3)),
        # A few metro areas take most prospects, so their local numbers run out first.
        "metro_skew": replace(base, name="metro_skew", skew=1.6),
    }


def _loguniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw_scenario(index: int, days: int = 20, calls_per_day: int = 3_000) -> Scenario:
    """World ``index`` of the family: every hidden parameter drawn from a wide range.

    The ranges are those practitioners report and deliberately wider than the named scenarios:
    inventory 0.3x-5x what the volume needs at ``INVENTORY_UNIT`` dials a number, carrier
    tolerance 20-250 dials a day, local lift none to 2.5x, label penalty 0.2-0.7, rest 1-10
    days, base answer rates 3-35%, flat to metro-heavy geography, up to 30% of prospects
    without a local number, a labelling wave in about a third of the worlds, and numbers that
    arrive labelled. Drawn from the index alone, so world 17 is the same world for everyone.
    """
    rng = random.Random(f"family:{index}")
    need = calls_per_day / INVENTORY_UNIT
    n_anis = max(6, round(need * _loguniform(rng, 0.3, 5.0)))
    tolerance = _loguniform(rng, 25.0, 200.0)
    base_lo = rng.uniform(0.03, 0.25)
    lift_hi = rng.uniform(1.0, 2.5)
    penalty_lo = rng.uniform(0.2, 0.6)
    rest_lo = rng.randint(1, 8)
    return Scenario(
        name=f"world{index}",
        days=days,
        calls_per_day=calls_per_day,
        n_regions=rng.randint(6, 60),
        n_anis=n_anis,
        n_toll_free=rng.randint(0, max(0, min(6, n_anis // 10))),
        local_effect=lift_hi > 1.0,
        wave_day=rng.randint(days // 4, days // 2) if rng.random() < 0.35 else None,
        wave_share=0.2,
        skew=rng.uniform(0.0, 1.8),
        base_range=(base_lo, min(0.35, base_lo + rng.uniform(0.01, 0.15))),
        lift_range=(1.0, lift_hi),
        lift_share=rng.uniform(0.3, 1.0),
        state_lift_share=rng.uniform(0.0, 0.8),
        toll_free_factor=rng.uniform(0.4, 1.0),
        quality_range=(rng.uniform(0.6, 1.0), rng.uniform(1.0, 1.4)),
        tolerance_mean=tolerance,
        tolerance_sd=tolerance * rng.uniform(0.05, 0.4),
        tolerance_range=(20.0, 250.0),
        penalty_range=(penalty_lo, min(0.7, penalty_lo + rng.uniform(0.0, 0.3))),
        rest_range=(rest_lo, rng.randint(rest_lo, 10)),
        label_hazard=rng.uniform(0.2, 1.0),
        allocation_exponent=rng.uniform(0.3, 1.0),
        uncovered_share=rng.uniform(0.0, 0.3),
        prelabelled_share=rng.uniform(0.0, 0.1),
    )


@dataclass(frozen=True, slots=True)
class Region:
    npa: str
    state: str
    lat: float
    lon: float
    weight: float  # share of prospects
    base: float  # answer probability of a neutral (non-local, clean, quality 1) number
    lift: float  # multiplier for a number of the same area code (1.0 = no local effect)
    prospect: Prospect


@dataclass(frozen=True, slots=True)
class Ani:
    ani_id: int
    number: str
    npa: str
    state: str | None
    toll_free: bool
    quality: float  # hidden multiplier, 0.75-1.25
    threshold: int  # hidden daily dials above which carriers may label it
    penalty: float  # hidden multiplier while labelled
    rest_days: int  # hidden rest needed to clear a label


@dataclass(slots=True)
class World:
    seed: int
    scenario: Scenario
    regions: list[Region]
    anis: list[Ani]
    by_id: dict[int, Ani] = field(init=False)
    region_of: dict[str, Region] = field(init=False)
    _cum_weights: list[float] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {a.ani_id: a for a in self.anis}
        self.region_of = {r.npa: r for r in self.regions}
        total = 0.0
        self._cum_weights = []
        for r in self.regions:
            total += r.weight
            self._cum_weights.append(total)

    def local_factor(self, ani: Ani, region: Region) -> float:
        if ani.toll_free:
            return self.scenario.toll_free_factor
        if ani.npa == region.npa:
            return region.lift
        if ani.state == region.state:
            return 1.0 + (region.lift - 1.0) * self.scenario.state_lift_share
        return 1.0

    def static_score(self, ani: Ani, region: Region) -> float:
        """Relative answer probability of a clean number for this region (base left out)."""
        return ani.quality * self.local_factor(ani, region)

    def answer_probability(self, ani: Ani, region: Region, labelled: bool) -> float:
        p = region.base * self.static_score(ani, region)
        if labelled:
            p *= ani.penalty
        return min(p, 0.95)

    def prospects_for_day(self, day: int) -> list[Region]:
        """The day's prospects in call order; identical for every policy (common random numbers)."""
        rng = random.Random(f"{self.seed}:prospects:{day}")
        return rng.choices(
            self.regions, cum_weights=self._cum_weights, k=self.scenario.calls_per_day
        )

    def answer_draws_for_day(self, day: int) -> list[float]:
        rng = random.Random(f"{self.seed}:answers:{day}")
        return [rng.random() for _ in range(self.scenario.calls_per_day)]


def _pick_regions(rng: random.Random, n: int) -> list[tuple[str, str, float, float]]:
    rows: list[tuple[str, str, float, float]] = []
    for npa, a in sorted(all_area_codes().items()):
        if a.state in US_STATES and a.lat is not None and a.lon is not None:
            rows.append((npa, a.state, a.lat, a.lon))
    return rng.sample(rows, min(n, len(rows)))


def _allocate(weights: list[float], total: int) -> list[int]:
    """Largest-remainder split of ``total`` numbers in proportion to ``weights``."""
    s = sum(weights)
    raw = [w / s * total for w in weights]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[:rest]:
        out[i] += 1
    return out


def build_world(seed: int, scenario: Scenario) -> World:
    rng = random.Random(f"{seed}:world")
    picked = _pick_regions(rng, scenario.n_regions)
    n = len(picked)
    zipf = [1.0 / (i + 1) ** scenario.skew for i in range(n)]
    total_w = sum(zipf)
    regions: list[Region] = []
    sc = scenario
    for i, (npa, state, lat, lon) in enumerate(picked):
        lifted = sc.local_effect and rng.random() < sc.lift_share
        lift = rng.uniform(*sc.lift_range) if lifted else 1.0
        base = rng.uniform(*sc.base_range)
        prospect = Prospect(country_code="+1", area_code=npa, state=state, lat=lat, lon=lon)
        regions.append(Region(npa, state, lat, lon, zipf[i] / total_w, base, lift, prospect))
    # Regions without a local number, drawn until they hold ``uncovered_share`` of the volume.
    covered = [True] * n
    uncovered_volume = 0.0
    for i in rng.sample(range(n), n):
        if uncovered_volume + regions[i].weight > sc.uncovered_share or sum(covered) <= 1:
            continue
        covered[i] = False
        uncovered_volume += regions[i].weight
    # Numbers follow volume sub-linearly: busy regions are under-provisioned, as in practice.
    n_local = max(1, sc.n_anis - sc.n_toll_free)
    weights = [
        r.weight**sc.allocation_exponent if c else 0.0
        for r, c in zip(regions, covered, strict=True)
    ]
    counts = _allocate(weights, n_local)
    anis: list[Ani] = []
    next_id = 1
    lo_t, hi_t = sc.tolerance_range

    def hidden() -> tuple[float, int, float, int]:
        quality = rng.uniform(*sc.quality_range)
        threshold = round(min(hi_t, max(lo_t, rng.gauss(sc.tolerance_mean, sc.tolerance_sd))))
        return quality, threshold, rng.uniform(*sc.penalty_range), rng.randint(*sc.rest_range)

    for r, k in zip(regions, counts, strict=True):
        for _ in range(k):
            q, t, pen, rest = hidden()
            number = f"+1{r.npa}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            anis.append(Ani(next_id, number, r.npa, r.state, False, q, t, pen, rest))
            next_id += 1
    for i in range(sc.n_toll_free):
        q, t, pen, rest = hidden()
        npa = TOLL_FREE_NPAS[i % len(TOLL_FREE_NPAS)]
        number = f"+1{npa}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        anis.append(Ani(next_id, number, npa, None, True, q, t, pen, rest))
        next_id += 1
    return World(seed, scenario, regions, anis)


class Reputation:
    """Hidden, changing state of every number: today's dials, labels and rest streaks."""

    __slots__ = (
        "_rng",
        "dials_today",
        "labelled",
        "labelled_on",
        "rest_streak",
        "wave_hit",
        "world",
    )

    def __init__(self, world: World) -> None:
        self.world = world
        self._rng = random.Random(f"{world.seed}:labels")
        self.dials_today: dict[int, int] = dict.fromkeys(world.by_id, 0)
        self.labelled: set[int] = set()
        self.labelled_on: dict[int, int] = {}
        self.rest_streak: dict[int, int] = dict.fromkeys(world.by_id, 0)
        self.wave_hit: frozenset[int] = frozenset()  # the numbers a labelling wave labelled

    def start_day(self, day: int) -> None:
        for k in self.dials_today:
            self.dials_today[k] = 0
        sc = self.world.scenario
        if day == 0 and sc.prelabelled_share > 0.0:
            ids = sorted(self.world.by_id)
            for a in random.Random(f"{self.world.seed}:prelabelled").sample(
                ids, round(sc.prelabelled_share * len(ids))
            ):
                self._label(a, day)
        if sc.wave_day is not None and day == sc.wave_day:
            ids = sorted(self.world.by_id)
            hit = random.Random(f"{self.world.seed}:wave").sample(
                ids, round(sc.wave_share * len(ids))
            )
            self.wave_hit = frozenset(hit)
            for a in hit:
                self._label(a, day)

    def record_dial(self, ani_id: int) -> None:
        self.dials_today[ani_id] += 1

    def end_hour(self, day: int) -> None:
        """Carrier analytics look at volume: over-threshold numbers may be labelled."""
        rng = self._rng
        for a in sorted(self.dials_today):  # sorted: the draw order must not depend on dict order
            d = self.dials_today[a]
            t = self.world.by_id[a].threshold
            if d > t and a not in self.labelled:
                p = 1.0 - math.exp(-self.world.scenario.label_hazard * (d / t - 1.0))
                if rng.random() < p:
                    self._label(a, day)

    def end_day(self) -> None:
        """Rest accounting: a label clears after enough consecutive quiet days."""
        for a, d in self.dials_today.items():
            if d <= REST_MAX_DIALS:
                self.rest_streak[a] += 1
                if a in self.labelled and self.rest_streak[a] >= self.world.by_id[a].rest_days:
                    self.labelled.discard(a)
                    self.labelled_on.pop(a, None)
            else:
                self.rest_streak[a] = 0

    def _label(self, ani_id: int, day: int) -> None:
        self.labelled.add(ani_id)
        self.labelled_on[ani_id] = day
        self.rest_streak[ani_id] = 0
