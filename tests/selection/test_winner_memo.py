"""``choose_ani`` with a memo of each cell's LRU winner answers as it does without one."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from openani.selection import (
    AssignmentType,
    Candidate,
    CandidatePool,
    Choice,
    ContactModel,
    SelectionOptions,
    Usage,
    choose_ani,
)
from openani.selection.pool import Cell

from .support import FakeAreas, cand, outcome, prospect, record


class DictMemo:
    """The smallest memo keeping the protocol: forget a cell when one of its numbers is used."""

    def __init__(self) -> None:
        self.known: dict[Cell, Candidate | None] = {}
        self.reads = 0

    def winner(self, cell: Cell) -> tuple[bool, Candidate | None]:
        self.reads += 1
        return (cell in self.known, self.known.get(cell))

    def remember(self, cell: Cell, winner: Candidate | None) -> None:
        self.known[cell] = winner

    def forget(self, ani_id: int) -> None:
        self.known = {
            cell: w for cell, w in self.known.items() if all(c.ani_id != ani_id for c in cell)
        }


# Florida numbers over several area codes (cells), a few with low caps so that cells fill up.
NUMBERS = [
    cand(i, npa, "FL", daily_cap=cap)
    for i, (npa, cap) in enumerate(
        [("561", 2), ("561", 3), ("772", 2), ("772", 4), ("954", 3), ("305", 2), ("305", 5)], 1
    )
] + [cand(20, "212", "NY", daily_cap=3), cand(21, "912", "GA", daily_cap=2)]


@pytest.mark.parametrize(
    ("strategy", "suspects"),
    [("state", frozenset()), ("area_code", frozenset()), ("state", frozenset({3, 5, 7}))],
)
def test_the_memo_changes_no_answer(
    areas: FakeAreas, strategy: AssignmentType, suspects: frozenset[int]
) -> None:
    model = replace(ContactModel.empty(), suspects=suspects) if suspects else None
    options = SelectionOptions(strategy, model=model)
    pool = CandidatePool(NUMBERS)
    memo = DictMemo()
    plain: dict[int, Usage] = {}
    remembered: dict[int, Usage] = {}
    p = prospect("954", "FL")
    # Every number's cap, then over-cap calls in soft mode: the memo is read all the way.
    for step in range(sum(c.daily_cap for c in NUMBERS) + 3):
        now = float(step)
        without = choose_ani(p, pool, plain, options, areas=areas, rng=random.Random(step))
        with_memo = choose_ani(
            p, pool, remembered, options, areas=areas, rng=random.Random(step), winners=memo
        )
        assert outcome(with_memo) == outcome(without), step
        assert isinstance(without, Choice)
        chosen = without.candidate.ani_id
        record(plain, chosen, now)
        record(remembered, chosen, now)
        memo.forget(chosen)
    assert memo.reads > 0
