"""A 20,000-number pool over 300 area codes: correct answers at production scale.

Deliberately untimed (timings belong in benchmarks, not in a test that must pass on a loaded CI
box); it checks that the index gives the same answers as the naive reference at scale, and that
one pool stays correct while counters change underneath it.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from openani.selection import (
    Candidate,
    CandidatePool,
    Choice,
    ContactModel,
    DayTally,
    LearnerParams,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
    fit,
    local_area_codes,
)

from .support import FakeAreas, cand, outcome, record, reference, under_cap

N_STATES, NPAS_PER_STATE, N_CANDIDATES = 50, 6, 20_000


def build_world(seed: int) -> tuple[list[Candidate], FakeAreas, list[tuple[str, str]]]:
    rng = random.Random(seed)
    areas = FakeAreas()
    npa_state: list[tuple[str, str]] = []
    for s in range(N_STATES):
        state = f"S{s:02d}"
        base_lat, base_lon = 25.0 + (s // 10) * 4.0, -120.0 + (s % 10) * 5.0
        for k in range(NPAS_PER_STATE):
            npa = str(200 + s * NPAS_PER_STATE + k)
            npa_state.append((npa, state))
            areas.centroids[npa] = (base_lat + rng.uniform(0, 3), base_lon + rng.uniform(0, 4))
        # Pairs of overlays inside each state, as in real overlay plans.
        a, b = str(200 + s * NPAS_PER_STATE), str(201 + s * NPAS_PER_STATE)
        areas.overlays[a], areas.overlays[b] = (b,), (a,)
    assert len(npa_state) == 300
    cands: list[Candidate] = []
    for ani_id in range(1, N_CANDIDATES + 1):
        roll = rng.random()
        if roll < 0.01:
            cands.append(cand(ani_id, "800", branded=rng.random() < 0.3))
            continue
        npa, state = rng.choice(npa_state)
        cands.append(
            cand(
                ani_id,
                npa,
                state,
                cc="+44" if roll > 0.99 else "+1",
                branded=rng.random() < 0.3,
                daily_cap=rng.choice([50, 75, 100]),
                hourly_cap=rng.choice([None, 20]),
            )
        )
    return cands, areas, npa_state


@pytest.fixture(scope="module")
def world() -> tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool]:
    cands, areas, npa_state = build_world(2024)
    return cands, areas, npa_state, CandidatePool(cands)


@pytest.fixture(scope="module")
def model(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
) -> ContactModel:
    """A week of calls by 4,000 numbers, each to a few area codes, at rates that vary by number
    and by how local the number is (the learner's own fit, so shortlists and rates are real)."""
    cands, areas, npa_state, _ = world
    rng = random.Random(99)
    state_of = dict(npa_state)
    tallies: list[DayTally] = []
    for c in rng.sample([c for c in cands if c.country_code == "+1"], 4000):
        q = rng.uniform(0.5, 1.5)
        for npa, state in rng.sample(npa_state, 3):
            p = q * (0.25 if npa == c.area_code else 0.18 if state == c.state else 0.12)
            for age in range(7):
                dials = rng.randrange(1, 30)
                tallies.append(DayTally(age, c.ani_id, npa, dials, round(dials * p)))
    local = {
        npa: local_area_codes(Prospect("+1", npa, st), areas.overlays_of(npa))
        for npa, st in npa_state
    }
    numbers = {c.ani_id: c for c in cands}
    params = LearnerParams(healthy_daily=30, warmup_days=2)
    fitted = fit(tallies, numbers, local, dict(state_of), params)  # type: ignore[arg-type]
    # Some numbers suspected of a label, so ``auto`` exercises its suspects-last path too.
    return replace(fitted, suspects=frozenset(rng.sample(sorted(numbers), 300)))


def random_usage(cands: list[Candidate], rng: random.Random, capped_npas: set[str]
                 ) -> dict[int, Usage]:  # fmt: skip
    usage: dict[int, Usage] = {}
    for c in cands:
        if c.area_code in capped_npas:
            usage[c.ani_id] = Usage(dials_today=c.daily_cap, last_assigned_at=rng.random())
        elif rng.random() < 0.7:
            usage[c.ani_id] = Usage(
                dials_today=rng.randrange(c.daily_cap + 1),
                dials_this_hour=rng.randrange(25),
                last_assigned_at=float(rng.randrange(1000)),
            )
    return usage


def random_prospect(rng: random.Random, npa_state: list[tuple[str, str]], areas: FakeAreas
                    ) -> Prospect:  # fmt: skip
    npa, state = rng.choice(npa_state)
    zips = tuple(n for n, _ in rng.sample(npa_state, rng.choice([0, 0, 1, 2])))
    lat, lon = areas.centroids[npa]
    return Prospect("+1", npa, state, zips, lat, lon)


@pytest.mark.parametrize(
    "strategy", ["zip", "area_code", "state", "tfn", "auto", "highest_contact_rate", None]
)
def test_matches_reference(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
    model: ContactModel,
    strategy: str | None,
) -> None:
    cands, areas, npa_state, pool = world
    rng = random.Random(f"scaling-{strategy}")
    # Whole states and scattered area codes fully capped (and, for tfn, every toll-free number),
    # so that every rung of the ladders gets exercised.
    capped_states = {s for _, s in rng.sample(npa_state, 15)}
    capped = {n for n, s in npa_state if s in capped_states}
    capped |= {n for n, _ in rng.sample(npa_state, 30)}
    if strategy == "tfn":
        capped.add("800")
    usage = random_usage(cands, rng, capped)
    matches = set()
    for i in range(60):
        p = random_prospect(rng, npa_state, areas)
        o = SelectionOptions(
            strategy,  # type: ignore[arg-type]
            default_assignment_type=rng.choice([None, "zip", "state", "auto"]),
            use_branded=rng.choice([None, True, False]),
            cap_mode="strict" if i % 5 == 0 else "soft",
            nearest_radius_km=rng.choice([250.0, 800.0]),
            model=model,
        )
        got = choose_ani(p, pool, usage, o, areas=areas, rng=random.Random(i))
        assert outcome(got) == reference(p, cands, usage, o, areas), (p, o)
        if isinstance(got, Choice):
            matches.add(got.match)
    assert len(matches) >= 2


def test_capped_state_falls_to_nearest_and_any(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
) -> None:
    cands, areas, npa_state, pool = world
    state_npas = {n for n, s in npa_state if s == "S00"}
    usage = {c.ani_id: Usage(dials_today=c.daily_cap) for c in cands if c.area_code in state_npas}
    npa = next(iter(sorted(state_npas)))
    lat, lon = areas.centroids[npa]
    p = Prospect("+1", npa, "S00", (), lat, lon)
    for radius, match in ((800.0, "nearest"), (1.0, "any")):
        o = SelectionOptions("area_code", nearest_radius_km=radius)
        got = choose_ani(p, pool, usage, o, areas=areas, rng=random.Random(0))
        assert isinstance(got, Choice)
        assert got.match == match
        assert got.candidate.area_code not in state_npas
        assert outcome(got) == reference(p, cands, usage, o, areas)


def test_pool_is_reused_while_counters_change(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
) -> None:
    cands, areas, npa_state, pool = world
    rng = random.Random(7)
    usage: dict[int, Usage] = {}
    # One busy area code: its ~66 numbers serve 6,000 calls, so caps bite and fall-through starts.
    npa, state = npa_state[17]
    lat, lon = areas.centroids[npa]
    p = Prospect("+1", npa, state, (), lat, lon)
    o = SelectionOptions("area_code")
    for t in range(6000):
        got = choose_ani(p, pool, usage, o, areas=areas, rng=rng)
        assert isinstance(got, Choice)
        assert not got.over_cap
        assert under_cap(got.candidate, usage.get(got.candidate.ani_id))
        if t % 500 == 0:
            assert outcome(got) == reference(p, cands, usage, o, areas)
        record(usage, got.candidate.ani_id, float(t))
        if t % 20 == 19:  # a new hour every 20 calls keeps the hourly caps from dominating
            for u in usage.values():
                u.dials_this_hour = 0
    local = [c for c in cands if c.area_code == npa and c.country_code == "+1"]
    assert all(usage[c.ani_id].dials_today == c.daily_cap for c in local)


def test_random_at_scale(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
) -> None:
    cands, areas, npa_state, pool = world
    rng = random.Random(11)
    usage = random_usage(cands, rng, {n for n, _ in npa_state[:150]})
    for _ in range(50):
        p = random_prospect(rng, npa_state, areas)
        got = choose_ani(p, pool, usage, SelectionOptions("random"), areas=areas, rng=rng)
        assert isinstance(got, Choice)
        assert got.candidate.country_code == "+1"
        assert under_cap(got.candidate, usage.get(got.candidate.ani_id))


def test_learner_at_scale_uses_shortlists_and_stays_healthy(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
    model: ContactModel,
) -> None:
    """A busy area code under ``auto``: every call under healthy volume while the pool has room,
    the state's shortlist and the head of the company ranking bring in numbers from outside the
    area code, and nothing past ``shortlist_size`` of the ranking is read while they serve."""
    cands, areas, npa_state, pool = world
    npa, state = npa_state[17]
    lat, lon = areas.centroids[npa]
    p = Prospect("+1", npa, state, (), lat, lon)
    size = model.params.shortlist_size
    assert sorted(model.shortlist) == [c.ani_id for c in cands]  # the ranking: every number
    assert 0 < size < len(model.shortlist) and model.state_shortlists[state]
    local = local_area_codes(p, areas.overlays_of(npa))
    readable = {c.ani_id for c in cands if c.area_code in local}
    readable |= {*model.state_shortlists[state], *model.shortlist[:size]}
    usage: dict[int, Usage] = {}
    o = SelectionOptions("highest_contact_rate", model=model)
    matches = set()
    for t in range(1800):
        got = choose_ani(p, pool, usage, o, areas=areas, rng=random.Random(t))
        assert isinstance(got, Choice) and not got.over_cap
        c = got.candidate
        assert c.country_code == "+1"
        assert c.ani_id in readable
        assert (usage[c.ani_id].dials_today if c.ani_id in usage else 0) < model.healthy_volume(
            c.ani_id
        )
        matches.add(got.match)
        record(usage, c.ani_id, float(t))
        if t % 20 == 19:
            for u in usage.values():
                u.dials_this_hour = 0
    assert {"area_code", "state", "any"} <= matches


def test_uk_prospect_in_a_mostly_us_pool(
    world: tuple[list[Candidate], FakeAreas, list[tuple[str, str]], CandidatePool],
) -> None:
    _, areas, _, pool = world
    got = choose_ani(Prospect("+44", "20", None), pool, {}, SelectionOptions("area_code"),
                     areas=areas, rng=random.Random(0))  # fmt: skip
    assert isinstance(got, Choice) and got.candidate.country_code == "+44"
    got2 = choose_ani(Prospect("+33", "1", None), pool, {}, SelectionOptions("area_code"),
                      areas=areas, rng=random.Random(0))  # fmt: skip
    assert got2 == NoChoice("no +33 ANIs in the inventory", "no_inventory")
