"""highest_contact_rate: Beta posterior, Thompson sampling, and load-awareness."""

from __future__ import annotations

import bisect
import random
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openani.selection import (
    BetaPrior,
    CandidatePool,
    Choice,
    SelectionOptions,
    Usage,
    choose_ani,
    estimate,
    headroom,
    posterior,
)
from openani.selection.contact_rate import beta_sample, pick_thompson

from .support import FakeAreas, cand, prospect, record, used

OPTS = SelectionOptions("highest_contact_rate")
CAP = 75


def test_prior() -> None:
    prior = BetaPrior()
    assert (prior.alpha, prior.beta) == pytest.approx((3.0, 17.0))
    assert estimate(prior, None) == pytest.approx(0.15)
    assert estimate(prior, Usage()) == pytest.approx(0.15)


def test_posterior_moves_with_evidence_and_is_shrunk_by_the_prior() -> None:
    prior = BetaPrior()
    assert posterior(prior, 80.0, 40.0) == pytest.approx((43.0, 57.0))
    assert estimate(prior, Usage(weighted_dials=80.0, weighted_contacts=40.0)) == pytest.approx(
        0.43
    )
    # One lucky contact does not make a 100% number.
    assert estimate(prior, Usage(weighted_dials=1.0, weighted_contacts=1.0)) < 0.2


def test_posterior_clamps_bad_counts() -> None:
    prior = BetaPrior(mean=0.2, strength=10.0)
    assert posterior(prior, 5.0, 9.0) == pytest.approx((7.0, 8.0))
    assert posterior(prior, -3.0, -1.0) == pytest.approx((2.0, 8.0))


def test_headroom() -> None:
    assert headroom(cand(1, daily_cap=100), None) == 1.0
    assert headroom(cand(1, daily_cap=100), used(25)) == pytest.approx(0.75)
    assert headroom(cand(1, daily_cap=100, hourly_cap=10), used(25, hour=8)) == pytest.approx(0.2)
    assert headroom(cand(1, daily_cap=100), used(100)) <= 0.0
    assert headroom(cand(1, daily_cap=0), None) == 0.0
    assert headroom(cand(1, daily_cap=10, hourly_cap=0), used(1)) == 0.0


def stats(dials: float, contacts: float) -> Usage:
    return Usage(weighted_dials=dials, weighted_contacts=contacts)


def simulate(
    n_numbers: int, n_calls: int, rates: dict[int, float], seed: int
) -> tuple[dict[int, Usage], list[Choice]]:
    """``n_calls`` consecutive choices, counters incremented after each, as the caller would."""
    pool = CandidatePool([cand(i, daily_cap=CAP) for i in range(1, n_numbers + 1)])
    usage = {i: stats(300.0, 300.0 * rates.get(i, 0.15)) for i in range(1, n_numbers + 1)}
    rng = random.Random(seed)
    areas = FakeAreas()
    choices = []
    for t in range(n_calls):
        r = choose_ani(prospect(), pool, usage, OPTS, areas=areas, rng=rng)
        assert isinstance(r, Choice)
        # Load-awareness, call by call: a number at its cap is used only once all are.
        if usage[r.candidate.ani_id].dials_today >= CAP:
            assert r.over_cap
            assert all(u.dials_today >= CAP for u in usage.values())
        choices.append(r)
        record(usage, r.candidate.ani_id, float(t))
    return usage, choices


BEST, WORST = 1, 2
RATES = {BEST: 0.30, WORST: 0.05}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_load_aware_with_room_to_spare(seed: int) -> None:
    # 20 numbers x 75 = 1,500 dials of capacity for 1,000 calls.
    usage, choices = simulate(20, 1000, RATES, seed)
    dials = {i: u.dials_today for i, u in usage.items()}
    assert not any(c.over_cap for c in choices)
    assert max(dials.values()) <= CAP
    others = [d for i, d in dials.items() if i not in (BEST, WORST)]
    # Better numbers get more traffic, but the best does not take the day's traffic.
    assert dials[BEST] > max(others) >= min(others) > dials[WORST]
    assert dials[BEST] >= 2 * dials[WORST] + 20
    assert dials[BEST] <= 0.1 * 1000
    # Traffic is spread: no average number sits idle.
    assert min(others) >= 0.5 * (sum(others) / len(others))


def test_load_aware_when_demand_exceeds_capacity() -> None:
    # 12 x 75 = 900 dials of capacity for 1,000 calls: over-cap only after every number is full.
    usage, choices = simulate(12, 1000, RATES, seed=4)
    first_over = next(i for i, c in enumerate(choices) if c.over_cap)
    assert first_over == 900
    assert all(c.over_cap for c in choices[900:])
    dials = sorted(u.dials_today for u in usage.values())
    assert dials[-1] - dials[0] <= 1  # the overflow is spread by least-used


