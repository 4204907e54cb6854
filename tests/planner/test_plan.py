"""The planner's arithmetic: business days, rounding, the 20-dial floor, surplus, the gain of one
more number."""

from __future__ import annotations

from datetime import date

import pytest

from openani.planner.plan import (
    Demand,
    Holding,
    Rates,
    business_days,
    make_plan,
    target_dials,
)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 2), date(2026, 11, 6), 5),  # Monday to Friday
        (date(2026, 11, 7), date(2026, 11, 8), 0),  # a weekend
        (date(2026, 11, 1), date(2026, 11, 30), 21),
        (date(2026, 11, 6), date(2026, 11, 9), 2),  # Friday to Monday
        (date(2026, 11, 9), date(2026, 11, 8), 0),
    ],
)
def test_business_days(start: date, end: date, expected: int) -> None:
    assert business_days(start, end) == expected
    # The same count, day by day.
    days = (end - start).days + 1
    by_hand = sum(
        1 for i in range(max(days, 0)) if date.fromordinal(start.toordinal() + i).weekday() < 5
    )
    assert business_days(start, end) == by_hand


def test_targets() -> None:
    assert (target_dials("BEST"), target_dials("BETTER"), target_dials("GOOD")) == (50, 75, 100)
    assert target_dials(30) == 30


def test_rounding_floor_surplus_and_toll_free() -> None:
    plan = make_plan(
        date(2026, 11, 2),
        date(2026, 11, 6),
        [
            Demand("561", "FL", 201, 40, 4),  # 40.2 a day -> 41 -> 1 number at 75
            Demand("212", "NY", 99, 10, 1),  # 19.8 -> 20: at the floor, proposes
            Demand("305", "FL", 95, 10, 1),  # 19 a day: under the floor
            Demand("toll_free", None, 400, 20, 0),  # 80 a day -> 2
        ],
        {"305": Holding(3, 3, 150), "415": Holding(2, 1, 50)},
        target="BETTER",
    )
    rows = {row.region: row for row in plan.rows}
    assert [row.region for row in plan.rows] == ["212", "305", "415", "561", "toll_free"]
    assert (rows["561"].daily_dials_average, rows["561"].proposed) == (41, 1)
    assert (rows["212"].daily_dials_average, rows["212"].proposed) == (20, 1)
    assert (rows["305"].proposed, rows["305"].difference) == (0, -3)
    assert (rows["415"].dials, rows["415"].current, rows["415"].difference) == (0, 2, -2)
    assert rows["toll_free"].proposed == 2
    assert rows["561"].contact_rate == pytest.approx(19.9)
    assert plan.totals == {
        "dials": 795, "contacts": 80, "current": 5, "proposed": 4, "difference": -1,
    }  # fmt: skip
    # At GOOD (100 a day) the toll-free row needs one number only.
    good = make_plan(
        date(2026, 11, 2),
        date(2026, 11, 6),
        [Demand("toll_free", None, 400, 0, 0)],
        {},
        target="GOOD",
    )
    assert good.rows[0].proposed == 1


def test_one_more_number_goes_where_overflow_meets_the_local_lift() -> None:
    demand = [
        Demand("561", "FL", 1000, 200, 0),  # 200 a day
        Demand("212", "NY", 1000, 200, 0),  # 200 a day
        Demand("305", "FL", 500, 100, 0),  # 100 a day, all served locally
    ]
    holdings = {
        "561": Holding(2, 2, 100),  # 100 a day overflow
        "212": Holding(3, 3, 170),  # 30 a day overflow
        "305": Holding(2, 2, 100),
    }
    lift = {"561": Rates(0.25, 0.15), "212": Rates(0.30, 0.10), "305": Rates(0.3, 0.1)}
    plan = make_plan(date(2026, 11, 2), date(2026, 11, 6), demand, holdings, rates=lift.__getitem__)
    rows = {row.region: row for row in plan.rows}
    # 561: min(100, 50) x 0.10 = 5; 212: min(30, 50) x 0.20 = 6; 305: no overflow.
    assert rows["561"].one_more_number_contacts_per_day == pytest.approx(5.0)
    assert rows["212"].one_more_number_contacts_per_day == pytest.approx(6.0)
    assert rows["305"].one_more_number_contacts_per_day == 0
    assert [row.region for row in plan.best_additions()] == ["212", "561"]
