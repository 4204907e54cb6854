"""The dimensions and keys of the daily statistics: what a result and an assignment count in,
and composite keys read back as they were written."""

from __future__ import annotations

from openani.stats.keys import (
    ALL_COUNTERS,
    COUNTERS,
    ani_area_key,
    ani_area_range,
    ani_campaign_key,
    assignment_keys,
    result_keys,
    split_ani_area_key,
)

DAY = "2026-11-20"


def test_a_result_counts_in_every_dimension_it_has() -> None:
    assert result_keys("+15615550100", "c1", "561", DAY, "agent7", "default") == [
        ("ani", "+15615550100", DAY),
        ("campaign", "c1", DAY),
        ("ani_campaign", "c1|+15615550100", DAY),
        ("area", "561", DAY),
        ("ani_area", "+15615550100|561", DAY),
        ("area_local", "561", DAY),
        ("agent", "agent7", DAY),
        ("arm", "default", DAY),
    ]
    # Another area's prospect: not local; no area code, no agent, no arm: the first three only.
    assert ("area_local", "212", DAY) not in result_keys("+15615550100", "c1", "212", DAY)
    assert result_keys("+442071234567", "c1", None, DAY) == [
        ("ani", "+442071234567", DAY),
        ("campaign", "c1", DAY),
        ("ani_campaign", "c1|+442071234567", DAY),
    ]


def test_an_assignment_counts_per_number_campaign_area_and_arm() -> None:
    assert assignment_keys("+15615550100", "c1", "212", "NY", "holdout") == (
        ("ani", "+15615550100", None),
        ("campaign", "c1", None),
        ("ani_campaign", "c1|+15615550100", None),
        ("area", "212", "NY"),
        ("arm", "holdout", None),
    )
    assert [k[0] for k in assignment_keys("+15615550100", "c1", None, None, None)] == [
        "ani",
        "campaign",
        "ani_campaign",
    ]


def test_composite_keys_read_back() -> None:
    assert ani_campaign_key("c1", "+15615550100") == "c1|+15615550100"
    key = ani_area_key("+15615550100", "561")
    assert split_ani_area_key(key) == ("+15615550100", "561")
    first, after = ani_area_range("+15615550100")
    assert first <= key < after
    # A longer or shorter number sharing the digits is not in the range.
    for other in ("+156155501001", "+1561555010"):
        assert not first <= ani_area_key(other, "561") < after


def test_counters_of_a_row() -> None:
    assert ("assigned", *COUNTERS) == ALL_COUNTERS
    assert COUNTERS[0] == "dials"
