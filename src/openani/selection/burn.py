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

from dataclasses import dataclass
from math import exp, lgamma, log


@dataclass(frozen=True, slots=True)
class BurnParams:
    alpha: float = 0.001  # false-alarm probability per number per check
    max_ratio: float = 0.6  # flag only drops to at most 60% of the expected contacts
    min_expected: float = 4.0  # too few expected contacts to judge anything below this

    def __post_init__(self) -> None:
        if not 0.0 < self.alpha < 0.5:
            raise ValueError(f"alpha must be in (0, 0.5), got {self.alpha}")
        if not 0.0 < self.max_ratio < 1.0:
            raise ValueError(f"max_ratio must be in (0, 1), got {self.max_ratio}")
        if not self.min_expected > 0.0:
            raise ValueError(f"min_expected must be > 0, got {self.min_expected}")


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