def test_greedy_would_burn_the_best_number() -> None:
    # The counterfactual the penalty exists for: with no load term the best number takes every
    # call until its cap. Here the first 100 calls are shared.
    _, choices = simulate(20, 100, RATES, seed=5)
    by_number = Counter(c.candidate.ani_id for c in choices)
    assert by_number[BEST] < 60
    assert len(by_number) >= 10


def test_unproven_numbers_get_explored() -> None:
    pool = CandidatePool([cand(i) for i in range(1, 6)])
    usage = {i: stats(1000.0, 150.0) for i in range(1, 5)}  # 5 is new: prior only
    rng = random.Random(6)
    counts: Counter[int] = Counter()
    for _ in range(300):
        r = choose_ani(prospect(), pool, usage, OPTS, areas=FakeAreas(), rng=rng)
        assert isinstance(r, Choice)
        counts[r.candidate.ani_id] += 1
    assert counts[5] > 20


def test_capped_numbers_are_skipped_even_if_best() -> None:
    pool = CandidatePool([cand(1, hourly_cap=10), cand(2)])
    usage = {1: Usage(dials_this_hour=10, weighted_dials=500, weighted_contacts=450)}
    for seed in range(30):
        r = choose_ani(prospect(), pool, usage, OPTS, areas=FakeAreas(), rng=random.Random(seed))
        assert isinstance(r, Choice)
        assert (r.candidate.ani_id, r.over_cap) == (2, False)


def test_a_custom_prior_is_used() -> None:
    # With a strong optimistic prior the new number wins against a proven mediocre one.
    pool = CandidatePool([cand(1), cand(2)])
    usage = {1: stats(1000.0, 100.0)}
    opts = SelectionOptions("highest_contact_rate", contact_rate_prior=BetaPrior(0.6, 1000.0))
    wins = Counter(
        choose_ani(
            prospect(), pool, usage, opts, areas=FakeAreas(), rng=random.Random(s)
        ).candidate.ani_id  # type: ignore[union-attr]
        for s in range(50)
    )
    assert wins[2] == 50


@pytest.mark.parametrize(
    ("a", "b"), [(3.0, 17.0), (93.0, 227.0), (40.0, 3.0), (1.5, 1.2), (0.5, 2.0)]
)
def test_beta_sample_matches_the_beta_distribution(a: float, b: float) -> None:
    n = 40_000
    rng = random.Random(17)
    xs = sorted(beta_sample(rng, a, b) for _ in range(n))
    ref_rng = random.Random(18)
    ref = sorted(ref_rng.betavariate(a, b) for _ in range(n))
    assert all(0.0 <= x <= 1.0 for x in (xs[0], xs[-1]))
    mean = a / (a + b)
    var = a * b / ((a + b) ** 2 * (a + b + 1))
    assert sum(xs) / n == pytest.approx(mean, abs=4 * (var / n) ** 0.5)
    # Two-sample Kolmogorov-Smirnov against the standard library's sampler (p ~ 0.001).
    d = max(abs(q / 100 - bisect.bisect_right(ref, xs[n * q // 100]) / n) for q in range(1, 100))
    assert d < 1.95 * (2 / n) ** 0.5


@given(
    st.lists(
        st.tuples(
            st.integers(0, 80),
            st.integers(0, 30),
            st.sampled_from([None, 10, 25]),
            st.floats(0, 400),
            st.floats(-1, 400),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 2**32),
)
def test_pick_thompson_is_sample_times_headroom(
    rows: list[tuple[int, int, int | None, float, float]], seed: int
) -> None:
    """The hot loop inlines posterior() and headroom(); check it against those definitions."""
    prior = BetaPrior()
    cands = [cand(i, hourly_cap=h) for i, (_, _, h, _, _) in enumerate(rows, start=1)]
    usage = {
        c.ani_id: Usage(dials_today=d, dials_this_hour=hr, weighted_dials=wd, weighted_contacts=wc)
        for c, (d, hr, _, wd, wc) in zip(cands, rows, strict=True)
    }
    got = pick_thompson([tuple(cands)], usage.get, random.Random(seed), prior)
    rng = random.Random(seed)
    best, best_score = None, -1.0
    for c in cands:
        room = headroom(c, usage[c.ani_id])
        if room <= 0.0:
            continue
        score = beta_sample(rng, *posterior(prior, usage[c.ani_id].weighted_dials,
                                             usage[c.ani_id].weighted_contacts)) * room  # fmt: skip
        if score > best_score:
            best, best_score = c, score
    assert got == best
