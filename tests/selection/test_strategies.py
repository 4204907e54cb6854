"""Every strategy and every rung of its fallback ladder, with match and fallback asserted."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from openani.selection import (
    AssignmentType,
    Candidate,
    CandidatePool,
    Choice,
    ContactModel,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
)

from .support import FakeAreas, cand, prospect, used

# 1-8 cover each rung for a Palm Beach (561, FL) prospect.
INVENTORY = {
    1: cand(1, "561"),
    2: cand(2, "728"),  # overlay of 561
    3: cand(3, "772"),  # FL, ~90 km
    4: cand(4, "954"),  # FL, ~55 km
    5: cand(5, "912", "GA"),  # ~600 km
    6: cand(6, "212", "NY"),
    7: cand(7, "800"),  # toll-free
    8: cand(8, "305"),  # FL, Miami
}


def pick(
    *ani_ids: int,
    p: Prospect | None = None,
    usage: dict[int, Usage] | None = None,
    areas: FakeAreas,
    rng: random.Random | None = None,
    extra: tuple[Candidate, ...] = (),
    **opts: object,
) -> Choice:
    pool = CandidatePool([INVENTORY[i] for i in ani_ids] + list(extra))
    result = choose_ani(
        p or prospect(),
        pool,
        usage or {},
        SelectionOptions(**opts),  # type: ignore[arg-type]
        areas=areas,
        rng=rng or random.Random(1),
    )
    assert isinstance(result, Choice), result
    return result


def check(c: Choice, ani_id: int, atype: AssignmentType, match: str, fallback: bool) -> None:
    assert (c.candidate.ani_id, c.assignment_type, c.match, c.fallback) == (
        ani_id,
        atype,
        match,
        fallback,
    )
    assert not c.over_cap
    assert not c.brand_filter_ignored


ALL = tuple(INVENTORY)


class TestAreaCode:
    def test_same_area_code(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="area_code")
        check(c, 1, "area_code", "area_code", False)
        assert c.requested_assignment_type == "area_code"

    def test_overlay(self, areas: FakeAreas) -> None:
        c = pick(2, 3, 4, 5, 6, 7, 8, areas=areas, assignment_type="area_code")
        check(c, 2, "area_code", "overlay", True)

    def test_same_state_is_lru_across_the_state(self, areas: FakeAreas) -> None:
        c = pick(3, 4, 5, 6, 7, 8, areas=areas, assignment_type="area_code")
        check(c, 3, "area_code", "state", True)
        usage = {3: used(1, last=100.0), 4: used(1, last=50.0)}
        c = pick(3, 4, 5, 6, 7, 8, usage=usage, areas=areas, assignment_type="area_code")
        check(c, 8, "area_code", "state", True)  # 8 was never used

    def test_nearest_prefers_the_closest_area_code(self, areas: FakeAreas) -> None:
        # A prospect whose state has no number: nearest area code by distance, not by LRU.
        p = prospect("561", "ZZ")
        c = pick(3, 4, 6, areas=areas, p=p, assignment_type="area_code")
        check(c, 4, "area_code", "nearest", True)
        assert c.distance_km == pytest.approx(56, abs=3)
        c = pick(3, 4, 6, areas=areas, p=p, assignment_type="area_code", usage={4: used(75)})
        check(c, 3, "area_code", "nearest", True)
        assert c.distance_km == pytest.approx(90, abs=5)

    def test_nearest_respects_the_radius(self, areas: FakeAreas) -> None:
        p = prospect("912", "GA")
        kwargs: dict[str, Any] = {"assignment_type": "area_code"}
        c = pick(3, 6, areas=areas, p=p, nearest_radius_km=1000.0, **kwargs)
        check(c, 3, "area_code", "nearest", True)
        c = pick(3, 6, areas=areas, p=p, nearest_radius_km=250.0, **kwargs)
        check(c, 3, "area_code", "any", True)
        c = pick(3, 6, areas=areas, p=p, nearest_radius_km=0.0, **kwargs)
        check(c, 3, "area_code", "any", True)

    def test_any(self, areas: FakeAreas) -> None:
        c = pick(6, 7, areas=areas, assignment_type="area_code")
        check(c, 6, "area_code", "any", True)

    def test_unknown_area_code_and_state_go_straight_to_any(self, areas: FakeAreas) -> None:
        p = Prospect(country_code="+1", area_code=None, state=None)
        c = pick(*ALL, areas=areas, p=p, assignment_type="area_code")
        check(c, 1, "area_code", "any", True)

    def test_geo_lookups_are_lazy(self, areas: FakeAreas) -> None:
        pick(*ALL, areas=areas, assignment_type="area_code")
        assert (areas.overlay_calls, areas.nearest_calls) == (0, 0)
        pick(3, 4, areas=areas, assignment_type="area_code")
        assert (areas.overlay_calls, areas.nearest_calls) == (1, 0)


class TestZip:
    def test_zip_area_codes(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, p=prospect(zips=("772",)), assignment_type="zip")
        check(c, 3, "zip", "zip", False)

    def test_several_zip_area_codes_rotate_by_lru(self, areas: FakeAreas) -> None:
        p = prospect(zips=("561", "728"))
        c = pick(*ALL, areas=areas, p=p, assignment_type="zip", usage={1: used(3, last=9.0)})
        check(c, 2, "zip", "zip", False)

    def test_zip_falls_back_to_the_area_code_ladder(self, areas: FakeAreas) -> None:
        p = prospect(zips=("863",))
        c = pick(*ALL, areas=areas, p=p, assignment_type="zip")
        check(c, 1, "area_code", "area_code", True)
        c = pick(2, 3, 5, areas=areas, p=p, assignment_type="zip")
        check(c, 2, "area_code", "overlay", True)
        c = pick(3, 5, areas=areas, p=p, assignment_type="zip")
        check(c, 3, "area_code", "state", True)
        c = pick(5, 6, areas=areas, p=prospect(zips=("863",), state="ZZ"), assignment_type="zip")
        check(c, 5, "area_code", "any", True)

    def test_zip_area_code_that_is_capped_falls_to_the_rest_of_the_ladder(
        self, areas: FakeAreas
    ) -> None:
        p = prospect(zips=("561",))
        c = pick(1, 2, 3, areas=areas, p=p, assignment_type="zip", usage={1: used(75)})
        check(c, 2, "area_code", "overlay", True)

    def test_without_zip_the_phone_area_code_is_the_first_level(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="zip")
        check(c, 1, "zip", "area_code", False)
        c = pick(2, 3, areas=areas, assignment_type="zip")
        check(c, 2, "area_code", "overlay", True)
        c = pick(3, 6, areas=areas, assignment_type="zip")
        check(c, 3, "area_code", "state", True)


class TestState:
    def test_same_state_without_area_code_preference(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="state", usage={1: used(1, last=5.0)})
        check(c, 2, "state", "state", False)

    def test_state_falls_back_to_nearest_then_any(self, areas: FakeAreas) -> None:
        p = prospect("912", "GA", at=(30.3, -81.7))  # Jacksonville-ish point, GA unknown here
        c = pick(1, 3, 6, areas=areas, p=p, assignment_type="state", nearest_radius_km=500.0)
        check(c, 3, "state", "nearest", True)
        c = pick(6, 7, areas=areas, p=p, assignment_type="state")
        check(c, 6, "state", "any", True)

    def test_state_never_uses_overlays(self, areas: FakeAreas) -> None:
        p = prospect("561", "NY")
        c = pick(2, 6, areas=areas, p=p, assignment_type="state")
        check(c, 6, "state", "state", False)


class TestTollFree:
    def test_toll_free_first(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="tfn")
        check(c, 7, "tfn", "tfn", False)

    @pytest.mark.parametrize("default", [None, "tfn"])
    def test_fallback_without_usable_default(
        self, areas: FakeAreas, default: AssignmentType | None
    ) -> None:
        c = pick(1, 2, areas=areas, assignment_type="tfn", default_assignment_type=default)
        check(c, 1, "area_code", "area_code", True)
        p = prospect(zips=("728",))
        c = pick(1, 2, areas=areas, p=p, assignment_type="tfn", default_assignment_type=default)
        check(c, 2, "zip", "zip", True)

    def test_fallback_to_campaign_default(self, areas: FakeAreas) -> None:
        c = pick(1, 2, areas=areas, assignment_type="tfn", default_assignment_type="state",
                 usage={1: used(1, last=1.0)})  # fmt: skip
        check(c, 2, "state", "state", True)
        c = pick(1, 2, areas=areas, assignment_type="tfn", default_assignment_type="random")
        check(c, c.candidate.ani_id, "random", "any", True)
        c = pick(1, 6, areas=areas, assignment_type="tfn",
                 default_assignment_type="highest_contact_rate")  # fmt: skip
        check(c, 1, "highest_contact_rate", "area_code", True)

    def test_capped_toll_free_falls_back(self, areas: FakeAreas) -> None:
        c = pick(1, 7, areas=areas, assignment_type="tfn", usage={7: used(75)})
        check(c, 1, "area_code", "area_code", True)


class TestNoneStrategy:
    def test_none_means_zip_with_a_zip(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, p=prospect(zips=("772",)), assignment_type=None)
        check(c, 3, "zip", "zip", False)
        assert c.requested_assignment_type is None

    def test_none_means_area_code_without_a_zip(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type=None)
        check(c, 1, "area_code", "area_code", False)
        c = pick(2, 3, areas=areas, assignment_type=None)
        check(c, 2, "area_code", "overlay", True)


class TestRandom:
    def test_random_ignores_locality(self, areas: FakeAreas) -> None:
        seen = {
            pick(*ALL, areas=areas, assignment_type="random", rng=random.Random(s)).candidate.ani_id
            for s in range(200)
        }
        assert seen == set(ALL)

    def test_random_reports_any(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="random")
        check(c, c.candidate.ani_id, "random", "any", False)


class TestAuto:
    """auto: the local-presence ladder, numbers suspected of a label last within each level."""

    def test_without_evidence_it_is_the_local_presence_rule(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="auto")
        check(c, 1, "area_code", "area_code", False)
        assert c.requested_assignment_type == "auto"

    def test_a_better_number_elsewhere_does_not_beat_local_presence(self, areas: FakeAreas) -> None:
        great = replace(ContactModel.empty(), quality={6: 3.0}, shortlist=(6,))
        c = pick(1, 6, areas=areas, assignment_type="auto", model=great)
        check(c, 1, "area_code", "area_code", False)

    def test_a_suspect_is_skipped_while_its_level_has_another_number(
        self, areas: FakeAreas
    ) -> None:
        # 1 and 9 share the prospect's area code; 1 (used less recently) is suspected.
        suspect = replace(ContactModel.empty(), suspects=frozenset({1}))
        nine = (cand(9, "561"),)
        usage = {9: used(5, last=100.0)}
        c = pick(1, 6, extra=nine, usage=usage, areas=areas, assignment_type="auto", model=suspect)
        check(c, 9, "area_code", "area_code", False)
        plain = pick(1, 6, extra=nine, usage=usage, areas=areas, assignment_type="area_code")
        check(plain, 1, "area_code", "area_code", False)

    def test_a_suspect_keeps_local_presence_when_it_is_the_only_local_number(
        self, areas: FakeAreas
    ) -> None:
        suspect = replace(ContactModel.empty(), suspects=frozenset({1}))
        c = pick(1, 6, areas=areas, assignment_type="auto", model=suspect)
        check(c, 1, "area_code", "area_code", False)


class TestLearned:
    """highest_contact_rate: the learner (see test_learner.py), one level, no ladder."""

    def test_local_first_without_evidence(self, areas: FakeAreas) -> None:
        c = pick(*ALL, areas=areas, assignment_type="highest_contact_rate")
        check(c, 1, "highest_contact_rate", "area_code", False)

    def test_a_better_shortlisted_number_beats_local_presence(self, areas: FakeAreas) -> None:
        great = replace(ContactModel.empty(), quality={6: 3.0}, shortlist=(6,))
        c = pick(1, 6, areas=areas, assignment_type="highest_contact_rate", model=great)
        check(c, 6, "highest_contact_rate", "any", False)

    def test_match_is_reported_but_is_not_a_fallback(self, areas: FakeAreas) -> None:
        kw: dict[str, Any] = {"assignment_type": "highest_contact_rate"}
        check(pick(2, 6, areas=areas, **kw), 2, "highest_contact_rate", "overlay", False)
        check(pick(3, 6, areas=areas, **kw), 3, "highest_contact_rate", "state", False)
        check(pick(6, 7, areas=areas, **kw), 6, "highest_contact_rate", "any", False)
        check(pick(7, areas=areas, **kw), 7, "highest_contact_rate", "tfn", False)
        # 954 is read as a nearby area code, but distance is not one of the learner's classes.
        areas.nearest_calls = 0
        c = pick(4, areas=areas, p=prospect("561", "ZZ"), **kw)
        check(c, 4, "highest_contact_rate", "any", False)
        assert areas.nearest_calls == 1
        # A local number under its healthy volume: the nearest area codes are not looked up.
        areas.nearest_calls = 0
        check(pick(1, 4, areas=areas, **kw), 1, "highest_contact_rate", "area_code", False)
        assert areas.nearest_calls == 0


def test_no_choice_only_when_nothing_fits(areas: FakeAreas) -> None:
    r = choose_ani(prospect(), CandidatePool([]), {}, SelectionOptions("zip"), areas=areas,
                   rng=random.Random(0))  # fmt: skip
    assert r == NoChoice("no +1 ANIs in the inventory", "no_inventory")
