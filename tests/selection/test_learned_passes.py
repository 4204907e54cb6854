"""The learner's passes over its candidates (``policy._choose_learned``), one at a time.

A Palm Beach prospect; the model ranks the local number best, then a distant one far away, then
an outsider, then a state number, then a number whose area code lies on the prospect (0 km):

1. local numbers and the first usable number of each class among the listed ones, healthy only;
2. the nearest area codes within the radius, healthy only;
3. the first usable number of each class in the whole ranking, healthy only;
4. everything the passes before read, past healthy, weighted by the room under the cap;
5. every number, likewise.
"""

from __future__ import annotations

import random
from dataclasses import replace

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    ContactModel,
    LearnerParams,
    NoChoice,
    SelectionOptions,
    Usage,
    choose_ani,
)
from openani.selection.policy import _listed

from .support import FakeAreas, cand, prospect, used

LOCAL, NEAR, FAR, OUTSIDER, STATE = 1, 2, 3, 4, 5
NUMBERS = [
    cand(LOCAL, "561"),
    cand(NEAR, "912", "GA"),
    cand(FAR, "212", "NY"),
    cand(OUTSIDER, "206", "WA"),
    cand(STATE, "305", "FL"),
]
# Only the best number of the ranking is listed (shortlist_size 1).
MODEL = replace(
    ContactModel.empty(LearnerParams(shortlist_size=1)),
    quality={LOCAL: 2.0, FAR: 1.5, OUTSIDER: 1.2, STATE: 1.0, NEAR: 1.0},
    shortlist=(LOCAL, FAR, OUTSIDER, STATE, NEAR),
)
HEALTHY = LearnerParams().healthy_daily  # 50 dials; the caps are 75


def near_areas(areas: FakeAreas) -> FakeAreas:
    areas.centroids["912"] = areas.centroids["561"]  # NEAR's area code: 0 km away
    return areas


def learned(
    areas: FakeAreas,
    usage: dict[int, Usage],
    radius: float,
    numbers: list[Candidate] | None = None,
    model: ContactModel = MODEL,
    **opts: object,
) -> Choice | NoChoice:
    return choose_ani(
        prospect("561", "FL"),
        CandidatePool(numbers or NUMBERS),
        usage,
        SelectionOptions(
            "highest_contact_rate",
            model=model,
            nearest_radius_km=radius,
            **opts,  # type: ignore[arg-type]
        ),
        areas=near_areas(areas),
        rng=random.Random(1),
    )


def chosen(result: Choice | NoChoice) -> int:
    assert isinstance(result, Choice), result
    return result.candidate.ani_id


def test_the_nearest_area_codes_are_read_only_with_a_radius(areas: FakeAreas) -> None:
    local_is_full = {LOCAL: used(HEALTHY)}
    # With a radius (even half a kilometre) the number on the prospect's spot is found (pass 2);
    # without one the whole ranking is walked instead and its best usable number wins (pass 3).
    assert chosen(learned(areas, local_is_full, 0.5)) == NEAR
    assert chosen(learned(areas, local_is_full, 0.0)) == FAR


def test_a_nearby_number_past_its_healthy_volume_waits(areas: FakeAreas) -> None:
    usage = {LOCAL: used(HEALTHY), NEAR: used(HEALTHY)}
    assert chosen(learned(areas, usage, 0.5)) == FAR


def test_the_ranking_walk_is_scored_within_healthy_volume(areas: FakeAreas) -> None:
    # FAR has used 40 of its 75: within healthy volume, so its rate alone counts (1.5 > 1.0);
    # the room under the cap (35/75) only weighs once every number is past healthy.
    usage = {LOCAL: used(HEALTHY), FAR: used(40)}
    assert chosen(learned(areas, usage, 0.0)) == FAR


def test_past_healthy_the_numbers_already_read_come_before_the_rest(areas: FakeAreas) -> None:
    # Everyone past healthy; LOCAL nearly capped. Of what the passes read (LOCAL, the listed
    # number) LOCAL is taken, although FAR would score better by the room left.
    usage = {n: used(HEALTHY) for n in (NEAR, FAR, OUTSIDER, STATE)} | {LOCAL: used(70)}
    assert chosen(learned(areas, usage, 0.0)) == LOCAL
    # Once LOCAL is capped too, every number is scored: FAR (1.5 x 25/75) beats the rest.
    usage[LOCAL] = used(75)
    assert chosen(learned(areas, usage, 0.0)) == FAR


