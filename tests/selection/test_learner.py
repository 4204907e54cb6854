"""The learner behind ``auto`` and ``highest_contact_rate``: the fit, the pick, and choose_ani."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    ContactModel,
    DayTally,
    LearnerParams,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
    fit,
    local_area_codes,
)
from openani.selection.learner import MATCH_CLASSES, match_class, pick_learned

from .support import FakeAreas, cand, fresh_areas, prospect, record, used

# Prospect areas of the fits below: their local codes (own + overlay) and their state.
AREAS_LOCAL: dict[str | None, frozenset[str]] = {
    "561": frozenset({"561", "728"}),
    "305": frozenset({"305", "786"}),
    "212": frozenset({"212"}),
}
AREA_STATES: dict[str | None, str | None] = {"561": "FL", "305": "FL", "212": "NY"}


def days(ani_id: int, area: str, ages: range, dials: int, rate: float) -> list[DayTally]:
    return [DayTally(age, ani_id, area, dials, round(dials * rate)) for age in ages]


def fitted(numbers: list[Candidate], tallies: list[DayTally], **params: object) -> ContactModel:
    return fit(
        tallies,
        {c.ani_id: c for c in numbers},
        dict(AREAS_LOCAL),
        dict(AREA_STATES),
        LearnerParams(**params),  # type: ignore[arg-type]
    )


def model_with(**fields: object) -> ContactModel:
    """A hand-set model: no warm-up, 10 healthy dials, everything else neutral unless given."""
    params = fields.pop("params", LearnerParams(healthy_daily=10, warmup_days=0))
    assert isinstance(params, LearnerParams)
    return replace(ContactModel.empty(params), **fields)  # type: ignore[arg-type]


# --- parameters and geography -------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"day_discount": 0.0},
        {"day_discount": 1.5},
        {"prior_rate": 0.0},
        {"prior_rate": 1.0},
        {"prior_strength": 0.0},
        {"class_strength": -1.0},
        {"quality_strength": 0.0},
        {"healthy_daily": 0},
        {"warmup_days": -1},
        {"shortlist_size": -1},
        {"recent_days": -1},
    ],
)
def test_params_validation(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        LearnerParams(**kwargs)  # type: ignore[arg-type]


def test_local_area_codes_and_match_class() -> None:
    p = prospect("561", zips=("772",))
    local = local_area_codes(p, ("728",))
    assert local == {"561", "728", "772"}
    assert local_area_codes(Prospect("+1", None, None), ()) == frozenset()
    assert match_class(cand(1, "728"), local, "FL") == "local"
    assert match_class(cand(2, "954"), local, "FL") == "state"
    assert match_class(cand(3, "212", "NY"), local, "FL") == "distant"
    assert match_class(cand(4, "954"), local, None) == "distant"
    assert match_class(cand(5, "800"), local, "FL") == "toll_free"


def test_empty_model_is_the_prior() -> None:
    m = ContactModel.empty()
    assert m.rate("561", "local") == m.rate(None, "distant") == pytest.approx(0.15)
    assert m.predict(cand(1), "561", "local") == pytest.approx(0.15)
    assert (m.shortlist, m.evidence) == ((), 0)


# --- fit ------------------------------------------------------------------------------------


def test_fit_recovers_quality_ordering() -> None:
    # Same calls (100 a day to 561 for ten days); number 1 gets twice the contacts of its peers.
    numbers = [cand(1), cand(2), cand(3)]
    tallies = days(1, "561", range(10), 100, 0.30)
    tallies += days(2, "561", range(10), 100, 0.15) + days(3, "561", range(10), 100, 0.15)
    m = fitted(numbers, tallies)
    q = m.quality
    assert q[1] > 1.0 > q[2]
    assert q[2] == pytest.approx(q[3])
    assert q[1] / q[2] == pytest.approx(2.0, rel=0.1)  # shrunk towards 1, but not by much
    assert m.rate("561", "local") == pytest.approx(0.2, abs=0.01)
    assert m.shortlist[0] == 1
    assert m.evidence == 3000


def test_class_rates_learn_the_local_lift() -> None:
    # Each number is local to one FL area, in-state to the other and distant to NY's.
    numbers = [cand(1, "561"), cand(2, "305"), cand(3, "212", "NY")]
    tallies: list[DayTally] = []
    for area, local, state in (("561", 1, 2), ("305", 2, 1)):
        tallies += days(local, area, range(10), 100, 0.30)
        tallies += days(state, area, range(10), 100, 0.20)
        tallies += days(3, area, range(10), 100, 0.10)
    m = fitted(numbers, tallies)
    rates = m.class_rates
    assert rates["local"] > rates["state"] > rates["distant"]
    assert m.rate("561", "local") == pytest.approx(0.30, abs=0.01)
    assert m.rate("305", "distant") == pytest.approx(0.10, abs=0.01)
    # The class explains the differences, so no number is credited or blamed for them.
    assert all(q == pytest.approx(1.0, abs=0.03) for q in m.quality.values())
    # An area never called (912) falls back to the class rates learnt everywhere.
    for cls in MATCH_CLASSES:
        assert m.rate("912", cls) == rates[cls]
    assert m.predict(cand(4, "912", "GA"), "912", "local") == pytest.approx(rates["local"])


def test_an_unseen_area_gets_the_local_number() -> None:
    # The local lift learnt in FL picks the GA prospect's own area code over a proven NY number
    # that is as good as its peers.
    numbers = [cand(1, "561"), cand(2, "305"), cand(3, "212", "NY")]
    tallies: list[DayTally] = []
    for area, local, state in (("561", 1, 2), ("305", 2, 1)):
        tallies += days(local, area, range(10), 100, 0.30) + days(state, area, range(10), 100, 0.2)
        tallies += days(3, area, range(10), 100, 0.10)
    m = fitted([*numbers, cand(4, "912", "GA")], tallies)
    pool = CandidatePool([numbers[2], cand(4, "912", "GA")])
    opts = SelectionOptions("auto", model=replace(m, shortlist=(3,)))
    r = choose_ani(prospect("912", "GA"), pool, {}, opts, areas=FakeAreas(), rng=random.Random(0))
    assert isinstance(r, Choice) and (r.candidate.ani_id, r.match) == (4, "area_code")
    # Had the data said distant numbers do better, the learner would follow the data.
    flipped = replace(m, class_rates={**m.class_rates, "distant": 0.5}, shortlist=(3,))
    r = choose_ani(prospect("912", "GA"), pool, {}, replace(opts, model=flipped),
                   areas=FakeAreas(), rng=random.Random(0))  # fmt: skip
    assert isinstance(r, Choice) and (r.candidate.ani_id, r.match) == (3, "any")


def test_day_discount_makes_old_evidence_fade() -> None:
    # 1 was good last week and poor this week; 2 the opposite; 3 and 4 are steady peers.
    numbers = [cand(i) for i in range(1, 5)]
    tallies = days(1, "561", range(7, 14), 100, 0.3) + days(1, "561", range(7), 100, 0.1)
    tallies += days(2, "561", range(7, 14), 100, 0.1) + days(2, "561", range(7), 100, 0.3)
    tallies += days(3, "561", range(14), 100, 0.2) + days(4, "561", range(14), 100, 0.2)
    fading = fitted(numbers, tallies, day_discount=0.8).quality
    assert fading[2] > 1.2 and fading[1] < 0.8
    flat = fitted(numbers, tallies, day_discount=1.0).quality
    assert flat[1] == pytest.approx(flat[2])
    assert flat[1] == pytest.approx(1.0, abs=0.02)


def test_healthy_volume_ramps_up_over_the_warm_up() -> None:
    numbers = [cand(i) for i in range(1, 6)]
    tallies = [DayTally(0, 1, "561", 5, 1)]
    tallies += days(2, "561", range(2), 5, 0.2) + days(3, "561", range(3), 5, 0.2)
    tallies += days(4, "561", range(6), 5, 0.2)
    m = fitted(numbers, tallies, healthy_daily=40, warmup_days=3)
    assert dict(m.age_days) == {1: 0, 2: 1, 3: 2, 4: 5}
    assert [m.healthy_volume(i) for i in range(1, 6)] == [10, 20, 30, 40, 10]  # 5: never called
    m0 = fitted(numbers, tallies, healthy_daily=40, warmup_days=0)
    assert {m0.healthy_volume(i) for i in range(1, 6)} == {40}
    tiny = fitted(numbers, tallies, healthy_daily=1, warmup_days=3)
    assert tiny.healthy_volume(5) == 1  # a new number may always be dialled once


def test_fit_ignores_unknown_numbers_and_clamps_counts() -> None:
    tallies = [
        DayTally(0, 99, "561", 100, 50),  # not in the inventory
        DayTally(0, 1, "561", 0, 0),  # no dials
        DayTally(0, 1, "561", 10, 20),  # more contacts than dials: counted as 10
    ]
    m = fitted([cand(1)], tallies)
    assert 99 not in m.quality and m.evidence == 10
    assert m == fitted([cand(1)], [DayTally(0, 1, "561", 10, 10)])
    assert 0.0 < m.rate("561", "local") < 1.0


def test_history_only_leaves_the_recent_window_out() -> None:
    # Number 1 was like its peers until it collapsed yesterday and today.
    numbers = [cand(i) for i in range(1, 5)]
    tallies = days(1, "561", range(2, 10), 100, 0.2) + days(1, "561", range(2), 100, 0.0)
    for i in (2, 3, 4):
        tallies += days(i, "561", range(10), 100, 0.2)
    c = {n.ani_id: n for n in numbers}
    history = fit(tallies, c, AREAS_LOCAL, AREA_STATES, LearnerParams(recent_days=1),
                  history_only=True)  # fmt: skip
    assert history.quality[1] == pytest.approx(1.0, abs=0.03)
    assert history.evidence == 100 * 8 + 3 * 100 * 8
    assert fitted(numbers, tallies).quality[1] < 0.75


def test_shortlists_rank_numbers_by_quality() -> None:
    # 12 FL numbers of rising quality, 3 NY ones, a toll-free one; 99 has no evidence at all.
    numbers = [cand(i, "561") for i in range(1, 13)] + [cand(i, "212", "NY") for i in (20, 21, 22)]
    numbers += [cand(30, "800"), cand(99, "305")]
    tallies: list[DayTally] = []
    for n in numbers[:-1]:
        tallies += days(n.ani_id, "561", range(5), 100, 0.01 * (n.ani_id % 20 + 5))
    m = fitted(numbers, tallies, shortlist_size=5)
    q = m.quality
    assert len(m.shortlist) == 5
    assert list(m.shortlist) == sorted(q, key=lambda n: -q[n])[:5]
    fl = m.state_shortlists["FL"]
    assert len(fl) == 8 and 30 not in fl  # a toll-free number has no state
    assert [q.get(n, 1.0) for n in fl] == sorted((q.get(n, 1.0) for n in fl), reverse=True)
    assert 99 in fl  # unproven: ranked at quality 1, above the proven-poor ones
    assert set(m.state_shortlists["NY"]) == {20, 21, 22}


# --- pick_learned ---------------------------------------------------------------------------

LOCAL = frozenset({"561", "728"})


def pick(
    cands: list[Candidate], usage: dict[int, Usage], model: ContactModel, *, healthy: bool = True
) -> int | None:
    found = pick_learned(cands, usage.get, model, "561", LOCAL, "FL", within_healthy=healthy)
    return None if found is None else found[0].ani_id


def test_pick_prefers_the_higher_predicted_rate() -> None:
    m = model_with(quality={1: 0.8, 2: 1.5})
    assert pick([cand(1), cand(2)], {}, m) == 2
    # Quality multiplies the area's class rate: a distant great number beats a local poor one
    # when the product says so, and not otherwise.
    far = cand(6, "212", "NY")
    assert pick([cand(1), far], {}, model_with(quality={1: 0.5, 6: 2.0})) == 6
    lifted = model_with(quality={1: 0.5, 6: 2.0}, area_rates={("561", "local"): 0.7})
    assert pick([cand(1), far], {}, lifted) == 1


def test_pick_respects_healthy_volume_then_caps() -> None:
    m = model_with(quality={1: 0.8, 2: 1.5})
    cands = [cand(1), cand(2)]
    at_healthy = {2: used(10)}
    assert pick(cands, at_healthy, m) == 1
    # Past healthy everywhere: the prediction is weighted by the room left under the cap.
    assert pick(cands, {1: used(10), 2: used(10)}, m) is None
    assert pick(cands, {1: used(10), 2: used(10)}, m, healthy=False) == 2  # 1.5*65 > 0.8*65
    assert pick(cands, {1: used(10), 2: used(60)}, m, healthy=False) == 1  # 1.5*15 < 0.8*65
    # Caps bind in both passes, daily and hourly.
    assert pick(cands, {2: used(75)}, m, healthy=False) == 1
    hourly = [cand(1), cand(2, hourly_cap=3)]
    assert pick(hourly, {2: used(1, hour=3)}, m) == 1
    assert pick([cand(1, daily_cap=0), cand(2, hourly_cap=0)], {}, m, healthy=False) is None


def test_pick_ties_go_local_then_least_recently_used() -> None:
    m = model_with()  # no evidence: every prediction is the same
    cands = [cand(6, "212", "NY"), cand(7, "800"), cand(3, "772"), cand(1), cand(2, "728")]
    usage = {1: used(1, last=5.0), 2: used(1, last=3.0), 3: used(1, last=9.0), 6: used(1, last=1.0)}
    assert pick(cands, usage, m) == 2
    assert pick(cands[:3], usage, m) == 3  # in-state before distant, even if used more recently
    assert pick(cands[:2], usage, m) == 6  # distant before toll-free
    assert pick([cand(4), cand(5)], {}, m) == 4  # and then the lower ani_id


def test_pick_reports_the_match_class() -> None:
    nothing: dict[int, Usage] = {}
    m = model_with()
    found = pick_learned([cand(3, "772")], nothing.get, m, "561", LOCAL, "FL", within_healthy=True)
    assert found is not None and found[1] == "state"


# --- choose_ani with a learned strategy -----------------------------------------------------


def choose(
    cands: list[Candidate],
    usage: dict[int, Usage] | None = None,
    p: Prospect | None = None,
    areas: FakeAreas | None = None,
    **opts: object,
) -> Choice | NoChoice:
    opts.setdefault("assignment_type", "auto")
    return choose_ani(
        p or prospect(),
        CandidatePool(cands),
        usage or {},
        SelectionOptions(**opts),  # type: ignore[arg-type]
        areas=areas or fresh_areas(),
        rng=random.Random(0),
    )


def chosen(result: Choice | NoChoice) -> Choice:
    assert isinstance(result, Choice), result
    return result


@pytest.mark.parametrize("strategy", ["auto", "highest_contact_rate"])
def test_the_learner_reports_highest_contact_rate(strategy: str) -> None:
    c = chosen(choose([cand(1), cand(6, "212", "NY")], assignment_type=strategy))
    assert (c.candidate.ani_id, c.match, c.fallback, c.over_cap) == (1, "area_code", False, False)
    assert c.assignment_type == "highest_contact_rate"
    assert c.requested_assignment_type == strategy
    assert "by highest_contact_rate" in c.explanation


def test_a_day_of_calls_fills_the_best_numbers_to_healthy_volume_in_turn() -> None:
    # Ten local numbers, 1 the best and 10 the worst; healthy 50, cap 75.
    quality = {i: 2.0 - i / 10 for i in range(1, 11)}
    m = model_with(quality=quality, params=LearnerParams(healthy_daily=50, warmup_days=0))
    pool = CandidatePool([cand(i) for i in range(1, 11)])
    usage: dict[int, Usage] = {}
    opts = SelectionOptions("auto", model=m)
    picks: list[Choice] = []
    for t in range(800):
        r = chosen(choose_ani(prospect(), pool, usage, opts, areas=FakeAreas(),
                              rng=random.Random(t)))  # fmt: skip
        picks.append(r)
        record(usage, r.candidate.ani_id, float(t))
    # Healthy first: 50 calls each, best first, not the whole day on the best number.
    assert [r.candidate.ani_id for r in picks[:500]] == [i for i in range(1, 11) for _ in range(50)]
    # Then up to the caps, still under them, and over them only once every number is full.
    assert not any(r.over_cap for r in picks[:750])
    assert all(r.over_cap for r in picks[750:])
    assert sorted(u.dials_today for u in usage.values()) == [80] * 10
    assert all(r.match == "area_code" and not r.fallback for r in picks)


def test_without_evidence_the_local_numbers_rotate() -> None:
    pool = CandidatePool([cand(1), cand(2), cand(3), cand(6, "212", "NY")])
    usage: dict[int, Usage] = {}
    seen = []
    for t in range(6):
        r = chosen(choose_ani(prospect(), pool, usage, SelectionOptions("auto"),
                              areas=FakeAreas(), rng=random.Random(0)))  # fmt: skip
        seen.append(r.candidate.ani_id)
        record(usage, r.candidate.ani_id, float(t))
    assert seen == [1, 2, 3, 1, 2, 3]


def test_the_global_shortlist_brings_in_a_great_remote_number() -> None:
    cands = [cand(1), cand(6, "212", "NY")]
    m = model_with(quality={6: 3.0})
    c = chosen(choose(cands, model=replace(m, shortlist=(6,))))
    assert (c.candidate.ani_id, c.match, c.fallback) == (6, "any", False)
    # Not shortlisted: only the local numbers are scored while one is under healthy volume.
    c = chosen(choose(cands, model=m))
    assert (c.candidate.ani_id, c.match) == (1, "area_code")


def test_the_state_shortlist_brings_in_a_great_in_state_number() -> None:
    cands = [cand(1), cand(3, "772")]
    m = model_with(quality={3: 3.0})
    c = chosen(choose(cands, model=replace(m, state_shortlists={"FL": (3,)})))
    assert (c.candidate.ani_id, c.match) == (3, "state")
    c = chosen(choose(cands, model=replace(m, state_shortlists={"GA": (3,)})))
    assert (c.candidate.ani_id, c.match) == (1, "area_code")


def test_shortlisted_numbers_obey_brand_and_country() -> None:
    m = model_with(quality={6: 3.0, 8: 3.0}, shortlist=(6, 8, 404))  # 404: not in the pool
    cands = [cand(1), cand(6, "212", "NY", branded=True), cand(8, "20", None, cc="+44")]
    c = chosen(choose(cands, model=m, use_branded=False))
    assert c.candidate.ani_id == 1
    c = chosen(choose(cands, model=m))
    assert c.candidate.ani_id == 6


def test_past_healthy_locally_any_number_under_healthy_is_next() -> None:
    m = model_with()
    cands = [cand(1), cand(6, "212", "NY")]
    c = chosen(choose(cands, {1: used(10)}, model=m))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (6, "any", False)
    # Everyone past healthy: the room under the cap decides, still not over cap.
    c = chosen(choose(cands, {1: used(10), 6: used(40)}, model=m))
    assert (c.candidate.ani_id, c.over_cap) == (1, False)


def test_all_capped_soft_and_strict() -> None:
    cands = [cand(1), cand(2), cand(6, "212", "NY")]
    usage = {1: used(80, last=1.0), 2: used(76, last=2.0), 6: used(75, last=0.0)}
    c = chosen(choose(cands, usage))
    # Least used of the local numbers (6 is less used, but far away).
    assert (c.candidate.ani_id, c.match, c.over_cap) == (2, "area_code", True)
    r = choose(cands, usage, cap_mode="strict")
    assert r == NoChoice("all 3 ANIs reached their daily cap of 75", "all_capped")


@pytest.mark.parametrize(
    ("cands", "p", "match"),
    [
        ([cand(3, "772"), cand(4)], prospect("561", zips=("772",)), "zip"),
        ([cand(1), cand(2, "728")], prospect("561"), "area_code"),
        ([cand(2, "728"), cand(3, "772")], prospect("561"), "overlay"),
        ([cand(3, "772"), cand(6, "212", "NY")], prospect("561"), "state"),
        ([cand(6, "212", "NY"), cand(7, "800")], prospect("561"), "any"),
        ([cand(7, "800")], prospect("561"), "tfn"),
        ([cand(6, "212", "NY")], Prospect("+1", None, None), "any"),
    ],
)
def test_match_reporting(cands: list[Candidate], p: Prospect, match: str) -> None:
    c = chosen(choose(cands, p=p))
    assert c.match == match
    assert c.candidate.ani_id == cands[0].ani_id


def test_tfn_with_a_learned_default() -> None:
    cands = [cand(1), cand(6, "212", "NY"), cand(7, "800")]
    opts: dict[str, Any] = {"assignment_type": "tfn", "default_assignment_type": "auto"}
    c = chosen(choose(cands, **opts))
    assert (c.candidate.ani_id, c.assignment_type, c.match, c.fallback) == (7, "tfn", "tfn", False)
    c = chosen(choose(cands, {7: used(75)}, **opts))
    assert (c.candidate.ani_id, c.assignment_type, c.match, c.fallback) == (
        1,
        "highest_contact_rate",
        "area_code",
        True,
    )
    assert c.requested_assignment_type == "tfn"
    assert "fallback from tfn" in c.explanation


@pytest.mark.parametrize("strategy", ["auto", "highest_contact_rate"])
def test_sticky_number_under_a_learned_strategy(strategy: str) -> None:
    # "auto" is what was asked, never what a response names as the strategy.
    c = chosen(choose([cand(1), cand(6, "212", "NY")], assignment_type=strategy,
                      preferred_ani_id=6))  # fmt: skip
    assert (c.candidate.ani_id, c.match, c.assignment_type) == (6, "sticky", "highest_contact_rate")
    assert c.requested_assignment_type == strategy


def test_overlays_are_looked_up_once() -> None:
    areas = fresh_areas()
    chosen(choose([cand(1)], areas=areas))
    assert (areas.overlay_calls, areas.nearest_calls) == (1, 0)
