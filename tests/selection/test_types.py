"""Value types, validation, the pool index and the human explanation."""

from __future__ import annotations

import dataclasses
import random

import pytest

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    SelectionOptions,
    Usage,
    choose_ani,
    normalize_country_code,
)

from .support import FakeAreas, cand, fresh_areas, prospect


def test_candidate_validation() -> None:
    with pytest.raises(ValueError, match="daily_cap"):
        cand(1, daily_cap=-1)
    with pytest.raises(ValueError, match="hourly_cap"):
        cand(1, hourly_cap=-1)


def test_candidate_is_immutable_and_usage_is_not() -> None:
    c = cand(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.daily_cap = 5  # type: ignore[misc]
    u = Usage()
    u.dials_today += 1
    assert u.dials_today == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"assignment_type": "nearest"},
        {"assignment_type": "zip", "default_assignment_type": "ZIP"},
        {"assignment_type": "zip", "cap_mode": "hard"},
        {"assignment_type": "zip", "nearest_radius_km": -1.0},
        {"assignment_type": "zip", "nearest_radius_km": float("nan")},
    ],
)
def test_options_validation(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SelectionOptions(**kwargs)  # type: ignore[arg-type]


def test_country_code_normalization() -> None:
    assert normalize_country_code("1") == "+1"
    assert normalize_country_code(" +44 ") == "+44"


def test_pool_basics() -> None:
    cands = [cand(2), cand(1, cc="+44")]
    pool = CandidatePool(cands)
    assert len(pool) == 2
    assert 1 in pool and 3 not in pool
    assert pool.get(2) == cands[0] and pool.get(3) is None
    assert sorted(c.ani_id for c in pool) == [1, 2]
    with pytest.raises(ValueError, match="duplicate ani_id 2"):
        CandidatePool([cand(2), cand(2, "212")])


def test_pool_segments() -> None:
    pool = CandidatePool([cand(1), cand(2, branded=True), cand(3, "800"), cand(4, cc="1")])
    seg = pool.segment("+1")
    assert seg is not None and [c.ani_id for c in seg.all] == [1, 2, 3, 4]
    branded = pool.segment("+1", True)
    assert branded is not None and [c.ani_id for c in branded.all] == [2]
    assert pool.segment("+1", False) is not None
    assert pool.segment("+44") is None
    assert [c.ani_id for i in seg.toll_free for c in seg.cells[i]] == [3]


def choose(cands: list[Candidate], **opts: object) -> Choice:
    p = prospect(zips=("954",)) if opts.pop("zip", False) else prospect()
    usage = opts.pop("usage", {})
    areas = opts.pop("areas", FakeAreas())
    r = choose_ani(
        p,
        CandidatePool(cands),
        usage,  # type: ignore[arg-type]
        SelectionOptions(**opts),  # type: ignore[arg-type]
        areas=areas,  # type: ignore[arg-type]
        rng=random.Random(0),
    )
    assert isinstance(r, Choice)
    return r


def test_explanations() -> None:
    c = choose([cand(1)], assignment_type="area_code")
    assert c.explanation == "+15615550001 by area_code: same area code 561"
    c = choose([cand(1, "954")], assignment_type="zip", zip=True)
    assert c.explanation == "+19545550001 by zip: area code 954 serves the prospect's ZIP"
    c = choose([cand(1, "212", "NY", branded=True)], assignment_type="zip", use_branded=False)
    assert c.explanation == (
        "+12125550001 by area_code: any eligible number; fallback from zip; "
        "no ANI matched the brand filter, so it was ignored"
    )
    c = choose([cand(1, "954", "GA")], assignment_type=None, areas=fresh_areas())
    assert c.explanation == (
        "+19545550001 by area_code: nearest area code 954 (56 km); fallback from default"
    )
    c = choose([cand(1, "800")], assignment_type="tfn", usage={1: Usage(dials_today=99)})
    assert c.explanation == (
        "+18005550001 by tfn: toll-free number; every eligible ANI is at its cap; least used one "
        "taken"
    )
