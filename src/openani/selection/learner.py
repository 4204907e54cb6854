"""The contact-rate learner behind ``auto`` and ``highest_contact_rate``.

What it models. The chance that a prospect answers a call depends on where the prospect is, on
how local the number looks to them, and on the number itself (its history with carriers). The
learner factors it that way::

    P(contact) ~ rate(prospect area code, match class) x quality(number)

``rate`` is learnt from every number's calls to that area and class (``local``: the prospect's
own area code, its ZIP's or an overlay; ``state``; ``distant``; ``toll_free``), so one number's
calls teach something about all of them; ``quality`` is the number's own multiplier: its
contacts over the contacts its calls should have had at the peers' rates. Both are shrunk
towards neutral values (an unseen area towards the area's overall rate times the class effect
measured everywhere; an unseen number towards quality 1), and evidence fades by
``day_discount`` per day, so a number that degrades loses its standing within days.

Why it is load-aware. "Highest rate wins" puts every call on the best number until carriers
label it. The learner therefore ranks numbers by predicted rate but takes a number only while it
is under its *healthy* daily volume (``healthy_daily``, 50 dials by default: the practitioners'
"best" figure, see DOMAIN.md); past that the next-best number is used. Only when every candidate
is past its healthy volume does it go on to the hard caps. New numbers ramp up over
``warmup_days``; established ones may creep past ``healthy_daily`` towards their own capacity
(``capacity.py``), which the caller passes in as ``volumes``.

Pure: inputs are the daily tallies the caller keeps (the product reads them from its statistics,
the simulator from its own counters); the result is an immutable ``ContactModel``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from .types import Candidate, Prospect, Usage

MatchClass = Literal["local", "state", "distant", "toll_free"]
MATCH_CLASSES: Final[tuple[MatchClass, ...]] = ("local", "state", "distant", "toll_free")
STATE_SHORTLIST: Final = 8


@dataclass(frozen=True, slots=True)
class DayTally:
    """Dials and contacts of one number to one prospect area code on one day."""

    age_days: int  # 0 = today
    ani_id: int
    area_code: str | None  # the prospect's
    dials: int
    contacts: int


@dataclass(frozen=True, slots=True)
class LearnerParams:
    day_discount: float = 0.8  # weight of a day's evidence per day of age
    prior_rate: float = 0.15  # before any call: a typical outbound contact rate
    prior_strength: float = 50.0  # pseudo-dials behind the prior rate
    class_strength: float = 30.0  # pseudo-dials pulling an (area, class) rate to its expectation
    quality_strength: float = 5.0  # pseudo expected contacts pulling a number's quality to 1
    healthy_daily: int = 50  # dials per number per day the learner stays under when it can
    # Each number's healthy volume then creeps up by this much a day while it fills it, and
    # backs off to this share of its busiest day when it is flagged (see selection/capacity.py).
    volume_step: int = 2
    volume_backoff: float = 0.9
    warmup_days: int = 0  # a new number's healthy volume ramps up over this many days (0: none)
    shortlist_size: int = 64  # how far down the company-wide ranking a choice reads

    def __post_init__(self) -> None:
        if not 0.0 < self.day_discount <= 1.0:
            raise ValueError(f"day_discount must be in (0, 1], got {self.day_discount}")
        if not 0.0 < self.prior_rate < 1.0:
            raise ValueError(f"prior_rate must be in (0, 1), got {self.prior_rate}")
        for name in ("prior_strength", "class_strength", "quality_strength"):
            if not getattr(self, name) > 0.0:
                raise ValueError(f"{name} must be > 0")
        if self.healthy_daily < 1:
            raise ValueError(f"healthy_daily must be >= 1, got {self.healthy_daily}")
        if self.warmup_days < 0 or self.shortlist_size < 0 or self.volume_step < 0:
            raise ValueError("warmup_days, shortlist_size and volume_step must be >= 0")
        if not 0.0 < self.volume_backoff <= 1.0:
            raise ValueError(f"volume_backoff must be in (0, 1], got {self.volume_backoff}")


def local_area_codes(prospect: Prospect, overlays: Iterable[str]) -> frozenset[str]:
    """Area codes that look local to the prospect: its own, its ZIP's and their overlays."""
    codes = set(prospect.zip_area_codes)
    if prospect.area_code is not None:
        codes.add(prospect.area_code)
    codes.update(overlays)
    return frozenset(codes)


