"""The learner behind ``auto`` and ``highest_contact_rate``: the fit, the pick, and choose_ani."""

from __future__ import annotations

import random
from collections.abc import Iterator
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
from openani.selection.learner import (
    MATCH_CLASSES,
    first_usable_per_class,
    match_class,
    pick_learned,
)

from .support import FakeAreas, cand, fresh_areas, ids, prospect, record, used

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
        {"volume_step": -1},
        {"volume_backoff": 0.0},
        {"volume_backoff": 1.5},
        {"shortlist_size": -1},
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
    opts = SelectionOptions("highest_contact_rate", model=replace(m, shortlist=(3,)))
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


def test_the_ranking_holds_every_number_by_quality() -> None:
    # 12 FL numbers of rising quality, 3 NY ones, a toll-free one; 99 has no evidence at all.
    numbers = [cand(i, "561") for i in range(1, 13)] + [cand(i, "212", "NY") for i in (20, 21, 22)]
    numbers += [cand(30, "800"), cand(99, "305")]
    tallies: list[DayTally] = []
    for n in numbers[:-1]:
        tallies += days(n.ani_id, "561", range(5), 100, 0.01 * (n.ani_id % 20 + 5))
    m = fitted(numbers, tallies, shortlist_size=5)
    q = m.quality
    # The whole inventory, best first, ties to the lower ani_id: shortlist_size bounds what a
    # choice reads of the ranking, not the ranking itself.
    assert sorted(m.shortlist) == sorted(n.ani_id for n in numbers)
    assert list(m.shortlist) == sorted(m.shortlist, key=lambda n: (-q.get(n, 1.0), n))
    assert m.shortlist[0] == 12
    fl = m.state_shortlists["FL"]
    assert len(fl) == 8 and 30 not in fl  # a toll-free number has no state
    assert list(fl) == [n for n in m.shortlist if n not in (20, 21, 22, 30)][:8]
    assert 99 in fl  # unproven: ranked at quality 1, above the proven-poor ones
    assert set(m.state_shortlists["NY"]) == {20, 21, 22}


def test_rate_of_a_class_never_seen_in_a_seen_area() -> None:
    # 561 is called only by local numbers, 305 by a local and a distant one; 912 never.
    numbers = [cand(1, "561"), cand(2, "305"), cand(3, "212", "NY")]
    tallies = days(1, "561", range(10), 100, 0.30) + days(2, "305", range(10), 100, 0.25)
    tallies += days(3, "305", range(10), 100, 0.10)
    m = fitted(numbers, tallies)
    assert set(m.area_base) == {"561", "305"}
    assert m.class_lift["local"] > 1.0 > m.class_lift["distant"]
    assert m.class_lift["state"] == m.class_lift["toll_free"] == pytest.approx(1.0)
    # Seen (area, class): its own rate.
    assert m.rate("561", "local") == m.area_rates[("561", "local")]
    assert ("561", "distant") not in m.area_rates
    # A seen area, never from this class: the area's rate times the class effect, so 561's
    # better-than-average contacts carry over to its distant calls...
    for cls in ("state", "distant", "toll_free"):
        assert m.rate("561", cls) == m.area_base["561"] * m.class_lift[cls]
    assert m.rate("561", "distant") > m.class_rates["distant"]
    # ...while an area never called falls back to the class rates learnt everywhere.
    assert m.rate("912", "distant") == m.class_rates["distant"]
    # And the choice follows: in 561 a fresh NY number scores the area's rate, not the average.
    assert m.predict(cand(9, "212", "NY"), "561", "distant") == m.rate("561", "distant")


def test_rate_fallbacks_on_a_hand_set_model() -> None:
    m = model_with(
        area_rates={("561", "local"): 0.4},
        area_base={"561": 0.2},
        class_lift={"local": 2.0, "state": 1.0, "distant": 0.5, "toll_free": 0.25},
        class_rates={"local": 0.3, "state": 0.15, "distant": 0.1, "toll_free": 0.05},
    )
    assert [m.rate("561", c) for c in MATCH_CLASSES] == [0.4, 0.2, 0.1, 0.05]
    assert [m.rate("305", c) for c in MATCH_CLASSES] == [0.3, 0.15, 0.1, 0.05]
    assert m.rate(None, "state") == 0.15


