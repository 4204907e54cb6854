"""The burned-number test: the Poisson tail, its thresholds, and detection over day tallies."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal, localcontext
from math import exp

import pytest

from openani.selection import BurnParams, BurnSignal, Candidate, DayTally, LearnerParams
from openani.selection.burn import check_drop, detect_burned, poisson_cdf
from openani.selection.learner import fit

from .support import cand


def exact_cdf(k: int, mean: float) -> float:
    """``P(X <= k)`` summed term by term in 60-digit decimals (no lgamma, no underflow)."""
    with localcontext() as ctx:
        ctx.prec = 60
        m = Decimal(mean)
        term = (-m).exp()
        total = term
        for i in range(1, k + 1):
            term = term * m / i
            total += term
        return float(total)


# --- poisson_cdf ----------------------------------------------------------------------------


def test_poisson_cdf_known_values() -> None:
    assert poisson_cdf(0, 2.0) == pytest.approx(exp(-2.0), rel=1e-12)
    assert poisson_cdf(3, 2.0) == pytest.approx(exp(-2.0) * (1 + 2 + 2 + 4 / 3), rel=1e-12)
    assert poisson_cdf(10, 10.0) == pytest.approx(0.5830397501929856, rel=1e-12)
    assert poisson_cdf(4, 10.0) == pytest.approx(0.029252688076961127, rel=1e-12)


@pytest.mark.parametrize(
    ("k", "mean"),
    [(0, 0.5), (1, 4.0), (7, 20.0), (30, 30.0), (60, 100.0), (900, 1000.0), (5, 300.0)],
)
def test_poisson_cdf_matches_an_exact_sum(k: int, mean: float) -> None:
    assert poisson_cdf(k, mean) == pytest.approx(exact_cdf(k, mean), rel=1e-9, abs=1e-300)


def test_poisson_cdf_edges() -> None:
    assert poisson_cdf(-1, 5.0) == 0.0
    assert poisson_cdf(0, 0.0) == 1.0
    assert poisson_cdf(3, -1.0) == 1.0
    assert poisson_cdf(200, 20.0) == pytest.approx(1.0)
    assert poisson_cdf(200, 20.0) <= 1.0
    assert poisson_cdf(43, 10.0) == 1.0  # the sum's rounding would pass 1 here
    tail = [poisson_cdf(k, 12.5) for k in range(40)]
    assert tail == sorted(tail)  # non-decreasing in k


# --- check_drop -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"alpha": 0.0}, "alpha must be in (0, 0.5), got 0.0"),
        ({"alpha": 0.5}, "alpha must be in (0, 0.5), got 0.5"),
        ({"max_ratio": 0.0}, "max_ratio must be in (0, 1), got 0.0"),
        ({"max_ratio": 1.0}, "max_ratio must be in (0, 1), got 1.0"),
        ({"min_expected": 0.0}, "min_expected must be > 0, got 0.0"),
        ({"windows": ()}, "windows must be non-empty days >= 0, got ()"),
        ({"windows": (0, -1)}, "windows must be non-empty days >= 0, got (0, -1)"),
    ],
)
def test_burn_params_validation(kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        BurnParams(**kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == reason


def test_burn_params_take_any_positive_minimum_and_are_immutable() -> None:
    assert BurnParams(min_expected=0.5).min_expected == 0.5
    with pytest.raises(dataclasses.FrozenInstanceError):
        BurnParams().alpha = 0.1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        BurnSignal(1, 10, 0, 5.0, 0.01).observed = 1  # type: ignore[misc]


def test_check_drop_judges_from_four_expected_contacts_by_default() -> None:
    # With alpha 0.1 a zero against 4 expected (p = e^-4 = 0.018) is significant: judged from 4.
    params = BurnParams(alpha=0.1)
    assert check_drop(1, 20, 0, 3.99, params) is None
    s = check_drop(1, 20, 0, 4.0, params)
    assert s is not None and s.p_value == pytest.approx(exp(-4.0))


def test_a_p_value_equal_to_alpha_is_not_significant() -> None:
    alpha = poisson_cdf(4, 10.0)
    assert check_drop(1, 60, 4, 10.0, BurnParams(alpha=alpha)) is None
    assert check_drop(1, 60, 4, 10.0, BurnParams(alpha=alpha * 1.0001)) is not None


@pytest.mark.parametrize(
    ("observed", "expected", "pct"), [(1, 3.0, "33%"), (1, 0.5, "200%"), (0, 0.0, "0%")]
)
def test_the_reason_gives_the_share_of_the_expected_contacts(
    observed: int, expected: float, pct: str
) -> None:
    assert f"expected from its history and its peers ({pct})," in (
        BurnSignal(1, 30, observed, expected, 0.5).reason
    )


def test_check_drop_needs_enough_expected_contacts() -> None:
    params = BurnParams(min_expected=10.0)
    assert check_drop(1, 50, 0, 9.9, params) is None  # p = e^-9.9 ~ 5e-5, but too little to judge
    s = check_drop(1, 50, 0, 10.0, params)
    assert s is not None and s.p_value == pytest.approx(exp(-10.0))


def test_check_drop_needs_a_material_drop() -> None:
    params = BurnParams()  # max_ratio 0.6
    # 650 of 1000 expected is overwhelmingly significant, but a 35% dip is not a label.
    assert poisson_cdf(650, 1000.0) < 1e-25
    assert check_drop(1, 5000, 650, 1000.0, params) is None
    s = check_drop(1, 5000, 600, 1000.0, params)  # exactly at the ratio: flagged
    assert s is not None and s.observed == 600


def test_check_drop_needs_significance_at_alpha() -> None:
    # 4 contacts against 10 expected: p = 0.029.
    assert check_drop(1, 60, 4, 10.0, BurnParams(alpha=0.001)) is None
    assert check_drop(1, 60, 4, 10.0, BurnParams(alpha=0.029)) is None
    s = check_drop(1, 60, 4, 10.0, BurnParams(alpha=0.03))
    assert s == BurnSignal(1, 60, 4, 10.0, poisson_cdf(4, 10.0))
    assert s.reason == (
        "4 contacts on 60 recent dials against 10.0 expected from its history and its peers "
        "(40%), p=0.029"
    )


# --- detect_burned --------------------------------------------------------------------------

AREAS_LOCAL: dict[str | None, frozenset[str]] = {
    "561": frozenset({"561", "728"}),
    "212": frozenset({"212"}),
}
AREA_STATES: dict[str | None, str | None] = {"561": "FL", "212": "NY"}


def detect(
    numbers: list[Candidate], tallies: list[DayTally], params: BurnParams | None = None
) -> list[BurnSignal]:
    return detect_burned(
        tallies,
        {c.ani_id: c for c in numbers},
        AREAS_LOCAL,
        AREA_STATES,
        LearnerParams(),
        params or BurnParams(),
    )


def steady(ani_id: int, contacts: int, ages: range = range(14), dials: int = 100) -> list[DayTally]:
    return [DayTally(age, ani_id, "561", dials, contacts) for age in ages]


PEERS = [cand(i) for i in range(1, 11)]


def peer_tallies(skip: int = 0) -> list[DayTally]:
    return [t for i in range(1, 11) if i != skip for t in steady(i, 20)]


def test_a_collapse_is_flagged_and_steady_numbers_are_not() -> None:
    # Number 1 answered like its peers (20%) for 11 days, then 2% for the last three.
    tallies = peer_tallies(skip=1) + steady(1, 20, range(3, 14)) + steady(1, 2, range(3))
    signals = detect(PEERS, tallies)
    assert [s.ani_id for s in signals] == [1]
    s = signals[0]
    # The strongest window is the last three days: 6 contacts on 300 dials against ~60.
    assert (s.dials, s.observed) == (300, 6)
    assert s.expected == pytest.approx(60.0, rel=0.02)
    assert s.p_value < 1e-15


def test_a_collapse_today_only_is_flagged_from_today() -> None:
    tallies = peer_tallies(skip=1) + steady(1, 20, range(1, 14)) + steady(1, 0, range(1))
    (s,) = detect(PEERS, tallies)
    assert (s.ani_id, s.dials, s.observed) == (1, 100, 0)
    assert s.p_value == pytest.approx(exp(-s.expected))


def test_a_burned_number_that_gets_few_calls_is_caught_by_the_week() -> None:
    # 15 dials a day (the learner has moved calls away): no single day proves anything.
    tallies = peer_tallies(skip=1) + steady(1, 3, range(7, 14), dials=15)
    tallies += steady(1, 0, range(7), dials=15)
    assert detect(PEERS, tallies, BurnParams(windows=(0,))) == []
    (s,) = detect(PEERS, tallies)
    assert (s.ani_id, s.dials, s.observed) == (1, 105, 0)


def test_windows_share_alpha() -> None:
    # One bad day, significant at alpha but not at alpha / 3 (Bonferroni over the windows).
    tallies = peer_tallies(skip=1) + steady(1, 20, range(1, 14)) + steady(1, 7, range(1))
    (alone,) = detect(PEERS, tallies, BurnParams(alpha=0.001, windows=(0,)))
    assert 0.001 / 3 < alone.p_value < 0.001
    assert detect(PEERS, tallies, BurnParams(alpha=0.001, windows=(0, 2, 6))) == []


def test_a_steadily_poor_number_is_not_burned() -> None:
    # Number 1 always answered at a fifth of its peers' rate: its own past says nothing fell.
    for contacts in (10, 5, 4):
        tallies = peer_tallies(skip=1) + steady(1, contacts)
        assert detect(PEERS, tallies) == [], contacts


def test_numbers_and_days_without_calls_are_skipped() -> None:
    tallies = [*peer_tallies(), DayTally(0, 99, "561", 100, 0), DayTally(0, 1, "561", 0, 0)]
    assert detect(PEERS, tallies) == []
    assert detect(PEERS, []) == []


def test_false_alarms_stay_near_alpha() -> None:
    """2,000 steady numbers (true rate constant over time, varying between numbers and areas),
    binomial outcomes from a seeded RNG: the share flagged at alpha = 1% stays below 2%."""
    rng = random.Random(20240605)
    base = {"561": 0.20, "212": 0.10}
    numbers: list[Candidate] = []
    tallies: list[DayTally] = []
    for i in range(1, 2001):
        npa = "561" if i % 2 else "212"
        numbers.append(cand(i, npa, AREA_STATES[npa]))
        p = base[npa] * rng.uniform(0.8, 1.25)
        for age in range(14):
            tallies.append(DayTally(age, i, npa, 40, sum(rng.random() < p for _ in range(40))))
    flagged = detect(numbers, tallies, BurnParams(alpha=0.01))
    assert len(flagged) / len(numbers) < 0.02


def test_equally_significant_windows_report_the_most_recent() -> None:
    # Three days of nothing on 5,000 dials a day, after 1,000 contacts a day: p underflows to 0
    # in every window (even the week's: 4,000 contacts against 7,000); today's is reported.
    tallies = peer_tallies(skip=1) + steady(1, 1000, range(3, 14), dials=5000)
    tallies += steady(1, 0, range(3), dials=5000)
    (s,) = detect(PEERS, tallies)
    assert (s.dials, s.observed, s.p_value) == (5000, 0, 0.0)


def test_a_number_without_history_or_peers_is_measured_against_the_prior() -> None:
    (s,) = detect([cand(1)], [DayTally(0, 1, "561", 100, 0)])
    assert (s.dials, s.observed) == (100, 0)
    assert s.expected == pytest.approx(100 * LearnerParams().prior_rate)


def test_the_history_is_every_day_before_the_window_aged_from_the_day_before() -> None:
    """A number alone in two areas: expected = its dials in each area x the area's rate x its
    quality, both from a fit of the days before the window (yesterday as the newest day)."""
    numbers = {1: cand(1)}
    yesterday = DayTally(1, 1, "561", 100, 20)
    today = [DayTally(0, 1, "561", 50, 1), DayTally(0, 1, "212", 50, 1)]
    params = BurnParams(windows=(0,))
    (s,) = detect_burned(
        [yesterday, *today], numbers, AREAS_LOCAL, AREA_STATES, LearnerParams(), params
    )
    history = fit(
        [dataclasses.replace(yesterday, age_days=0)], numbers, AREAS_LOCAL, AREA_STATES
    )
    quality = history.quality[1]
    assert quality != 1.0
    expected = 50 * quality * (history.rate("561", "local") + history.rate("212", "distant"))
    assert (s.dials, s.observed) == (100, 2)
    assert s.expected == pytest.approx(expected, rel=1e-12)


def test_calls_to_areas_without_a_local_table_and_single_dials_count() -> None:
    # 60 calls today, one to each of 60 areas the area tables do not know, none answered.
    today = [DayTally(0, 1, str(300 + i), 1, 0) for i in range(60)]
    (s,) = detect([cand(1)], today)
    assert (s.dials, s.observed) == (60, 0)
    assert s.expected == pytest.approx(60 * LearnerParams().prior_rate)
