"""Shared fakes and a naive reference policy for the selection tests."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openani.selection import (
    AssignmentType,
    Candidate,
    Choice,
    ContactModel,
    Match,
    MatchClass,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    normalize_country_code,
)
from openani.selection.policy import RANKING_READ


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass
class FakeAreas:
    """AreaCodeMap built from dicts; counts calls so tests can check laziness."""

    overlays: dict[str, tuple[str, ...]] = field(default_factory=dict)
    centroids: dict[str, tuple[float, float]] = field(default_factory=dict)
    overlay_calls: int = 0
    nearest_calls: int = 0

    def overlays_of(self, npa: str) -> tuple[str, ...]:
        self.overlay_calls += 1
        return self.overlays.get(npa, ())

    def nearest_to(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, float]]:
        self.nearest_calls += 1
        found = [
            (npa, haversine_km(lat, lon, clat, clon))
            for npa, (clat, clon) in self.centroids.items()
        ]
        return sorted(((n, d) for n, d in found if d <= radius_km), key=lambda t: (t[1], t[0]))


# A small slice of Florida / Georgia / New York, enough for every ladder rung.
FL_AREAS = FakeAreas(
    overlays={"561": ("728",), "728": ("561",), "305": ("786",), "786": ("305",)},
    centroids={
        "561": (26.65, -80.25),  # Palm Beach
        "728": (26.65, -80.25),
        "772": (27.40, -80.45),  # Treasure Coast, ~90 km north
        "954": (26.15, -80.30),  # Broward, ~55 km south
        "305": (25.70, -80.35),  # Miami
        "786": (25.70, -80.35),
        "912": (32.05, -81.10),  # Savannah GA, ~600 km
        "212": (40.75, -73.99),
    },
)


def fresh_areas() -> FakeAreas:
    return FakeAreas(overlays=dict(FL_AREAS.overlays), centroids=dict(FL_AREAS.centroids))


_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def cand(
    ani_id: int,
    npa: str | None = "561",
    state: str | None = "FL",
    *,
    cc: str = "+1",
    branded: bool = False,
    daily_cap: int = 75,
    hourly_cap: int | None = None,
    toll_free: bool | None = None,
) -> Candidate:
    tf = (npa in _TOLL_FREE) if toll_free is None else toll_free
    return Candidate(
        ani_id=ani_id,
        number=f"{cc}{npa or '000'}555{ani_id:04d}",
        country_code=cc,
        area_code=npa,
        state=None if tf else state,
        toll_free=tf,
        branded=branded,
        daily_cap=daily_cap,
        hourly_cap=hourly_cap,
    )


def prospect(
    npa: str | None = "561",
    state: str | None = "FL",
    *,
    cc: str = "+1",
    zips: tuple[str, ...] = (),
    at: tuple[float, float] | None = None,
) -> Prospect:
    if at is None and npa is not None and npa in FL_AREAS.centroids:
        at = FL_AREAS.centroids[npa]
    return Prospect(
        country_code=cc,
        area_code=npa,
        state=state,
        zip_area_codes=zips,
        lat=at[0] if at else None,
        lon=at[1] if at else None,
    )


def used(dials: int = 0, last: float | None = None, hour: int = 0) -> Usage:
    return Usage(dials_today=dials, dials_this_hour=hour, last_assigned_at=last)


def under_cap(c: Candidate, u: Usage | None) -> bool:
    u = u or Usage()
    if u.dials_today >= c.daily_cap:
        return False
    return c.hourly_cap is None or u.dials_this_hour < c.hourly_cap


def record(usage: dict[int, Usage], ani_id: int, now: float) -> None:
    """What the caller does after each assignment."""
    u = usage.setdefault(ani_id, Usage())
    u.dials_today += 1
    u.dials_this_hour += 1
    u.last_assigned_at = now


# ---------------------------------------------------------------------------------------------
# Naive reference: the product issue's rules transcribed with list comprehensions and no index.

Outcome = tuple[int, str, str, bool, bool, bool, float | None] | str
_Level = tuple[AssignmentType, str, bool, float | None, list[Candidate]]


def outcome(result: Choice | NoChoice) -> Outcome:
    if isinstance(result, NoChoice):
        assert result.code is not None
        return result.code
    return (
        result.candidate.ani_id,
        result.assignment_type,
        result.match,
        result.fallback,
        result.over_cap,
        result.brand_filter_ignored,
        result.distance_km,
    )


def reference(
    p: Prospect,
    candidates: Iterable[Candidate],
    usage: Mapping[int, Usage],
    options: SelectionOptions,
    areas: FakeAreas,
) -> Outcome:
    """Every strategy but random: the LRU ladders, and the learner's passes."""
    cc = normalize_country_code(p.country_code)
    pool = [c for c in candidates if normalize_country_code(c.country_code) == cc]
    if not pool:
        return "no_inventory"
    ignored = False
    if options.use_branded is not None:
        sub = [c for c in pool if c.branded == options.use_branded]
        if sub:
            pool = sub
        elif options.strict_brand:
            return "no_brand_match"
        else:
            ignored = True

    def local(
        atype: AssignmentType, fb: bool, *, own: bool = True, overlays: bool = True
    ) -> list[_Level]:
        a = p.area_code
        out: list[_Level] = []
        if own:
            own_npa = [c for c in pool if a is not None and c.area_code == a]
            out.append((atype, "area_code", fb, None, own_npa))
            fb = True
        if overlays:
            ov = areas.overlays_of(a) if a is not None else ()
            out.append((atype, "overlay", fb, None, [c for c in pool if c.area_code in ov]))
            fb = True
        st = [c for c in pool if p.state is not None and c.state == p.state]
        out.append((atype, "state", fb, None, st))
        if p.lat is not None and p.lon is not None and options.nearest_radius_km > 0:
            for npa, km in areas.nearest_to(p.lat, p.lon, options.nearest_radius_km):
                out.append((atype, "nearest", True, km, [c for c in pool if c.area_code == npa]))
        out.append((atype, "any", True, None, list(pool)))
        return out

    def levels(strategy: AssignmentType, fb: bool) -> list[_Level]:
        if strategy == "zip":
            if p.zip_area_codes:
                z = [c for c in pool if c.area_code in p.zip_area_codes]
                return [("zip", "zip", fb, None, z), *local("area_code", True)]
            own = [c for c in pool if p.area_code is not None and c.area_code == p.area_code]
            return [("zip", "area_code", fb, None, own), *local("area_code", True, own=False)]
        if strategy == "area_code":
            return local("area_code", fb)
        if strategy == "state":
            return local("state", fb, own=False, overlays=False)
        raise AssertionError(strategy)

    default_rule: AssignmentType = "zip" if p.zip_area_codes else "area_code"
    strategy = options.assignment_type or default_rule
    if strategy == "auto":  # local presence, suspected numbers last within each level
        strategy = default_rule
    suspects = options.model.suspects if options.model is not None else frozenset()
    if strategy in LEARNED:
        return reference_learned(p, pool, usage, options, areas, ignored, fallback=False)
    if strategy == "tfn":
        d = options.default_assignment_type
        d = default_rule if d in (None, "tfn", "auto") else d
        toll_free = [c for c in pool if c.toll_free]
        if d in LEARNED:
            free_tf = [c for c in toll_free if under_cap(c, usage.get(c.ani_id))]
            free_tf = [c for c in free_tf if c.ani_id not in suspects] or free_tf
            if free_tf:
                return (min(free_tf, key=_lru(usage)).ani_id, "tfn", "tfn", False, False,
                        ignored, None)  # fmt: skip
            return reference_learned(p, pool, usage, options, areas, ignored, fallback=True)
        ladder = [("tfn", "tfn", False, None, toll_free), *levels(d, True)]
    else:
        ladder = levels(strategy, False)

    lru = _lru(usage)
    least_used = _least_used(usage)
    for atype, match, fb, km, members in ladder:
        free = [c for c in members if under_cap(c, usage.get(c.ani_id))]
        if free:
            clean = [c for c in free if c.ani_id not in suspects] or free
            return (min(clean, key=lru).ani_id, atype, match, fb, False, ignored, km)
    if options.cap_mode == "strict":
        return "all_capped"
    atype, match, fb, km, members = next(lv for lv in ladder if lv[4])
    return (min(members, key=least_used).ani_id, atype, match, fb, True, ignored, km)