def test_fit_skips_negative_contacts() -> None:
    good = [DayTally(0, 1, "561", 10, 2)]
    m = fitted([cand(1)], [*good, DayTally(1, 1, "561", 50, -5)])
    assert m == fitted([cand(1)], good)


def test_healthy_volume_at_each_age() -> None:
    m = ContactModel.empty(LearnerParams(healthy_daily=40, warmup_days=3))
    assert [m.healthy_volume_at(a) for a in range(6)] == [10, 20, 30, 40, 40, 40]
    flat = ContactModel.empty(LearnerParams(healthy_daily=40, warmup_days=0))
    assert flat.healthy_volume_at(0) == 40


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


def test_a_learnt_volume_replaces_the_healthy_daily_once_warm() -> None:
    params = LearnerParams(healthy_daily=10, warmup_days=2)
    m = model_with(params=params, volumes={1: 14, 2: 14}, age_days={1: 5, 2: 1})
    assert [m.healthy_volume(i) for i in (1, 2, 3)] == [14, 6, 3]  # 2 still warms up
    cands = [cand(1), cand(2)]
    assert pick(cands, {1: used(13), 2: used(6)}, m) == 1
    assert pick(cands, {1: used(14), 2: used(5)}, m) == 2
    assert first_usable_per_class(cands, {1: used(13)}.get, m, LOCAL, "FL") == [cands[0]]
    assert first_usable_per_class(cands, {1: used(14)}.get, m, LOCAL, "FL") == [cands[1]]


def test_fit_carries_the_volumes_it_is_given() -> None:
    numbers = [cand(1), cand(2)]
    tallies = days(1, "561", range(5), 5, 0.2)
    m = fit(tallies, {c.ani_id: c for c in numbers}, {}, {}, None, {1: 64})
    assert m.volumes == {1: 64} and m.healthy_volume(1) == 64
    assert m.healthy_volume(2) == 50  # never called: the default 50, no warm-up by default


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


def test_first_usable_per_class() -> None:
    warm = dict.fromkeys(range(1, 20), 5)
    m = model_with(params=LearnerParams(healthy_daily=10, warmup_days=2), age_days={**warm, 12: 0})
    ranked = [
        cand(6, "212", "NY"),  # at its healthy volume
        cand(10, "212", "NY", hourly_cap=2),  # at its hourly cap
        cand(11, "212", "NY", daily_cap=0),  # no dial allowed today
        cand(12, "212", "NY"),  # new: 3 healthy dials on its first day, all used
        cand(9, "212", "NY"),  # the first usable distant number
        cand(1),
        cand(2, "728"),  # local too, but 1 came first
        cand(3, "772"),
        cand(4, "954"),
        cand(7, "800"),
        cand(8, "833"),  # never looked at: every class has its number by now
    ]
    usage = {6: used(10), 10: used(1, hour=2), 12: used(3), 9: used(9)}
    read: list[int] = []

    def reading() -> Iterator[Candidate]:
        for c in ranked:
            read.append(c.ani_id)
            yield c

    assert ids(first_usable_per_class(reading(), usage.get, m, LOCAL, "FL")) == [9, 1, 3, 7]
    assert read[-1] == 7
    # Without a prospect state 772 is distant like 9, which came first.
    assert ids(first_usable_per_class(ranked, usage.get, m, LOCAL, None)) == [9, 1, 7]
    assert ids(first_usable_per_class(ranked[:5], usage.get, m, LOCAL, "FL")) == [9]
    assert first_usable_per_class(ranked[:4], usage.get, m, LOCAL, "FL") == []
    assert first_usable_per_class([], usage.get, m, LOCAL, "FL") == []


def test_on_a_fitted_ranking_the_first_usable_of_each_class_is_its_best() -> None:
    # What makes pass 1 exact: with the ranking best first and no two qualities equal, scoring
    # the first usable number of each class gives what scoring every listed number gives.
    rng = random.Random(5)
    npas = [("561", "FL"), ("728", "FL"), ("772", "FL"), ("954", "FL"), ("212", "NY")]
    numbers = [cand(i, *rng.choice(npas)) for i in range(1, 40)] + [cand(40, "800")]
    tallies = [
        DayTally(age, n.ani_id, area, 20, rng.randrange(8))
        for n in numbers
        for area in ("561", "305")
        for age in range(3)
    ]
    m = fitted(numbers, tallies, healthy_daily=5, warmup_days=0)
    assert len(set(m.quality.values())) == len(numbers)
    by_id = {n.ani_id: n for n in numbers}
    listed = [by_id[i] for i in m.shortlist]
    for _ in range(200):
        usage = {n.ani_id: used(rng.randrange(7), last=float(rng.randrange(3))) for n in numbers}
        firsts = first_usable_per_class(listed, usage.get, m, LOCAL, "FL")
        whole = pick_learned(listed, usage.get, m, "561", LOCAL, "FL", within_healthy=True)
        first = pick_learned(firsts, usage.get, m, "561", LOCAL, "FL", within_healthy=True)
        assert first == whole


