"""Healthy volumes that creep up while a number fills them and back off when it is flagged."""

from __future__ import annotations

from openani.selection.capacity import healthy_volumes


def volumes(
    daily: dict[int, dict[int, int]], flagged: dict[int, int] | None = None
) -> dict[int, int]:
    return healthy_volumes(daily, flagged or {}, base=50, step=2, backoff=0.9)


def test_a_number_that_fills_its_volume_creeps_up_one_step_a_day() -> None:
    got = volumes({3: {1: 50, 2: 49}, 2: {1: 52, 2: 50}, 1: {1: 54, 2: 10}})
    assert got == {1: 56, 2: 52}  # 2 filled only the day before yesterday


def test_a_day_short_of_the_volume_holds_it() -> None:
    assert volumes({3: {1: 50}, 2: {1: 51}, 1: {1: 52}}) == {1: 54}
    assert volumes({2: {1: 40}, 1: {1: 49}}) == {}


def test_todays_dials_do_not_count_until_the_day_is_over() -> None:
    assert volumes({0: {1: 75}}) == {}
    assert volumes({1: {1: 75}}) == {1: 52}  # over the volume still earns one step only


def test_a_flag_backs_off_to_the_busiest_recent_day_and_stops_creeping() -> None:
    daily = {5: {1: 50}, 4: {1: 52}, 3: {1: 70}, 2: {1: 56}, 1: {1: 80}}
    assert volumes(daily) == {1: 60}
    # Flagged 2 days ago: the busiest of that day and the two before it was 70.
    assert volumes(daily, {1: 2}) == {1: 63}


def test_a_flag_never_takes_a_number_under_the_base_volume() -> None:
    assert volumes({1: {1: 20}}, {1: 1}) == {}  # a wave, not volume, labelled it
    assert volumes({}, {1: 0}) == {}


def test_a_flag_today_counts_today() -> None:
    assert volumes({2: {1: 50}, 1: {1: 52}, 0: {1: 70}}, {1: 0}) == {1: 63}


def test_numbers_are_independent() -> None:
    got = volumes({2: {1: 50, 2: 50}, 1: {1: 52, 2: 80}}, {2: 1})
    assert got == {1: 54, 2: 72}
