"""The ladders themselves: which levels each strategy walks, in order, and how each is picked."""

from __future__ import annotations

import pytest

from openani.selection import AssignmentType, CandidatePool
from openani.selection.ladder import USES_MODEL, Level, ladder

from .support import FakeAreas, cand, fresh_areas, prospect

# One number on every rung of a Palm Beach prospect's ladders.
NUMBERS = [
    cand(1, "561"),  # own area code
    cand(2, "728"),  # overlay
    cand(3, "305"),  # same state, far
    cand(4, "954"),  # same state, ~55 km
    cand(5, "912", "GA"),  # another state, ~600 km
    cand(6, "212", "NY"),
    cand(7, "800"),  # toll-free: no state, so only the tfn level or "any"
]
SEGMENT = CandidatePool(NUMBERS).segment("+1")
Shape = tuple[str, str, bool, str, tuple[int, ...]]


def shape(levels: list[Level]) -> list[Shape]:
    out: list[Shape] = []
    for lv in levels:
        ids = tuple(c.ani_id for cell in lv.cells for c in cell)
        out.append((lv.assignment_type, lv.match, lv.fallback, lv.mode, ids))
    return out


def walk(
    strategy: AssignmentType,
    default: AssignmentType | None = None,
    *,
    radius: float = 0.0,
    zips: tuple[str, ...] = (),
    areas: FakeAreas | None = None,
    at: tuple[float, float] | None = None,
) -> list[Shape]:
    assert SEGMENT is not None
    p = prospect("561", "FL", zips=zips, at=at)
    return shape(list(ladder(strategy, default, p, SEGMENT, areas or fresh_areas(), radius)))


def test_area_code_walks_own_overlay_state_nearest_any() -> None:
    assert walk("area_code", radius=100.0) == [
        ("area_code", "area_code", False, "lru", (1,)),
        ("area_code", "overlay", True, "lru", (2,)),
        ("area_code", "state", True, "lru", (3, 4)),
        ("area_code", "any", True, "lru", (5, 6, 7)),
    ]


def test_state_skips_the_area_code_rungs() -> None:
    assert walk("state") == [
        ("state", "state", False, "lru", (1, 2, 3, 4)),
        ("state", "any", True, "lru", (5, 6, 7)),
    ]


def test_zip_takes_the_zips_area_codes_then_the_area_code_ladder() -> None:
    assert walk("zip", zips=("954",)) == [
        ("zip", "zip", False, "lru", (4,)),
        ("area_code", "area_code", True, "lru", (1,)),
        ("area_code", "overlay", True, "lru", (2,)),
        ("area_code", "state", True, "lru", (3,)),
        ("area_code", "any", True, "lru", (5, 6, 7)),
    ]


def test_zip_without_a_zip_starts_on_the_own_area_code_and_does_not_repeat_it() -> None:
    assert walk("zip") == [
        ("zip", "area_code", False, "lru", (1,)),
        ("area_code", "overlay", True, "lru", (2,)),
        ("area_code", "state", True, "lru", (3, 4)),
        ("area_code", "any", True, "lru", (5, 6, 7)),
    ]


def test_tfn_falls_back_to_the_default_and_marks_the_fallback() -> None:
    assert walk("tfn", "state") == [
        ("tfn", "tfn", False, "lru", (7,)),
        ("state", "state", True, "lru", (1, 2, 3, 4)),
        ("state", "any", True, "lru", (5, 6)),
    ]
    assert walk("tfn", "tfn")[1] == ("area_code", "area_code", True, "lru", (1,))
    assert walk("tfn", "highest_contact_rate")[1:] == [
        ("highest_contact_rate", "any", True, "learned", ())
    ]


def test_random_is_one_uniform_level_and_the_learner_one_marker() -> None:
    assert walk("random") == [("random", "any", False, "uniform", (1, 2, 3, 4, 5, 6, 7))]
    assert walk("highest_contact_rate") == [("highest_contact_rate", "any", False, "learned", ())]


def test_nearest_area_codes_are_rungs_of_their_own_nearest_first() -> None:
    assert [lv[1:] for lv in walk("state", radius=700.0)] == [
        ("state", False, "lru", (1, 2, 3, 4)),
        ("nearest", True, "lru", (5,)),
        ("any", True, "lru", (6, 7)),
    ]
    assert SEGMENT is not None
    levels = ladder("state", None, prospect("561", "FL"), SEGMENT, fresh_areas(), 700.0)
    distances = [lv.distance_km for lv in levels]
    assert distances[0] is None and distances[2] is None
    assert distances[1] == pytest.approx(600, rel=0.1)


@pytest.mark.parametrize(("radius", "has_nearest"), [(0.0, False), (0.5, True)])
def test_a_radius_of_zero_turns_the_nearest_rungs_off(radius: float, has_nearest: bool) -> None:
    # Savannah's area code placed on the prospect: 0 km away, so only the radius decides.
    areas = fresh_areas()
    areas.centroids["912"] = areas.centroids["561"]
    matches = [s[1] for s in walk("state", radius=radius, areas=areas)]
    assert matches == (["state", "nearest", "any"] if has_nearest else ["state", "any"])


def test_the_strategies_that_read_the_fitted_model() -> None:
    # The service fits and passes a ContactModel only for these (auto takes suspects last).
    assert frozenset({"auto", "highest_contact_rate"}) == USES_MODEL