# --- choose_ani with a learned strategy -----------------------------------------------------


def choose(
    cands: list[Candidate],
    usage: dict[int, Usage] | None = None,
    p: Prospect | None = None,
    areas: FakeAreas | None = None,
    **opts: object,
) -> Choice | NoChoice:
    opts.setdefault("assignment_type", "highest_contact_rate")
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


@pytest.mark.parametrize("strategy", ["highest_contact_rate"])
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
    opts = SelectionOptions("highest_contact_rate", model=m)
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
        r = chosen(choose_ani(prospect(), pool, usage, SelectionOptions("highest_contact_rate"),
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


def test_a_choice_reads_only_shortlist_size_of_the_ranking() -> None:
    # The ranking puts two great NY numbers first; 6 is at its healthy volume today.
    cands = [cand(1), cand(6, "212", "NY"), cand(9, "212", "NY")]
    usage = {6: used(10)}

    def model(size: int) -> ContactModel:
        params = LearnerParams(healthy_daily=10, warmup_days=0, shortlist_size=size)
        return model_with(quality={6: 3.0, 9: 2.0}, shortlist=(6, 9), params=params)

    # Reading one: 6 is not usable and 9 is past what a choice reads, so the local number.
    assert chosen(choose(cands, usage, model=model(1))).candidate.ani_id == 1
    assert chosen(choose(cands, usage, model=model(2))).candidate.ani_id == 9
    assert chosen(choose(cands, model=model(1))).candidate.ani_id == 6
    assert chosen(choose(cands, model=model(0))).candidate.ani_id == 1
    # The state shortlist is read whatever shortlist_size says.
    in_state = replace(model(0), state_shortlists={"FL": (3,)}, quality={3: 2.0})
    c = chosen(choose([cand(1), cand(3, "772")], model=in_state))
    assert (c.candidate.ani_id, c.match) == (3, "state")


def test_of_the_listed_numbers_only_the_first_usable_of_each_class_is_scored() -> None:
    # A fitted ranking is best first; this hand-set one is not, which shows what is read: the
    # first distant number (6) hides the better one behind it (9), while the first in-state
    # one (3) is scored besides.
    cands = [cand(1), cand(6, "212", "NY"), cand(9, "212", "NY"), cand(3, "772")]
    m = model_with(quality={6: 1.5, 9: 3.0, 3: 1.2}, shortlist=(6, 9, 3))
    assert chosen(choose(cands, model=m)).candidate.ani_id == 6
    # Past its healthy volume, 6 gives way to the next of its class.
    assert chosen(choose(cands, {6: used(10)}, model=m)).candidate.ani_id == 9
    worse = replace(m, quality={6: 1.1, 9: 3.0, 3: 1.2})
    c = chosen(choose(cands, model=worse))
    assert (c.candidate.ani_id, c.match) == (3, "state")


def test_past_healthy_locally_the_nearest_area_codes_are_next() -> None:
    # 1: local; 4: 954, ~55 km; 5: Savannah, ~600 km; 6: New York. None of them is listed.
    m = model_with()
    cands = [cand(1), cand(4, "954"), cand(5, "912", "GA"), cand(6, "212", "NY")]
    areas = fresh_areas()
    c = chosen(choose(cands, {1: used(10)}, areas=areas, model=m))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (4, "state", False)
    assert areas.nearest_calls == 1
    # Out of the radius, or no location: 954 is not read as nearby, but the walk of the whole
    # ranking (here: every number by id, there is no ranking) still finds numbers under their
    # healthy volume before the local one goes past it: 4 (state) beats 5 (distant) on ties.
    c = chosen(choose(cands, {1: used(10)}, model=m, nearest_radius_km=20.0))
    assert (c.candidate.ani_id, c.over_cap) == (4, False)
    c = chosen(choose(cands, {1: used(10)}, Prospect("+1", "561", "FL"), model=m))
    assert (c.candidate.ani_id, c.over_cap) == (4, False)
    # Only once every number is past healthy does the local one take more.
    everyone = {1: used(10), 4: used(10), 5: used(10), 6: used(10)}
    c = chosen(choose(cands, everyone, Prospect("+1", "561", "FL"), model=m))
    assert (c.candidate.ani_id, c.over_cap) == (1, False)


def test_past_healthy_everywhere_read_the_room_under_the_cap_decides() -> None:
    m = model_with(shortlist=(6,))
    cands = [cand(1), cand(4, "954"), cand(5, "912", "GA"), cand(6, "212", "NY")]
    # Every number is past healthy: of those read (local, listed, nearby) the most room wins
    # (6, 35 dials); 5 has more room but is not read until every read number is at its cap.
    usage = {1: used(40), 4: used(50), 5: used(12), 6: used(35)}
    c = chosen(choose(cands, usage, model=m))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (6, "any", False)
    c = chosen(choose(cands, {**usage, 4: used(20)}, model=m))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (4, "state", False)
    capped = {1: used(75), 4: used(75), 6: used(75)}
    c = chosen(choose(cands, capped, model=m))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (5, "any", False)
    # In the last pass too, the room under the cap weighs the prediction.
    m5 = model_with(quality={5: 1.5})
    both_past_healthy = {5: used(60), 6: used(12)}
    c = chosen(choose([cand(5, "912", "GA"), cand(6, "212", "NY")], both_past_healthy, model=m5))
    assert c.candidate.ani_id == 6  # 1.5 x 15/75 < 1 x 63/75


def test_all_capped_soft_and_strict() -> None:
    cands = [cand(1), cand(2), cand(6, "212", "NY")]
    usage = {1: used(80, last=1.0), 2: used(76, last=2.0), 6: used(75, last=0.0)}
    c = chosen(choose(cands, usage))
    # Least used of the local numbers (6 is less used, but far away).
    assert (c.candidate.ani_id, c.match, c.over_cap) == (2, "area_code", True)
    # No local number: least used of all.
    c = chosen(choose(cands[1:], usage, prospect("305")))
    assert (c.candidate.ani_id, c.match, c.over_cap) == (6, "any", True)
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
    opts: dict[str, Any] = {
        "assignment_type": "tfn",
        "default_assignment_type": "highest_contact_rate",
    }
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


@pytest.mark.parametrize(
    ("strategy", "shown"), [("auto", "area_code"), ("highest_contact_rate", "highest_contact_rate")]
)
def test_sticky_number_under_a_model_strategy(strategy: str, shown: str) -> None:
    # "auto" is what was asked, never what a response names as the strategy.
    c = chosen(choose([cand(1), cand(6, "212", "NY")], assignment_type=strategy,
                      preferred_ani_id=6))  # fmt: skip
    assert (c.candidate.ani_id, c.match, c.assignment_type) == (6, "sticky", shown)
    assert c.requested_assignment_type == strategy


def test_overlays_are_looked_up_once() -> None:
    areas = fresh_areas()
    chosen(choose([cand(1)], areas=areas))
    assert (areas.overlay_calls, areas.nearest_calls) == (1, 0)


def test_a_minority_brand_still_gets_its_best_ranked_numbers() -> None:
    # 200 better unbranded numbers rank ahead of the only good branded one, far past the
    # shortlist size; a branded request counts the ranking among branded numbers, so it still
    # reads (and takes) number 9.
    unbranded = [cand(i, "212", "NY") for i in range(100, 300)]
    great_branded = cand(9, "212", "NY", branded=True)
    local = cand(1, "561", branded=True)
    quality = {c.ani_id: 2.0 for c in unbranded} | {9: 1.9}
    ranking = (*sorted(quality, key=lambda n: (-quality[n], n)), 1)
    model = replace(
        ContactModel.empty(LearnerParams(healthy_daily=10, warmup_days=0)),
        quality=quality,
        shortlist=ranking,
    )
    pool = CandidatePool([*unbranded, great_branded, local])
    options = SelectionOptions("highest_contact_rate", use_branded=True, model=model)
    got = choose_ani(prospect(), pool, {}, options, areas=fresh_areas(), rng=random.Random(0))
    assert isinstance(got, Choice) and got.candidate.ani_id == 9
