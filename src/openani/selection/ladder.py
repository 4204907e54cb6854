"""The fallback ladder of each strategy, as a lazy sequence of levels.

Levels are generated lazily so that a call served by its first level never pays for the geo
look-ups (overlays, nearest area codes) of the levels below it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Literal, NamedTuple

from .pool import Cell, Segment
from .types import AreaCodeMap, AssignmentType, Match, Prospect

PickMode = Literal["lru", "uniform", "learned"]
# The strategy served by the learner (``selection.learner``) instead of a ladder of levels.
LEARNED: frozenset[str] = frozenset({"highest_contact_rate"})
# Strategies that read the company's fitted ``ContactModel``: the learner, and ``auto``, which
# walks the local-presence ladder but takes numbers the model suspects of a label last.
USES_MODEL: frozenset[str] = frozenset({"auto", "highest_contact_rate"})


class Level(NamedTuple):
    assignment_type: AssignmentType
    match: Match
    fallback: bool
    cells: list[Cell]
    mode: PickMode
    distance_km: float | None = None


def local_strategy(prospect: Prospect) -> AssignmentType:
    """The local-presence rule: the ZIP's area codes when the prospect has a ZIP, else its own."""
    return "zip" if prospect.zip_area_codes else "area_code"


def resolve_strategy(requested: AssignmentType | None, prospect: Prospect) -> AssignmentType:
    """The ladder to walk. ``None`` (the campaign default was not resolved upstream) and ``auto``
    walk the local-presence ladder; ``auto`` also reorders within a level (see policy)."""
    if requested is None or requested == "auto":
        return local_strategy(prospect)
    return requested


def tfn_fallback(default: AssignmentType | None, prospect: Prospect) -> AssignmentType:
    # A tfn default would loop back onto the (exhausted) toll-free level, so it counts as absent.
    if default is None or default == "tfn":
        return local_strategy(prospect)
    return resolve_strategy(default, prospect)


def ladder(
    strategy: AssignmentType,
    default: AssignmentType | None,
    prospect: Prospect,
    seg: Segment,
    areas: AreaCodeMap,
    radius_km: float,
) -> Iterator[Level]:
    """Levels of ``strategy`` in order; a cell appears in at most one level.

    Skipping already-scanned cells does not change the outcome: the walk only goes down a level
    when the previous ones held no candidate under cap, so those cells cannot win later either.
    """
    visited: set[int] = set()
    if strategy == "tfn":
        yield Level("tfn", "tfn", False, seg.take(seg.toll_free, visited), "lru")
        strategy = tfn_fallback(default, prospect)
        yield from _levels(strategy, prospect, seg, areas, radius_km, visited, first_fallback=True)
    else:
        yield from _levels(strategy, prospect, seg, areas, radius_km, visited, first_fallback=False)


def _levels(
    strategy: AssignmentType,
    prospect: Prospect,
    seg: Segment,
    areas: AreaCodeMap,
    radius_km: float,
    visited: set[int],
    *,
    first_fallback: bool,
) -> Iterator[Level]:
    if strategy == "zip":
        if prospect.zip_area_codes:
            ids = npa_cells(seg, prospect.zip_area_codes)
            yield Level("zip", "zip", first_fallback, seg.take(ids, visited), "lru")
            yield from _local("area_code", prospect, seg, areas, radius_km, visited, fallback=True)
        else:
            # Without a ZIP the phone's area code stands in for the ZIP's area codes, so this is
            # still the zip strategy's own first level, not a fallback.
            npa = prospect.area_code
            cells = seg.take(seg.by_npa.get(npa, ()), visited) if npa is not None else []
            yield Level("zip", "area_code", first_fallback, cells, "lru")
            yield from _local(
                "area_code", prospect, seg, areas, radius_km, visited, fallback=True, own=False
            )
    elif strategy == "area_code":
        yield from _local(
            "area_code", prospect, seg, areas, radius_km, visited, fallback=first_fallback
        )
    elif strategy == "state":
        yield from _local(
            "state", prospect, seg, areas, radius_km, visited, fallback=first_fallback,
            own=False, overlays=False,
        )  # fmt: skip
    elif strategy == "random":
        yield Level("random", "any", first_fallback, rest_cells(seg, visited), "uniform")
    else:  # highest_contact_rate: one marker level, the learner scores the candidates
        yield Level("highest_contact_rate", "any", first_fallback, [], "learned")


def _local(
    atype: AssignmentType,
    prospect: Prospect,
    seg: Segment,
    areas: AreaCodeMap,
    radius_km: float,
    visited: set[int],
    *,
    fallback: bool,
    own: bool = True,
    overlays: bool = True,
    nearest: bool = True,
    mode: PickMode = "lru",
) -> Iterator[Level]:
    """Same area code -> overlays -> same state -> nearest within radius -> any.

    ``fallback`` applies to the first level of the full ladder (the own area code, or the state
    when the area-code rungs are off); every later rung is a fallback by definition.
    """
    npa = prospect.area_code
    if own:
        cells = seg.take(seg.by_npa.get(npa, ()), visited) if npa is not None else []
        yield Level(atype, "area_code", fallback, cells, mode)
        fallback = True
    if overlays:
        ids = npa_cells(seg, areas.overlays_of(npa)) if npa is not None else ()
        yield Level(atype, "overlay", fallback, seg.take(ids, visited), mode)
        fallback = True
    state = prospect.state
    cells = seg.take(seg.by_state.get(state, ()), visited) if state is not None else []
    yield Level(atype, "state", fallback, cells, mode)
    if nearest and prospect.lat is not None and prospect.lon is not None and radius_km > 0.0:
        # Each nearby area code is its own sub-level, nearest first: "nearest" means the closest
        # area code with a usable number, not LRU rotation across everything within the radius.
        for near, km in areas.nearest_to(prospect.lat, prospect.lon, radius_km):
            near_ids = seg.by_npa.get(near)
            if near_ids:
                cells = seg.take(near_ids, visited)
                if cells:
                    yield Level(atype, "nearest", True, cells, mode, km)
    yield Level(atype, "any", True, rest_cells(seg, visited), mode)


def npa_cells(seg: Segment, npas: Iterable[str]) -> Iterable[int]:
    by_npa = seg.by_npa
    return chain.from_iterable(by_npa.get(n, ()) for n in npas)


def rest_cells(seg: Segment, visited: set[int]) -> list[Cell]:
    if not visited:
        return list(seg.cells)
    return seg.take(range(len(seg.cells)), visited)
