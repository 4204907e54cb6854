"""The burned-number test measures a number against its peers *now*, not only its past."""

from __future__ import annotations

from openani.selection import Candidate
from openani.selection.burn import BurnParams, detect_burned
from openani.selection.learner import DayTally, LearnerParams

AREA = "561"
NUMBERS = {
    i: Candidate(i, f"561555{i:04d}", "+1", AREA, "FL", False, False, 75) for i in range(1, 21)
}
LOCAL = {AREA: frozenset({AREA})}
STATES = {AREA: "FL"}


def history() -> list[DayTally]:
    return [DayTally(age, i, AREA, 40, 10) for i in NUMBERS for age in range(1, 8)]


def signals(today: list[DayTally]) -> list[int]:
    found = detect_burned(history() + today, NUMBERS, LOCAL, STATES, LearnerParams(), BurnParams())
    return [s.ani_id for s in found]


def test_a_drop_that_hits_every_number_is_no_signal() -> None:
    # A holiday: everyone's contacts collapse today; measured against the past alone, all 20
    # numbers would be flagged.
    assert signals([DayTally(0, i, AREA, 60, 1) for i in NUMBERS]) == []


def test_one_number_falling_while_its_peers_hold_is_a_signal() -> None:
    today = [DayTally(0, i, AREA, 40, 10) for i in NUMBERS if i != 7]
    assert signals([*today, DayTally(0, 7, AREA, 60, 1)]) == [7]


def test_a_number_alone_in_its_area_is_measured_against_the_history() -> None:
    alone = {7: NUMBERS[7]}
    past = [DayTally(age, 7, AREA, 40, 10) for age in range(1, 8)]
    found = detect_burned(
        [*past, DayTally(0, 7, AREA, 60, 1)], alone, LOCAL, STATES, LearnerParams(), BurnParams()
    )
    assert [s.ani_id for s in found] == [7]
