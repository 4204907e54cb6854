"""Shared fakes and a naive reference policy for the selection tests."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openani.selection import (
    AssignmentType,
    Candidate,
    Choice,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    normalize_country_code,
)


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
    """Only the deterministic (LRU) strategies: zip, area_code, state, tfn and None."""
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
    if strategy == "tfn":
        d = options.default_assignment_type
        d = default_rule if d in (None, "tfn") else d
        ladder = [("tfn", "tfn", False, None, [c for c in pool if c.toll_free]), *levels(d, True)]
    else:
        ladder = levels(strategy, False)

    def lru(c: Candidate) -> tuple[float, int, int]:
        u = usage.get(c.ani_id) or Usage()
        last = u.last_assigned_at
        return (-math.inf if last is None else last, u.dials_today, c.ani_id)

    def least_used(c: Candidate) -> tuple[int, float, int]:
        last, dials, ani = lru(c)
        return (dials, last, ani)

    for atype, match, fb, km, members in ladder:
        free = [c for c in members if under_cap(c, usage.get(c.ani_id))]
        if free:
            return (min(free, key=lru).ani_id, atype, match, fb, False, ignored, km)
    if options.cap_mode == "strict":
        return "all_capped"
    atype, match, fb, km, members = next(lv for lv in ladder if lv[4])
    return (min(members, key=least_used).ani_id, atype, match, fb, True, ignored, km)


def ids(cands: Sequence[Candidate]) -> list[int]:
    return [c.ani_id for c in cands]