def match_class(c: Candidate, local: frozenset[str], state: str | None) -> MatchClass:
    if c.toll_free:
        return "toll_free"
    if c.area_code is not None and c.area_code in local:
        return "local"
    if state is not None and c.state == state:
        return "state"
    return "distant"


@dataclass(frozen=True, slots=True)
class ContactModel:
    """What the learner believes, fitted from daily tallies; read-only and shared between calls."""

    params: LearnerParams
    quality: Mapping[int, float]  # numbers without evidence are absent (quality 1)
    area_rates: Mapping[tuple[str | None, MatchClass], float]
    area_base: Mapping[str | None, float]  # each called area's rate over all classes
    class_lift: Mapping[MatchClass, float]  # each class's effect, measured over all areas
    class_rates: Mapping[MatchClass, float]  # for areas never called
    # Numbers company-wide and each state's best (ani_ids, best quality first): with the local
    # area codes' own numbers they are what a choice reads, so its cost does not grow with the
    # inventory, while a great number elsewhere still gets the calls where local presence is
    # worth nothing.
    shortlist: tuple[int, ...]
    state_shortlists: Mapping[str, tuple[int, ...]]
    age_days: Mapping[int, int]  # days since a number's oldest tally in the window
    evidence: int = 0  # dials behind the model, for reports
    # Healthy daily volumes learnt per number (selection/capacity.py); absent: healthy_daily.
    volumes: Mapping[int, int] = field(default_factory=dict)
    # Numbers whose contact rate collapsed (``burn.detect_burned`` at fit time): ``auto`` takes
    # them only when every other number of the same ladder level is capped.
    suspects: frozenset[int] = frozenset()
    # Per segment of a candidate pool, the rankings' candidates that belong to it: the same for
    # every call until the model is refitted, so filtered once (see policy._listed).
    memo: dict[object, tuple[Candidate, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def empty(cls, params: LearnerParams | None = None) -> ContactModel:
        p = params or LearnerParams()
        rates: dict[MatchClass, float] = dict.fromkeys(MATCH_CLASSES, p.prior_rate)
        return cls(
            params=p,
            quality={},
            area_rates={},
            area_base={},
            class_lift=dict.fromkeys(MATCH_CLASSES, 1.0),
            class_rates=rates,
            shortlist=(),
            state_shortlists={},
            age_days={},
        )

    def rate(self, area_code: str | None, cls: MatchClass) -> float:
        found = self.area_rates.get((area_code, cls))
        if found is not None:
            return found
        # An area called before, but never from this class: its rate times the class effect.
        base = self.area_base.get(area_code)
        return base * self.class_lift[cls] if base is not None else self.class_rates[cls]

    def predict(self, c: Candidate, area_code: str | None, cls: MatchClass) -> float:
        return self.rate(area_code, cls) * self.quality.get(c.ani_id, 1.0)

    def healthy_volume(self, ani_id: int) -> int:
        """Today's healthy dials for this number, lower while it warms up."""
        age = self.age_days.get(ani_id, 0)
        if age >= self.params.warmup_days:
            return self.volumes.get(ani_id, self.params.healthy_daily)
        return self.healthy_volume_at(age)

    def healthy_volume_at(self, age_days: int) -> int:
        p = self.params
        if age_days >= p.warmup_days:
            return p.healthy_daily
        return max(1, p.healthy_daily * (age_days + 1) // (p.warmup_days + 1))


@dataclass(slots=True)
class _Sums:
    dials: float = 0.0
    contacts: float = 0.0


def fit(
    tallies: Iterable[DayTally],
    numbers: Mapping[int, Candidate],
    areas_local: Mapping[str | None, frozenset[str]],
    area_states: Mapping[str | None, str | None],
    params: LearnerParams | None = None,
    volumes: Mapping[int, int] | None = None,
) -> ContactModel:
    """Fit the model; tallies of numbers not in ``numbers`` are ignored.

    ``volumes``: the numbers' learnt healthy daily volumes (``capacity.healthy_volumes``).

    ``areas_local`` and ``area_states`` describe each prospect area code that appears (its local
    codes and its state), so the match class of a past call can be recomputed.
    """
    p = params or LearnerParams()
    rows: list[tuple[float, int, str | None, MatchClass, int, int]] = []
    by_class: dict[MatchClass, _Sums] = {c: _Sums() for c in MATCH_CLASSES}
    by_area: dict[str | None, _Sums] = {}
    by_area_class: dict[tuple[str | None, MatchClass], _Sums] = {}
    total = _Sums()
    oldest: dict[int, int] = {}
    evidence = 0
    no_local: frozenset[str] = frozenset()
    for t in tallies:
        c = numbers.get(t.ani_id)
        if c is None or t.dials <= 0 or t.contacts < 0:
            continue
        if t.age_days > oldest.get(t.ani_id, -1):
            oldest[t.ani_id] = t.age_days
        w = p.day_discount**t.age_days
        cls = match_class(c, areas_local.get(t.area_code, no_local), area_states.get(t.area_code))
        d = w * t.dials
        k = w * min(t.contacts, t.dials)
        rows.append((w, t.ani_id, t.area_code, cls, t.dials, t.contacts))
        for s in (total, by_class[cls], by_area.setdefault(t.area_code, _Sums())):
            s.dials += d
            s.contacts += k
        s = by_area_class.setdefault((t.area_code, cls), _Sums())
        s.dials += d
        s.contacts += k
        evidence += t.dials

    g = (total.contacts + p.prior_rate * p.prior_strength) / (total.dials + p.prior_strength)
    # The class effect measured over all areas: the prior for an (area, class) not seen yet.
    lift = {
        cls: (s.contacts + g * p.class_strength) / (s.dials + p.class_strength) / g
        for cls, s in by_class.items()
    }
    area_rate = {
        a: (s.contacts + g * p.prior_strength) / (s.dials + p.prior_strength)
        for a, s in by_area.items()
    }
    area_rates: dict[tuple[str | None, MatchClass], float] = {}
    for (a, cls), s in by_area_class.items():
        expect = area_rate[a] * lift[cls]
        area_rates[(a, cls)] = (s.contacts + expect * p.class_strength) / (
            s.dials + p.class_strength
        )

    contacts: dict[int, float] = {}
    expected: dict[int, float] = {}
    for w, ani_id, area, cls, dials, got in rows:
        contacts[ani_id] = contacts.get(ani_id, 0.0) + w * min(got, dials)
        expected[ani_id] = expected.get(ani_id, 0.0) + w * dials * area_rates[(area, cls)]
    k0 = p.quality_strength
    quality = {n: (contacts[n] + k0) / (expected[n] + k0) for n in contacts}
    ranked = sorted(numbers, key=lambda n: (-quality.get(n, 1.0), n))
    per_state: dict[str, list[int]] = {}
    for n in ranked:
        st = numbers[n].state
        if st is not None:
            best = per_state.setdefault(st, [])
            if len(best) < STATE_SHORTLIST:
                best.append(n)
    return ContactModel(
        params=p,
        quality=quality,
        area_rates=area_rates,
        area_base=area_rate,
        class_lift=lift,
        class_rates={cls: g * lift[cls] for cls in MATCH_CLASSES},
        shortlist=tuple(ranked),
        state_shortlists={st: tuple(v) for st, v in per_state.items()},
        age_days=oldest,
        evidence=evidence,
        volumes=dict(volumes or {}),
    )


_NEVER = float("-inf")


def pick_learned(
    candidates: Iterable[Candidate],
    get: Callable[[int], Usage | None],
    model: ContactModel,
    area_code: str | None,
    local: frozenset[str],
    state: str | None,
    *,
    within_healthy: bool,
) -> tuple[Candidate, MatchClass] | None:
    """The candidate with the best predicted contact rate that is under its caps.

    ``within_healthy``: only numbers under their healthy volume today. Without it (every
    candidate is past healthy), the prediction is weighted by the room left under the daily cap,
    so the overflow is spread instead of piled on the best number. Ties (no evidence yet) go to
    local presence, then to the least recently used number.
    """
    # The area's rate per class is the same for every candidate: looked up once per choice.
    # The loop is the cost of a learned choice, so match_class and healthy_volume are inlined
    # and ties are broken with scalars rather than a key tuple per candidate.
    rate_local = model.rate(area_code, "local")
    rate_state = model.rate(area_code, "state")
    rate_distant = model.rate(area_code, "distant")
    rate_toll_free = model.rate(area_code, "toll_free")
    quality = model.quality
    p = model.params
    healthy = p.healthy_daily
    warm = p.warmup_days
    ramp = [model.healthy_volume_at(age) for age in range(warm)]
    ages = model.age_days
    volumes = model.volumes
    best: Candidate | None = None
    best_cls: MatchClass = "distant"
    best_score = -1.0
    best_rank = 0
    best_last = 0.0
    for c in candidates:
        u = get(c.ani_id)
        if u is None:
            dials = hour = 0
            last = _NEVER
        else:
            dials = u.dials_today
            hour = u.dials_this_hour
            last = _NEVER if u.last_assigned_at is None else u.last_assigned_at
        cap = c.daily_cap
        if dials >= cap or (c.hourly_cap is not None and hour >= c.hourly_cap):
            continue
        if within_healthy:
            age = ages.get(c.ani_id, 0) if warm else warm
            if dials >= (volumes.get(c.ani_id, healthy) if age >= warm else ramp[age]):
                continue
        cls: MatchClass
        # rank: the tie-break when predictions are equal (e.g. no evidence yet), local presence
        # first, as practitioners do without data.
        if c.toll_free:
            cls, rate, rank = "toll_free", rate_toll_free, 3
        elif c.area_code in local:
            cls, rate, rank = "local", rate_local, 0
        elif state is not None and c.state == state:
            cls, rate, rank = "state", rate_state, 1
        else:
            cls, rate, rank = "distant", rate_distant, 2
        score = rate * quality.get(c.ani_id, 1.0)
        if not within_healthy:
            score *= 1.0 - dials / cap
        if best is not None:
            if score < best_score:
                continue
            if score == best_score and (
                rank > best_rank
                or (
                    rank == best_rank
                    and (last > best_last or (last == best_last and c.ani_id > best.ani_id))
                )
            ):
                continue
        best, best_cls, best_score, best_rank, best_last = c, cls, score, rank, last
    return None if best is None else (best, best_cls)


def first_usable_per_class(
    ranked: Iterable[Candidate],
    get: Callable[[int], Usage | None],
    model: ContactModel,
    local: frozenset[str],
    state: str | None,
) -> list[Candidate]:
    """From candidates in quality order, the first under cap and healthy volume of each class.

    Within one class every candidate has the same area rate, so the first usable one is the
    class's best. Scoring it alone gives the choice that scoring the whole list would, except
    among numbers of equal quality, where the ranking's order (lowest id) replaces LRU.
    """
    seen: set[MatchClass] = set()
    out: list[Candidate] = []
    for c in ranked:
        cls = match_class(c, local, state)
        if cls in seen:
            continue
        u = get(c.ani_id)
        dials = 0 if u is None else u.dials_today
        hour = 0 if u is None else u.dials_this_hour
        if dials >= c.daily_cap or (c.hourly_cap is not None and hour >= c.hourly_cap):
            continue
        if dials >= model.healthy_volume(c.ani_id):
            continue
        seen.add(cls)
        out.append(c)
        if len(seen) == len(MATCH_CLASSES):
            break
    return out