LEARNED = ("highest_contact_rate",)
_CLASS_RANK = {"local": 0, "state": 1, "distant": 2, "toll_free": 3}
# A local number's match is refined below (zip, area_code or overlay).
_CLASS_MATCH: dict[str, Match] = {
    "local": "overlay",
    "state": "state",
    "distant": "any",
    "toll_free": "tfn",
}


def _lru(usage: Mapping[int, Usage]) -> Callable[[Candidate], tuple[float, int, int]]:
    def key(c: Candidate) -> tuple[float, int, int]:
        u = usage.get(c.ani_id) or Usage()
        last = u.last_assigned_at
        return (-math.inf if last is None else last, u.dials_today, c.ani_id)

    return key


def _least_used(usage: Mapping[int, Usage]) -> Callable[[Candidate], tuple[int, float, int]]:
    lru = _lru(usage)

    def key(c: Candidate) -> tuple[int, float, int]:
        last, dials, ani = lru(c)
        return (dials, last, ani)

    return key


def learner_reads(
    p: Prospect,
    pool: list[Candidate],
    options: SelectionOptions,
    areas: FakeAreas,
) -> tuple[set[str], list[Candidate], list[Candidate], list[Candidate]]:
    """What a learned choice may read, over plain lists (``pool`` already country/brand filtered).

    The local area codes (own, ZIP's, overlays); the local numbers; the listed ones (the
    prospect's state's shortlist, then the first ``shortlist_size`` of the company ranking that
    are in the pool, among its first ``RANKING_READ`` times as many, in that order and with
    repeats); the numbers of the nearest area codes that are not local.
    """
    model = options.model or ContactModel.empty()
    npa = p.area_code
    local = set(p.zip_area_codes)
    if npa is not None:
        local.add(npa)
        local.update(areas.overlays_of(npa))
    by_id = {c.ani_id: c for c in pool}
    in_state = model.state_shortlists.get(p.state, ()) if p.state is not None else ()
    size = model.params.shortlist_size
    ranked = [i for i in model.shortlist[: size * RANKING_READ] if i in by_id][:size]
    listed = [by_id[i] for i in (*in_state, *ranked) if i in by_id]
    near = [c for c in pool if c.area_code in local]
    nearby: list[Candidate] = []
    if p.lat is not None and p.lon is not None and options.nearest_radius_km > 0.0:
        codes = {code for code, _ in areas.nearest_to(p.lat, p.lon, options.nearest_radius_km)}
        nearby = [c for c in pool if c.area_code in codes and c.area_code not in local]
    return local, near, listed, nearby


