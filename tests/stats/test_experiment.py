"""The experiment's arithmetic against values computed by hand."""

from __future__ import annotations

import math

import pytest

from openani.stats.experiment import ArmCounts, report, uplift, wilson


def test_wilson_matches_the_textbook_values() -> None:
    # 0 of 10: [0, 27.75%]; 5 of 10: [23.66%, 76.34%] (Wilson 1927, z = 1.96).
    lo, hi = wilson(0, 10) or (None, None)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(5, 10) or (None, None)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert wilson(0, 0) is None


def test_uplift_is_the_katz_log_ratio_interval() -> None:
    treated, control = ArmCounts(1000, 1000, 200), ArmCounts(1000, 1000, 150)
    found = uplift(treated, control)
    assert found is not None
    se = math.sqrt(1 / 200 - 1 / 1000 + 1 / 150 - 1 / 1000)
    ratio = 0.2 / 0.15
    assert found[0] == pytest.approx(ratio - 1)
    assert found[1] == pytest.approx(ratio * math.exp(-1.959963984540054 * se) - 1)
    assert found[2] == pytest.approx(ratio * math.exp(1.959963984540054 * se) - 1)
    assert uplift(treated, ArmCounts(10, 10, 0)) is None


def test_report_says_significant_only_when_the_interval_excludes_zero() -> None:
    clear = report(ArmCounts(0, 5000, 1000), ArmCounts(0, 5000, 750))
    assert clear["significant"] is True and clear["uplift"] == 33.33
    assert clear["uplift_95"][0] > 0
    unclear = report(ArmCounts(0, 100, 20), ArmCounts(0, 100, 18))
    assert unclear["significant"] is False
    assert unclear["uplift_95"][0] < 0 < unclear["uplift_95"][1]
    empty = report(ArmCounts(0, 0, 0), ArmCounts(0, 0, 0))
    assert empty["arms"]["default"]["contact_rate"] is None and empty["uplift"] is None
    assert empty["arms"]["holdout"] == {"assigned": 0, "dials": 0, "contacts": 0,
                                        "contact_rate": None, "contact_rate_95": None}  # fmt: skip
