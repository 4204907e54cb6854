"""Brand filter (and its ignore path) and the country filter."""

from __future__ import annotations

import random

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
)

from .support import FakeAreas, cand, prospect, used


def run(
    cands: list[Candidate],
    areas: FakeAreas,
    p: Prospect | None = None,
    usage: dict[int, Usage] | None = None,
    **opts: object,
) -> Choice | NoChoice:
    opts.setdefault("assignment_type", "area_code")
    return choose_ani(
        p or prospect(),
        CandidatePool(cands),
        usage or {},
        SelectionOptions(**opts),  # type: ignore[arg-type]
        areas=areas,
        rng=random.Random(5),
    )


def chosen(result: Choice | NoChoice) -> Choice:
    assert isinstance(result, Choice), result
    return result


MIXED = [cand(1), cand(2, branded=True), cand(3, "212", "NY", branded=True), cand(4, "212", "NY")]


class TestBrand:
    def test_branded_only(self, areas: FakeAreas) -> None:
        c = chosen(run(MIXED, areas, use_branded=True))
        assert (c.candidate.ani_id, c.candidate.branded, c.brand_filter_ignored) == (2, True, False)

    def test_branded_only_beats_locality(self, areas: FakeAreas) -> None:
        c = chosen(run([cand(1), cand(3, "212", "NY", branded=True)], areas, use_branded=True))
        assert (c.candidate.ani_id, c.match, c.brand_filter_ignored) == (3, "any", False)

    def test_unbranded_only(self, areas: FakeAreas) -> None:
        c = chosen(run(MIXED, areas, use_branded=False, usage={1: used(75)}))
        assert (c.candidate.ani_id, c.match) == (4, "any")

    def test_either(self, areas: FakeAreas) -> None:
        c = chosen(run(MIXED, areas, use_branded=None, usage={1: used(1, last=3.0)}))
        assert (c.candidate.ani_id, c.brand_filter_ignored) == (2, False)

    def test_ignored_when_nothing_matches(self, areas: FakeAreas) -> None:
        c = chosen(run([cand(1), cand(2, "212", "NY")], areas, use_branded=True))
        assert (c.candidate.ani_id, c.match, c.brand_filter_ignored) == (1, "area_code", True)
        assert "brand filter" in c.explanation
        c = chosen(run([cand(1, branded=True)], areas, use_branded=False))
        assert (c.candidate.ani_id, c.brand_filter_ignored) == (1, True)

    def test_ignore_is_decided_after_the_country_filter(self, areas: FakeAreas) -> None:
        cands = [cand(1), cand(2, "20", "London", cc="+44", branded=True)]
        c = chosen(run(cands, areas, use_branded=True))
        assert (c.candidate.ani_id, c.brand_filter_ignored) == (1, True)

    def test_capped_branded_numbers_are_not_a_reason_to_ignore_the_filter(
        self, areas: FakeAreas
    ) -> None:
        cands = [cand(1), cand(2, branded=True)]
        c = chosen(run(cands, areas, use_branded=True, usage={2: used(75)}))
        assert (c.candidate.ani_id, c.over_cap, c.brand_filter_ignored) == (2, True, False)

    def test_strict_brand_refuses(self, areas: FakeAreas) -> None:
        r = run([cand(1)], areas, use_branded=True, strict_brand=True)
        assert r == NoChoice("no +1 ANIs match use_branded=true", "no_brand_match")
        r = run([cand(1, branded=True)], areas, use_branded=False, strict_brand=True)
        assert r == NoChoice("no +1 ANIs match use_branded=false", "no_brand_match")


class TestCountry:
    UK = Prospect(country_code="+44", area_code="20", state=None)

    def test_only_the_prospects_country(self, areas: FakeAreas) -> None:
        cands = [cand(1, "20", None), cand(2, "20", None, cc="+44"), cand(3, "161", None, cc="+44")]
        c = chosen(run(cands, areas, p=self.UK))
        assert (c.candidate.ani_id, c.match) == (2, "area_code")
        c = chosen(run(cands, areas, p=prospect("20", None)))
        assert (c.candidate.ani_id, c.match) == (1, "area_code")

    def test_never_crosses_country_even_when_capped(self, areas: FakeAreas) -> None:
        cands = [cand(1), cand(2, "161", None, cc="+44")]
        c = chosen(run(cands, areas, p=self.UK, usage={2: used(75)}))
        assert (c.candidate.ani_id, c.over_cap) == (2, True)

    def test_no_inventory_for_the_country(self, areas: FakeAreas) -> None:
        r = run([cand(1), cand(2)], areas, p=self.UK)
        assert r == NoChoice("no +44 ANIs in the inventory", "no_inventory")

    def test_country_code_spelling_is_normalized(self, areas: FakeAreas) -> None:
        cands = [cand(1, cc="1"), cand(2, "161", None, cc="+44")]
        c = chosen(run(cands, areas, p=prospect(cc=" +1")))
        assert c.candidate.ani_id == 1
        c = chosen(run(cands, areas, p=Prospect(country_code="44", area_code=None, state=None)))
        assert c.candidate.ani_id == 2
