"""Daily and hourly caps, soft over-cap fallback and strict refusals with their reasons."""

from __future__ import annotations

import random

import pytest

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    NoChoice,
    SelectionOptions,
    Usage,
    choose_ani,
)

from .support import FakeAreas, cand, prospect, used


def run(
    cands: list[Candidate],
    usage: dict[int, Usage],
    areas: FakeAreas,
    **opts: object,
) -> Choice | NoChoice:
    opts.setdefault("assignment_type", "area_code")
    return choose_ani(
        prospect(),
        CandidatePool(cands),
        usage,
        SelectionOptions(**opts),  # type: ignore[arg-type]
        areas=areas,
        rng=random.Random(3),
    )


def chosen(result: Choice | NoChoice) -> Choice:
    assert isinstance(result, Choice), result
    return result


def test_daily_cap_skips_within_the_level(areas: FakeAreas) -> None:
    c = chosen(run([cand(1), cand(2)], {1: used(75)}, areas))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (2, "area_code", False)


def test_hourly_cap_skips_within_the_level(areas: FakeAreas) -> None:
    cands = [cand(1, hourly_cap=10), cand(2, hourly_cap=10)]
    c = chosen(run(cands, {1: used(10, hour=10), 2: used(40, last=9.0, hour=3)}, areas))
    assert (c.candidate.ani_id, c.over_cap) == (2, False)


def test_per_number_caps(areas: FakeAreas) -> None:
    c = chosen(run([cand(1, daily_cap=50), cand(2, daily_cap=100)], {1: used(50), 2: used(60)},
                   areas))  # fmt: skip
    assert c.candidate.ani_id == 2


def test_zero_cap_parks_a_number(areas: FakeAreas) -> None:
    c = chosen(run([cand(1, daily_cap=0), cand(2, "728")], {}, areas))
    assert (c.candidate.ani_id, c.match) == (2, "overlay")
    c = chosen(run([cand(1, hourly_cap=0), cand(2, "728")], {}, areas))
    assert (c.candidate.ani_id, c.match) == (2, "overlay")


def test_soft_mode_falls_through_levels_before_going_over_cap(areas: FakeAreas) -> None:
    cands = [cand(1), cand(2), cand(3, "212", "NY")]
    c = chosen(run(cands, {1: used(75), 2: used(80)}, areas))
    assert (c.candidate.ani_id, c.match, c.fallback, c.over_cap) == (3, "any", True, False)


def test_soft_mode_over_cap_takes_least_used_of_the_best_level(areas: FakeAreas) -> None:
    cands = [cand(1), cand(2), cand(3), cand(4, "212", "NY")]
    usage = {
        1: used(90, last=1.0),  # least recently used, but the most loaded
        2: used(76, last=50.0),
        3: used(76, last=40.0),  # ties on dials with 2, older -> wins
        4: used(75, last=0.0),  # at cap too, and far away
    }
    c = chosen(run(cands, usage, areas))
    assert (c.candidate.ani_id, c.match, c.fallback, c.over_cap) == (3, "area_code", False, True)
    assert "cap" in c.explanation


def test_soft_mode_over_cap_best_level_can_be_a_fallback_level(areas: FakeAreas) -> None:
    cands = [cand(1, "728"), cand(2, "728"), cand(3, "212", "NY")]
    c = chosen(run(cands, {1: used(80), 2: used(77), 3: used(75)}, areas))
    assert (c.candidate.ani_id, c.match, c.fallback, c.over_cap) == (2, "overlay", True, True)


def test_soft_mode_over_cap_counts_hourly_caps_too(areas: FakeAreas) -> None:
    cands = [cand(1, hourly_cap=5), cand(2, hourly_cap=5)]
    c = chosen(run(cands, {1: used(30, hour=5), 2: used(20, hour=5)}, areas))
    assert (c.candidate.ani_id, c.over_cap) == (2, True)


def test_strict_mode_refuses_with_the_daily_reason(areas: FakeAreas) -> None:
    cands = [cand(i, npa) for i, npa in enumerate(["561", "728", "212"] * 4, start=1)]
    usage = {i: used(75) for i in range(1, 13)}
    r = run(cands, usage, areas, cap_mode="strict")
    assert r == NoChoice("all 12 ANIs reached their daily cap of 75", "all_capped")


def test_strict_mode_still_chooses_under_cap_anywhere(areas: FakeAreas) -> None:
    cands = [cand(1), cand(2, "212", "NY")]
    c = chosen(run(cands, {1: used(75)}, areas, cap_mode="strict"))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (2, "any", False)


