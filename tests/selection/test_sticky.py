"""Sticky caller ID: the number a prospect was shown last is kept while it is still eligible."""

from __future__ import annotations

import random

import pytest

from openani.selection import (
    AssignmentType,
    CandidatePool,
    Choice,
    ContactModel,
    NoChoice,
    SelectionOptions,
    Usage,
    choose_ani,
)

from .support import FakeAreas, cand, prospect, used

POOL = [
    cand(1, "561"),
    cand(2, "212", "NY", branded=True),
    cand(3, "212", "NY", daily_cap=5),
    cand(4, "212", "NY", hourly_cap=2),
    cand(5, "020", None, cc="+44"),
]


def choose(
    preferred: int | None,
    areas: FakeAreas,
    usage: dict[int, Usage] | None = None,
    **opts: object,
) -> Choice | NoChoice:
    return choose_ani(
        prospect("561", "FL"),
        CandidatePool(POOL),
        usage or {},
        SelectionOptions(preferred_ani_id=preferred, **opts),  # type: ignore[arg-type]
        areas=areas,
        rng=random.Random(1),
    )


@pytest.mark.parametrize(
    ("requested", "reported"),
    [
        ("area_code", "area_code"),
        ("state", "state"),
        ("random", "random"),
        ("highest_contact_rate", "highest_contact_rate"),
        # auto is a request; a response names the strategy behind it.
        ("auto", "area_code"),
    ],
)
def test_the_preferred_number_is_kept_over_local_presence(
    areas: FakeAreas, requested: AssignmentType, reported: str
) -> None:
    chosen = choose(3, areas, assignment_type=requested, model=ContactModel.empty())
    assert isinstance(chosen, Choice)
    assert chosen.candidate.ani_id == 3
    assert (chosen.assignment_type, chosen.requested_assignment_type) == (reported, requested)
    assert (chosen.match, chosen.fallback, chosen.over_cap) == ("sticky", False, False)
    assert chosen.brand_filter_ignored is False


@pytest.mark.parametrize(
    ("preferred", "usage", "why"),
    [
        (99, {}, "not in the pool"),
        (5, {}, "another country"),
        (3, {3: used(5)}, "at its daily cap"),
        (4, {4: used(1, hour=2)}, "at its hourly cap"),
    ],
)
def test_a_number_no_longer_eligible_gives_way_to_the_ladder(
    areas: FakeAreas, preferred: int, usage: dict[int, Usage], why: str
) -> None:
    chosen = choose(preferred, areas, usage, assignment_type="area_code")
    assert isinstance(chosen, Choice), why
    assert (chosen.candidate.ani_id, chosen.match) == (1, "area_code"), why


@pytest.mark.parametrize(
    ("daily", "hourly", "kept"), [(1, None, True), (75, 1, True), (0, None, False), (75, 0, False)]
)
def test_an_unused_number_is_kept_unless_its_cap_is_zero(
    areas: FakeAreas, daily: int, hourly: int | None, kept: bool
) -> None:
    pool = [cand(1, "561"), cand(6, "212", "NY", daily_cap=daily, hourly_cap=hourly)]
    chosen = choose_ani(
        prospect("561", "FL"),
        CandidatePool(pool),
        {},
        SelectionOptions("area_code", preferred_ani_id=6),
        areas=areas,
        rng=random.Random(1),
    )
    assert isinstance(chosen, Choice)
    assert (chosen.candidate.ani_id, chosen.match) == ((6, "sticky") if kept else (1, "area_code"))


def test_the_brand_filter_applies_to_the_preferred_number(areas: FakeAreas) -> None:
    unbranded = choose(2, areas, assignment_type="area_code", use_branded=False)
    assert isinstance(unbranded, Choice)
    assert unbranded.candidate.ani_id == 1
    branded = choose(2, areas, assignment_type="area_code", use_branded=True)
    assert isinstance(branded, Choice)
    assert (branded.candidate.ani_id, branded.match) == (2, "sticky")


def test_an_ignored_brand_filter_does_not_block_the_preferred_number(areas: FakeAreas) -> None:
    # The UK pool has no branded number: the filter is ignored (and reported), so it cannot
    # keep the preferred number out.
    uk_pool = [cand(5, "020", None, cc="+44"), cand(8, "020", None, cc="+44")]
    chosen = choose_ani(
        prospect("020", None, cc="+44"),
        CandidatePool(uk_pool),
        {},
        SelectionOptions("area_code", use_branded=True, preferred_ani_id=8),
        areas=areas,
        rng=random.Random(1),
    )
    assert isinstance(chosen, Choice)
    assert (chosen.candidate.ani_id, chosen.match, chosen.brand_filter_ignored) == (
        8,
        "sticky",
        True,
    )
