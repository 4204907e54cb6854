"""How results count into daily statistics (the pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime

from openani.stats.counting import (
    Classification,
    CountedResult,
    StatsDelta,
    contribution,
)
from openani.stats.keys import COUNTERS

SALE = Classification(contact=True, success=True, category="human")
BLOCKED = Classification(category="blocked")


def counted(classification: Classification, duration_s: int | None = 30) -> CountedResult:
    return CountedResult(
        ani="+15615550100", campaign="c1", area_code="561", area_state="FL", day="2026-11-20",
        call_at=datetime(2026, 11, 20, 15, tzinfo=UTC), duration_s=duration_s,
        classification=classification,
    )  # fmt: skip


def test_contribution_of_each_kind_of_call() -> None:
    named = lambda c, d=30: dict(zip(COUNTERS, contribution(c, d), strict=True))  # noqa: E731
    assert named(SALE) == {"dials": 1, "contacts": 1, "successes": 1, "blocked": 0,
                           "no_answers": 0, "talk_seconds": 30, "short_calls": 0}  # fmt: skip
    assert named(SALE, 7)["short_calls"] == 1
    assert named(Classification(success=True))["successes"] == 0  # no success without contact
    blocked = named(BLOCKED, None)
    assert blocked == {"dials": 1, "contacts": 0, "successes": 0, "blocked": 1, "no_answers": 0,
                       "talk_seconds": 0, "short_calls": 0}  # fmt: skip


def test_a_redisposition_moves_every_dimension_by_the_difference() -> None:
    delta = StatsDelta.empty()
    delta.add(counted(BLOCKED))
    delta.replace(counted(BLOCKED), counted(SALE))
    assert set(delta.counters) == {
        ("ani", "+15615550100", "2026-11-20"),
        ("campaign", "c1", "2026-11-20"),
        ("ani_campaign", "c1|+15615550100", "2026-11-20"),
        ("area", "561", "2026-11-20"),
        ("ani_area", "+15615550100|561", "2026-11-20"),
        # The number has the prospect's area code: the call counts as local presence too.
        ("area_local", "561", "2026-11-20"),
    }
    for totals in delta.counters.values():
        assert dict(zip(COUNTERS, totals, strict=True)) == {
            "dials": 1, "contacts": 1, "successes": 1, "blocked": 0, "no_answers": 0,
            "talk_seconds": 30, "short_calls": 0,
        }  # fmt: skip
    assert delta.states[("area", "561", "2026-11-20")] == "FL"