@pytest.mark.parametrize(
    ("cands", "usage", "reason"),
    [
        ([cand(1)], {1: used(75)}, "the only ANI reached its daily cap of 75"),
        (
            [cand(1, daily_cap=50), cand(2, daily_cap=100)],
            {1: used(50), 2: used(100)},
            "all 2 ANIs reached their daily cap (50-100)",
        ),
        (
            [cand(1, hourly_cap=20), cand(2, hourly_cap=20)],
            {1: used(3, hour=20), 2: used(30, hour=25)},
            "all 2 ANIs reached their hourly cap of 20",
        ),
        (
            [cand(1, hourly_cap=20), cand(2, hourly_cap=20), cand(3)],
            {1: used(3, hour=20), 2: used(75, hour=25), 3: used(75)},
            "all 3 ANIs reached their daily or hourly cap (2 daily, 1 hourly)",
        ),
    ],
)
def test_strict_reasons(
    areas: FakeAreas, cands: list[Candidate], usage: dict[int, Usage], reason: str
) -> None:
    r = run(cands, usage, areas, cap_mode="strict")
    assert r == NoChoice(reason, "all_capped")


def test_strict_reason_names_the_brand_restriction(areas: FakeAreas) -> None:
    cands = [cand(1, branded=True), cand(2, branded=True), cand(3)]
    r = run(cands, {1: used(75), 2: used(75)}, areas, cap_mode="strict", use_branded=True)
    assert r == NoChoice("all 2 branded ANIs reached their daily cap of 75", "all_capped")


@pytest.mark.parametrize(
    "strategy", ["zip", "area_code", "state", "tfn", "random", "highest_contact_rate", "auto", None]
)
def test_every_strategy_honours_caps(areas: FakeAreas, strategy: str | None) -> None:
    cands = [cand(1), cand(2, "800"), cand(3, "212", "NY")]
    usage = {1: used(75), 2: used(75), 3: used(75)}
    soft = chosen(run(cands, usage, areas, assignment_type=strategy))
    assert soft.over_cap
    strict = run(cands, usage, areas, assignment_type=strategy, cap_mode="strict")
    assert strict == NoChoice("all 3 ANIs reached their daily cap of 75", "all_capped")
    usage[3] = used(74)
    for mode in ("soft", "strict"):
        c = chosen(run(cands, usage, areas, assignment_type=strategy, cap_mode=mode))
        assert (c.candidate.ani_id, c.over_cap) == (3, False)


def test_a_parked_number_does_not_hide_the_rest_of_its_level(areas: FakeAreas) -> None:
    for parked in (cand(1, daily_cap=0), cand(1, hourly_cap=0)):
        c = chosen(run([parked, cand(2), cand(3, "728")], {}, areas))
        assert (c.candidate.ani_id, c.match) == (2, "area_code")


def test_a_daily_cap_of_one_allows_one_call(areas: FakeAreas) -> None:
    c = chosen(run([cand(1, daily_cap=1), cand(2, "728")], {}, areas))
    assert (c.candidate.ani_id, c.match) == (1, "area_code")
    c = chosen(run([cand(1, daily_cap=1), cand(2, "728")], {1: used(1)}, areas))
    assert (c.candidate.ani_id, c.match) == (2, "overlay")


def test_strict_reason_names_the_unbranded_restriction(areas: FakeAreas) -> None:
    cands = [cand(1, branded=True), cand(2), cand(3)]
    r = run(cands, {2: used(75), 3: used(75)}, areas, cap_mode="strict", use_branded=False)
    assert r == NoChoice("all 2 unbranded ANIs reached their daily cap of 75", "all_capped")


def test_strict_reason_for_a_number_parked_by_an_hourly_cap_of_zero(areas: FakeAreas) -> None:
    r = run([cand(1, daily_cap=1, hourly_cap=0)], {}, areas, cap_mode="strict")
    assert r == NoChoice("the only ANI reached its hourly cap of 0", "all_capped")


def test_over_cap_a_number_without_counters_counts_as_unused(areas: FakeAreas) -> None:
    # Both are capped for the hour; neither has dialled today: the lower id takes the call.
    cands = [cand(1, hourly_cap=0), cand(2, hourly_cap=3)]
    c = chosen(run(cands, {2: used(0, hour=3)}, areas))
    assert (c.candidate.ani_id, c.over_cap) == (1, True)
