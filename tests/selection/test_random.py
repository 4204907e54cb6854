"""random: uniform over the eligible numbers under cap."""

from __future__ import annotations

import random
from collections import Counter

from openani.selection import CandidatePool, Choice, NoChoice, SelectionOptions, Usage, choose_ani

from .support import FakeAreas, cand, prospect, used

OPTS = SelectionOptions("random")
# Chi-square critical values at p = 0.001.
CHI2_CRIT = {1: 10.83, 9: 27.88, 19: 43.82}


def draw(pool: CandidatePool, usage: dict[int, Usage], areas: FakeAreas, n: int, seed: int
         ) -> Counter[int]:  # fmt: skip
    rng = random.Random(seed)
    counts: Counter[int] = Counter()
    for _ in range(n):
        r = choose_ani(prospect(), pool, usage, OPTS, areas=areas, rng=rng)
        assert isinstance(r, Choice)
        assert (r.assignment_type, r.match, r.fallback, r.over_cap) == (
            "random",
            "any",
            False,
            False,
        )
        counts[r.candidate.ani_id] += 1
    return counts


def chi2(counts: Counter[int], keys: list[int]) -> float:
    expected = sum(counts.values()) / len(keys)
    return sum((counts[k] - expected) ** 2 / expected for k in keys)


def test_uniform_over_the_pool(areas: FakeAreas) -> None:
    npas = ["561", "212", "305", "800", "912"]
    pool = CandidatePool([cand(i, npas[i % 5]) for i in range(1, 11)])
    counts = draw(pool, {}, areas, 20_000, seed=11)
    assert set(counts) == set(range(1, 11))
    assert chi2(counts, list(range(1, 11))) < CHI2_CRIT[9]


def test_capped_numbers_are_never_drawn_and_the_rest_stay_uniform(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(i) for i in range(1, 21)])
    usage = {i: used(75) for i in range(1, 21) if i % 2 == 0}
    usage[1] = used(10, hour=10)  # not capped: no hourly cap on these numbers
    counts = draw(pool, usage, areas, 10_000, seed=12)
    odd = [i for i in range(1, 21) if i % 2]
    assert set(counts) == set(odd)
    assert chi2(counts, odd) < CHI2_CRIT[9]


def test_uniform_when_almost_everything_is_capped(areas: FakeAreas) -> None:
    # 2 free numbers out of 200: rejection draws miss, so the scan path is exercised.
    pool = CandidatePool([cand(i) for i in range(1, 201)])
    usage = {i: used(75) for i in range(1, 201) if i not in (17, 150)}
    counts = draw(pool, usage, areas, 4_000, seed=13)
    assert set(counts) == {17, 150}
    assert chi2(counts, [17, 150]) < CHI2_CRIT[1]


def test_all_capped(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(i) for i in range(1, 4)])
    usage = {1: used(80), 2: used(76), 3: used(79)}
    r = choose_ani(prospect(), pool, usage, OPTS, areas=areas, rng=random.Random(1))
    assert isinstance(r, Choice)
    assert (r.candidate.ani_id, r.over_cap, r.match) == (2, True, "any")
    strict = SelectionOptions("random", cap_mode="strict")
    r2 = choose_ani(prospect(), pool, usage, strict, areas=areas, rng=random.Random(1))
    assert isinstance(r2, NoChoice)


def test_same_seed_same_choice(areas: FakeAreas) -> None:
    pool = CandidatePool([cand(i) for i in range(1, 50)])
    a = draw(pool, {}, areas, 50, seed=99)
    b = draw(pool, {}, areas, 50, seed=99)
    assert a == b


def test_parked_numbers_are_never_drawn(areas: FakeAreas) -> None:
    parked = [cand(i, daily_cap=0) for i in range(1, 10)] + [cand(10, hourly_cap=0)]
    pool = CandidatePool([*parked, cand(11)])
    assert set(draw(pool, {}, areas, 200, seed=5)) == {11}
