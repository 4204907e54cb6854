"""Within a level: least recently used, then fewest dials today, then ani_id."""

from __future__ import annotations

import random

from openani.selection import CandidatePool, Choice, SelectionOptions, Usage, choose_ani

from .support import FakeAreas, cand, prospect, record, used

OPTS = SelectionOptions("area_code")


def pick_id(pool: CandidatePool, usage: dict[int, Usage], areas: FakeAreas) -> int:
    r = choose_ani(prospect(), pool, usage, OPTS, areas=areas, rng=random.Random(0))
    assert isinstance(r, Choice)
    return r.candidate.ani_id


def test_oldest_assignment_wins(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(1), cand(2), cand(3)])
    usage = {1: used(1, last=300.0), 2: used(9, last=100.0), 3: used(1, last=200.0)}
    assert pick_id(pool, usage, areas) == 2


def test_never_used_first(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(1), cand(2), cand(3)])
    usage = {1: used(1, last=0.0), 2: used(0, last=None), 3: used(1, last=1.0)}
    assert pick_id(pool, usage, areas) == 2
    assert pick_id(pool, {1: used(1, last=0.0)}, areas) == 2  # absent == unused


def test_ties_go_to_fewest_dials_then_lowest_id(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(7), cand(3), cand(5)])
    usage = {7: used(4, last=10.0), 3: used(5, last=10.0), 5: used(4, last=10.0)}
    assert pick_id(pool, usage, areas) == 5
    usage = {7: used(2, last=None), 3: used(2, last=None), 5: used(1, last=None)}
    assert pick_id(pool, usage, areas) == 5
    assert pick_id(pool, {}, areas) == 3


def test_tie_break_holds_across_cells(areas: FakeAreas) -> None:
    # Same area code, different recorded states: two index cells in one level.
    pool = CandidatePool([cand(9, state="FL"), cand(4, state="XX")])
    assert pick_id(pool, {}, areas) == 4


def test_consecutive_choices_rotate(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(i) for i in (4, 2, 9, 7)])
    usage: dict[int, Usage] = {}
    order = []
    for t in range(8):
        ani = pick_id(pool, usage, areas)
        order.append(ani)
        record(usage, ani, float(t))
    assert order == [2, 4, 7, 9, 2, 4, 7, 9]


def test_a_number_without_counters_ties_with_one_at_zero(areas: FakeAreas) -> None:
    # Counters at zero (e.g. after the day rolled over) and no counters at all are the same.
    pool = CandidatePool([cand(1), cand(2)])
    assert pick_id(pool, {2: used(0, last=None)}, areas) == 1
    assert pick_id(pool, {1: used(0, last=None)}, areas) == 1