def test_a_strict_refusal_names_the_brand_restriction(areas: FakeAreas) -> None:
    branded = [cand(1, "561", branded=True), cand(2, "212", "NY", branded=True), cand(3, "561")]
    usage = {1: used(75), 2: used(75)}
    result = learned(areas, usage, 0.0, branded, cap_mode="strict", use_branded=True)
    assert result == NoChoice("all 2 branded ANIs reached their daily cap of 75", "all_capped")


def test_a_minority_brand_reads_four_ranking_entries_per_listed_number(areas: FakeAreas) -> None:
    # The four best numbers are unbranded; the branded view's best is fifth. Listing one number
    # walks four entries of the ranking, so it lists none and the nearby number is taken (pass
    # 2); the fifth would have been listed and taken in pass 1.
    numbers = [cand(10 + i, "212", "NY") for i in range(4)] + [
        cand(20, "206", "WA", branded=True),
        cand(21, "912", "GA", branded=True),
        cand(22, "561", branded=True),
    ]
    model = replace(
        MODEL,
        quality={10: 3.0, 11: 3.0, 12: 3.0, 13: 3.0, 20: 2.0, 21: 1.0, 22: 1.0},
        shortlist=(10, 11, 12, 13, 20, 21, 22),
    )
    usage = {22: used(HEALTHY)}
    assert chosen(learned(areas, usage, 0.5, numbers, model, use_branded=True)) == 21


def test_listed_takes_the_states_shortlist_then_the_first_of_the_ranking() -> None:
    numbers = [cand(i, "212", "NY") for i in range(1, 9)] + [cand(9, "206", "WA", branded=True)]
    pool = CandidatePool(numbers)
    seg = pool.segment("+1", False)
    assert seg is not None
    model = replace(
        ContactModel.empty(LearnerParams(shortlist_size=3)),
        shortlist=(9, 8, 7, 6, 5, 4, 3, 2, 1),
        state_shortlists={"NY": (2, 1), "WA": (9,)},
    )
    # NY's shortlist in full; then the company ranking's first three of this (unbranded) view.
    assert [c.ani_id for c in _listed(model, pool, seg, "NY")] == [2, 1, 8, 7, 6]
    assert [c.ani_id for c in _listed(model, pool, seg, "WA")] == [8, 7, 6]
    assert [c.ani_id for c in _listed(model, pool, seg, None)] == [8, 7, 6]
    one = replace(model, params=LearnerParams(shortlist_size=1), memo={})
    assert [c.ani_id for c in _listed(one, pool, seg, "NY")] == [2, 1, 8]


def test_each_brand_view_is_ranked_among_its_own_numbers(areas: FakeAreas) -> None:
    # One model serves both views, and each walks (and memoises) a ranking of its own numbers:
    # the listed best of each view is past healthy, so both go on to the whole ranking (pass 3).
    numbers = [
        cand(1, "212", "NY", branded=True),
        cand(2, "206", "WA", branded=True),
        cand(3, "212", "NY"),
        cand(4, "206", "WA"),
    ]
    model = replace(MODEL, quality={1: 3.0, 3: 2.5, 2: 2.0, 4: 1.5}, shortlist=(1, 3, 2, 4))
    usage = {1: used(HEALTHY), 3: used(HEALTHY)}
    for _ in range(2):
        assert chosen(learned(areas, usage, 0.0, numbers, model, use_branded=False)) == 4
        assert chosen(learned(areas, usage, 0.0, numbers, model, use_branded=True)) == 2


def test_nothing_is_memoised_on_a_model_without_rankings() -> None:
    # The empty model is shared by every company without evidence: it must not grow per pool.
    empty = ContactModel.empty()
    pool = CandidatePool(NUMBERS)
    seg = pool.segment("+1")
    assert seg is not None
    assert _listed(empty, pool, seg, "FL") == ()
    assert empty.memo == {}
