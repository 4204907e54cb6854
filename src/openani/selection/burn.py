"""Burned-number detection: has a number's contact rate fallen, against its own past and its peers?

A label from carrier analytics ("Spam Likely") shows up in our data only as fewer contacts. The
test, per number, compares the contacts of its recent calls with what they should have been:

    expected = sum over recent calls of  rate(prospect area, match class) x quality(number)

where ``rate`` is the peers' rate (every number's calls to that area and class) and ``quality`` is
the number's own multiplier learnt from its *older* history. Under "nothing changed" the recent
contacts are a sum of Bernoulli trials with about that mean, so the one-sided Poisson tail
``P(X <= observed | expected)`` is a p-value. A number is flagged when it is below ``alpha``,
the stated false-alarm rate per number and check, and the drop is material (observed at most
``max_ratio`` of expected): with a big sample a 10% dip is significant but is not a label.

A Poisson tail is used rather than a binomial because the expected count is a sum of unequal
probabilities (calls to different areas); Poisson is the conservative bound for such a sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from math import exp, lgamma, log

from .learner import DayTally, LearnerParams, MatchClass, fit, match_class
from .types import Candidate


@dataclass(frozen=True, slots=True)
class BurnParams:
    alpha: float = 0.001  # false-alarm probability per number per check
    max_ratio: float = 0.6  # flag only drops to at most 60% of the expected contacts
    min_expected: float = 4.0  # too few expected contacts to judge anything below this
    windows: tuple[int, ...] = (0, 2, 6)  # recent windows in days before today (0: today only)

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 0.5:
            raise ValueError(f"alpha must be in (0, 0.5), got {self.alpha}")
        if not 0.0 < self.max_ratio < 1.0:
            raise ValueError(f"max_ratio must be in (0, 1), got {self.max_ratio}")
        if not self.min_expected > 0.0:
            raise ValueError(f"min_expected must be > 0, got {self.min_expected}")
        if not self.windows or min(self.windows) < 0:
            raise ValueError(f"windows must be non-empty days >= 0, got {self.windows}")


@dataclass(frozen=True, slots=True)
class BurnSignal:
    """One number whose recent contact rate fell significantly; ``reason`` is shown to people."""

    ani_id: int
    dials: int
    observed: int  # contacts on the recent calls
    expected: float  # contacts those calls should have had
    p_value: float

    @property
    def reason(self) -> str:
        pct = 100.0 * self.observed / self.expected if self.expected > 0 else 0.0
        return (
            f"{self.observed} contacts on {self.dials} recent dials against {self.expected:.1f} "
            f"expected from its history and its peers ({pct:.0f}%), p={self.p_value:.2g}"
        )


def poisson_cdf(k: int, mean: float) -> float:
    """``P(X <= k)`` for ``X ~ Poisson(mean)``, summed in log space (no overflow for large k)."""
    if k < 0:
        return 0.0
    if mean <= 0.0:
        return 1.0
    log_mean = log(mean)
    total = 0.0
    for i in range(k + 1):
        total += exp(i * log_mean - mean - lgamma(i + 1))
    return min(total, 1.0)


def check_drop(
    ani_id: int, dials: int, observed: int, expected: float, params: BurnParams
) -> BurnSignal | None:
    """The test for one number's recent window; None when it passes (or cannot be judged)."""
    if expected < params.min_expected or observed > params.max_ratio * expected:
        return None
    p = poisson_cdf(observed, expected)
    if p >= params.alpha:
        return None
    return BurnSignal(ani_id, dials, observed, expected, p)


def detect_burned(
    tallies: Sequence[DayTally],
    numbers: Mapping[int, Candidate],
    areas_local: Mapping[str | None, frozenset[str]],
    area_states: Mapping[str | None, str | None],
    learner: LearnerParams,
    params: BurnParams,
) -> list[BurnSignal]:
    """Test every number with recent calls; the signals, most significant first.

    Each window of ``params.windows`` (today; the last 3 days; the last 7) is tested at
    ``alpha / len(windows)``, so the stated false-alarm rate holds for the whole check (Bonferroni).
    Several windows because the learner itself moves calls away from a number whose rate falls:
    a burned number may get too few calls in a day to prove anything, but not in a week.
    Expected contacts: the peers' rate in the same window (same prospect area and match class,
    the number's own calls left out) times the number's quality learnt from the history
    *before* the window, so its own recent collapse cannot lower the bar it is measured against.
    """
    per_window = replace(params, alpha=params.alpha / len(params.windows))
    found: dict[int, BurnSignal] = {}
    for window in params.windows:
        for signal in _detect_window(
            tallies, numbers, areas_local, area_states, learner, per_window, window
        ):
            best = found.get(signal.ani_id)
            if best is None or signal.p_value < best.p_value:
                found[signal.ani_id] = signal
    return sorted(found.values(), key=lambda s: (s.p_value, s.ani_id))


def _detect_window(
    tallies: Sequence[DayTally],
    numbers: Mapping[int, Candidate],
    areas_local: Mapping[str | None, frozenset[str]],
    area_states: Mapping[str | None, str | None],
    learner: LearnerParams,
    params: BurnParams,
    window: int,
) -> list[BurnSignal]:
    # The history is aged from the day before the window: aged from today, a week's window would
    # leave its history a fifth of its weight (0.8**7), the pseudo-counts would pull every
    # number's quality to 1, and a number that was always poor would look burned.
    shift = window + 1
    older = (replace(t, age_days=t.age_days - shift) for t in tallies if t.age_days >= shift)
    history = fit(older, numbers, areas_local, area_states, learner)
    # Peers now: every number's calls in the window to the same area and class, minus the
    # number's own. A drop that hits everyone (a holiday, a bad hour) is then no signal, and a
    # number alone in its area is measured against the history's rate instead.
    no_local: frozenset[str] = frozenset()
    own: dict[tuple[int, str | None, MatchClass], list[int]] = {}
    peers: dict[tuple[str | None, MatchClass], list[int]] = {}
    for t in tallies:
        c = numbers.get(t.ani_id)
        if c is None or t.age_days > window or t.dials <= 0 or t.contacts < 0:
            continue
        cls = match_class(c, areas_local.get(t.area_code, no_local), area_states.get(t.area_code))
        got = min(t.contacts, t.dials)
        for counts in (own.setdefault((t.ani_id, t.area_code, cls), [0, 0]),
                       peers.setdefault((t.area_code, cls), [0, 0])):  # fmt: skip
            counts[0] += t.dials
            counts[1] += got
    m = learner.class_strength
    recent: dict[int, list[float]] = {}
    for (ani_id, area, cls), (dials, got) in own.items():
        all_dials, all_got = peers[(area, cls)]
        prior = history.rate(area, cls)
        rate = (all_got - got + m * prior) / (all_dials - dials + m)
        sums = recent.setdefault(ani_id, [0.0, 0.0, 0.0])
        sums[0] += dials
        sums[1] += got
        sums[2] += dials * rate * history.quality.get(ani_id, 1.0)
    signals = []
    for ani_id, (n_dials, n_contacts, expected) in recent.items():
        signal = check_drop(ani_id, int(n_dials), int(n_contacts), expected, params)
        if signal is not None:
            signals.append(signal)
    return signals