def healthy_volume(model: ContactModel, ani_id: int) -> int:
    """The healthy daily volume as documented, computed without the model's own method."""
    p = model.params
    age = model.age_days.get(ani_id, 0)
    if age >= p.warmup_days:
        return p.healthy_daily
    return max(1, p.healthy_daily * (age + 1) // (p.warmup_days + 1))


def reference_learned(
    p: Prospect,
    pool: list[Candidate],
    usage: Mapping[int, Usage],
    options: SelectionOptions,
    areas: FakeAreas,
    ignored: bool,
    *,
    fallback: bool,
) -> Outcome:
    """The learner as documented, over plain lists (``pool`` is already country/brand filtered).

    1. Under healthy volume: the local numbers (own area code, ZIP area codes, overlays) and,
       of the listed numbers (state shortlist, then the ranking's first ``shortlist_size``), the
       first usable one (under cap and under healthy volume) of each match class;
    2. else under healthy volume: the non-local numbers of the nearest area codes, then the
       first usable number of each class in the whole ranking (unranked numbers last);
    3. else under cap, the prediction weighted by the room under the cap: local, every listed
       and nearby number;
    4. else under cap, the same weighting: every number;
    then least used of the local numbers, or of all when there are none (soft), or a refusal
    (strict). Ties: higher score, local presence, least recently used, lowest ani_id.
    """
    model = options.model or ContactModel.empty()
    npa = p.area_code
    local, near, listed, nearby = learner_reads(p, pool, options, areas)

    def cls(c: Candidate) -> MatchClass:
        if c.toll_free:
            return "toll_free"
        if c.area_code in local:
            return "local"
        return "state" if p.state is not None and c.state == p.state else "distant"

    def rate(k: MatchClass) -> float:
        # Seen (area, class), else the area's rate times the class effect, else the class rate.
        found = model.area_rates.get((npa, k))
        if found is not None:
            return found
        base = model.area_base.get(npa)
        return base * model.class_lift[k] if base is not None else model.class_rates[k]

    def usable(c: Candidate, healthy: bool) -> bool:
        u = usage.get(c.ani_id) or Usage()
        return under_cap(c, u) and not (
            healthy and u.dials_today >= healthy_volume(model, c.ani_id)
        )

    def key(c: Candidate, healthy: bool) -> tuple[float, int, float, int]:
        u = usage.get(c.ani_id) or Usage()
        score = rate(cls(c)) * model.quality.get(c.ani_id, 1.0)
        if not healthy:
            score *= 1.0 - u.dials_today / c.daily_cap
        last = -math.inf if u.last_assigned_at is None else u.last_assigned_at
        return (-score, _CLASS_RANK[cls(c)], last, c.ani_id)

    firsts: dict[MatchClass, Candidate] = {}
    for c in listed:
        if cls(c) not in firsts and usable(c, True):
            firsts[cls(c)] = c
    # The whole ranking within the pool, unranked numbers last (all by id without a model).
    by_id = {c.ani_id: c for c in sorted(pool, key=lambda c: c.ani_id)}
    ranked = [by_id.pop(i) for i in model.shortlist if i in by_id] if model.shortlist else []
    firsts_all: dict[MatchClass, Candidate] = {}
    for c in [*ranked, *by_id.values()]:
        if cls(c) not in firsts_all and usable(c, True):
            firsts_all[cls(c)] = c
    chosen: Candidate | None = None
    passes = (
        (near + list(firsts.values()), True),
        (nearby, True),
        (list(firsts_all.values()), True),
        (near + listed + nearby, False),
        (pool, False),
    )
    for members, healthy in passes:
        free = [c for c in members if usable(c, healthy)]
        if free:
            chosen = min(free, key=lambda c: key(c, healthy))
            break
    over_cap = chosen is None
    if chosen is None:
        if options.cap_mode == "strict":
            return "all_capped"
        chosen = min(near or pool, key=_least_used(usage))
    match = _CLASS_MATCH[cls(chosen)]
    if chosen.area_code == npa and match == "overlay":
        match = "area_code"
    if chosen.area_code in p.zip_area_codes and match in ("area_code", "overlay"):
        match = "zip"
    return (chosen.ani_id, "highest_contact_rate", match, fallback, over_cap, ignored, None)


def ids(cands: Sequence[Candidate]) -> list[int]:
    return [c.ani_id for c in cands]
