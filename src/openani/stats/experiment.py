"""The default strategy against its holdout: contact rates per arm, and the uplift.

Pure arithmetic over per-arm counts, so it can be checked by hand. Each arm's contact rate gets
a 95% Wilson interval (honest at small counts and near 0, unlike the normal approximation).
The uplift is ``rate(default) / rate(holdout) - 1`` with a 95% interval from the log of the
ratio of two independent binomial proportions (the Katz interval); it is *significant* when
that interval excludes 0. The arms hold different prospects (see ``assign/holdout.py``), so
they are independent samples. Rates and the uplift are reported as percentages with two
decimals, as every rate of the statistics API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

Z95 = 1.959963984540054  # two-sided 95% normal quantile


@dataclass(frozen=True, slots=True)
class ArmCounts:
    assigned: int  # numbers handed out by /dialer/next in this arm
    dials: int  # dial results reported for this arm's prospects
    contacts: int


def wilson(contacts: int, dials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of contacts/dials; None without dials."""
    if dials <= 0:
        return None
    p = contacts / dials
    denom = 1.0 + z * z / dials
    centre = (p + z * z / (2 * dials)) / denom
    half = z * math.sqrt(p * (1.0 - p) / dials + z * z / (4 * dials * dials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def uplift(
    treated: ArmCounts, control: ArmCounts, z: float = Z95
) -> tuple[float, float, float] | None:
    """(uplift, low, high) of the treated arm's contact rate over the control's; None when
    either arm has no contacts yet (the ratio is undefined or unbounded)."""
    if min(treated.contacts, control.contacts) <= 0 or min(treated.dials, control.dials) <= 0:
        return None
    rt = treated.contacts / treated.dials
    rc = control.contacts / control.dials
    log_ratio = math.log(rt / rc)
    se = math.sqrt(
        1.0 / treated.contacts - 1.0 / treated.dials + 1.0 / control.contacts - 1.0 / control.dials
    )
    return (
        math.exp(log_ratio) - 1.0,
        math.exp(log_ratio - z * se) - 1.0,
        math.exp(log_ratio + z * se) - 1.0,
    )


def _pct(x: float) -> float:
    return round(100.0 * x, 2)


def _arm(counts: ArmCounts) -> dict[str, Any]:
    interval = wilson(counts.contacts, counts.dials)
    return {
        "assigned": counts.assigned,
        "dials": counts.dials,
        "contacts": counts.contacts,
        "contact_rate": _pct(counts.contacts / counts.dials) if counts.dials else None,
        "contact_rate_95": [_pct(interval[0]), _pct(interval[1])] if interval else None,
    }


def report(default: ArmCounts, holdout: ArmCounts) -> dict[str, Any]:
    """The experiment's figures as the API returns them."""
    found = uplift(default, holdout)
    return {
        "arms": {"default": _arm(default), "holdout": _arm(holdout)},
        "uplift": None if found is None else _pct(found[0]),
        "uplift_95": None if found is None else [_pct(found[1]), _pct(found[2])],
        "significant": found is not None and (found[1] > 0.0 or found[2] < 0.0),
    }
