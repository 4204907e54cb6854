"""Property tests: invariants for every strategy, and equality with a naive reference."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from openani.selection import (
    ASSIGNMENT_TYPES,
    Candidate,
    CandidatePool,
    ContactModel,
    LearnerParams,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
    normalize_country_code,
)
from openani.selection.learner import MATCH_CLASSES

from .support import FL_AREAS, LEARNED, cand, learner_reads, outcome, reference, under_cap

NPAS = ["561", "728", "772", "954", "305", "786", "912", "212", "800", "20", "161"]
STATES = ["FL", "GA", "NY"]
STRATEGIES = [None, *sorted(ASSIGNMENT_TYPES)]


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    n = draw(st.integers(0, 14))
    ani_ids = draw(st.lists(st.integers(1, 60), min_size=n, max_size=n, unique=True))
    return [
        cand(
            ani_id,
            draw(st.sampled_from([*NPAS, None])),
            draw(st.sampled_from([*STATES, None])),
            cc=draw(st.sampled_from(["+1", "+1", "+44"])),
            branded=draw(st.booleans()),
            daily_cap=draw(st.integers(0, 4)),
            hourly_cap=draw(st.one_of(st.none(), st.integers(0, 3))),
        )
        for ani_id in ani_ids
    ]


def usages(ani_ids: list[int]) -> st.SearchStrategy[dict[int, Usage]]:
    usage = st.builds(
        Usage,
        dials_today=st.integers(0, 5),
        dials_this_hour=st.integers(0, 4),
        last_assigned_at=st.one_of(st.none(), st.integers(0, 4).map(float)),
    )
    return st.dictionaries(st.sampled_from(ani_ids), usage) if ani_ids else st.just({})


prospects = st.builds(
    Prospect,
    country_code=st.sampled_from(["+1", "+1", "1", "+44", "+33"]),
    area_code=st.sampled_from([*NPAS, None]),
    state=st.sampled_from([*STATES, None]),
    zip_area_codes=st.lists(st.sampled_from(NPAS), max_size=3, unique=True).map(tuple),
    lat=st.sampled_from([None, 26.65, 25.7, 32.05]),
    lon=st.just(-80.3),
)

options = st.builds(
    SelectionOptions,
    assignment_type=st.sampled_from(STRATEGIES),
    default_assignment_type=st.sampled_from(STRATEGIES),
    use_branded=st.sampled_from([None, True, False]),
    cap_mode=st.sampled_from(["soft", "strict"]),
    nearest_radius_km=st.sampled_from([0.0, 100.0, 250.0, 1000.0]),
    strict_brand=st.booleans(),
)


@st.composite
def models(draw: st.DrawFn, ani_ids: list[int]) -> ContactModel | None:
    """A learner's state, with few distinct values so that ties (and their breaks) are common;
    shortlists may name numbers of another country or brand, or not in the pool at all, are in
    no particular order, and the ranking may be longer than what a choice reads of it."""
    if draw(st.integers(0, 3)) == 0:
        return None
    known = st.sampled_from([*ani_ids, 61, 62]) if ani_ids else st.sampled_from([61, 62])
    rates = st.sampled_from([0.05, 0.1, 0.2])
    lifts = st.sampled_from([0.5, 1.0, 2.0])
    areas = st.sampled_from([*NPAS, None])
    cells = st.tuples(areas, st.sampled_from(MATCH_CLASSES))
    return ContactModel(
        params=LearnerParams(
            healthy_daily=draw(st.integers(1, 4)),
            warmup_days=draw(st.integers(0, 3)),
            shortlist_size=draw(st.sampled_from([0, 2, 4, 8])),
        ),
        quality=draw(st.dictionaries(known, st.sampled_from([0.5, 1.0, 2.0]))),
        area_rates=draw(st.dictionaries(cells, rates)),
        area_base=draw(st.dictionaries(areas, rates)),
        class_lift={c: draw(lifts) for c in MATCH_CLASSES},
        class_rates={c: draw(rates) for c in MATCH_CLASSES},
        shortlist=tuple(draw(st.lists(known, unique=True, max_size=10))),
        state_shortlists={
            state: tuple(draw(st.lists(known, unique=True, max_size=4))) for state in STATES
        },
        age_days=draw(st.dictionaries(known, st.integers(0, 4))),
        suspects=frozenset(draw(st.lists(known, max_size=4))),
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[Candidate], dict[int, Usage], Prospect, SelectionOptions, int]:
    cands = draw(candidates())
    ani_ids = [c.ani_id for c in cands]
    return (
        cands,
        draw(usages(ani_ids)),
        draw(prospects),
        replace(draw(options), model=draw(models(ani_ids))),
        draw(st.integers(0, 2**32)),
    )


def deterministic(p: Prospect, o: SelectionOptions) -> bool:
    """Everything but ``random`` (the learner uses no randomness)."""
    if o.assignment_type == "random":
        return False
    return not (o.assignment_type == "tfn" and o.default_assignment_type == "random")


@settings(max_examples=600, deadline=None)
@given(scenarios())
def test_invariants_and_reference(
    scenario: tuple[list[Candidate], dict[int, Usage], Prospect, SelectionOptions, int],
) -> None:
    cands, usage, p, o, seed = scenario
    areas = FL_AREAS
    result = choose_ani(p, CandidatePool(cands), usage, o, areas=areas, rng=random.Random(seed))

    cc = normalize_country_code(p.country_code)
    country = [c for c in cands if normalize_country_code(c.country_code) == cc]
    branded = [c for c in country if o.use_branded is None or c.branded == o.use_branded]

    if isinstance(result, NoChoice):
        if not country:
            assert result.code == "no_inventory"
        elif not branded and o.strict_brand:
            assert result.code == "no_brand_match"
        else:
            assert o.cap_mode == "strict"
            assert result.code == "all_capped"
            assert not any(under_cap(c, usage.get(c.ani_id)) for c in branded or country)
    else:
        c = result.candidate
        # Always the prospect's country; under cap unless flagged.
        assert normalize_country_code(c.country_code) == cc
        assert result.over_cap or under_cap(c, usage.get(c.ani_id))
        if result.brand_filter_ignored:
            assert o.use_branded is not None and not branded and not o.strict_brand
        else:
            assert c in branded
        segment = branded or country
        if result.over_cap:
            assert o.cap_mode == "soft"
            assert not any(under_cap(x, usage.get(x.ani_id)) for x in segment)
        # The match label tells the truth.
        m = result.match
        if m == "area_code":
            assert c.area_code == p.area_code
        elif m == "zip":
            assert c.area_code in p.zip_area_codes
        elif m == "overlay":
            assert p.area_code is not None
            assert c.area_code in areas.overlays_of(p.area_code)
        elif m == "state":
            assert c.state == p.state
        elif m == "tfn":
            assert c.toll_free
        elif m == "nearest":
            assert p.lat is not None and p.lon is not None
            near = dict(areas.nearest_to(p.lat, p.lon, o.nearest_radius_km))
            assert result.distance_km == near[c.area_code or ""]
        if result.requested_assignment_type == "random":
            assert (m, result.fallback) == ("any", False)
        assert result.requested_assignment_type == o.assignment_type

    if deterministic(p, o):
        assert outcome(result) == reference(p, cands, usage, o, areas)


@st.composite
def learned_scenarios(
    draw: st.DrawFn,
) -> tuple[list[Candidate], dict[int, Usage], Prospect, SelectionOptions]:
    """Biased towards the learner's deeper passes: one country mostly, small caps and healthy
    volumes, counters for most numbers and few distinct timestamps (ties)."""
    n = draw(st.integers(1, 10))
    ani_ids = draw(st.lists(st.integers(1, 60), min_size=n, max_size=n, unique=True))
    cands = [
        cand(
            ani_id,
            draw(st.sampled_from(["561", "728", "954", "772", "305", "212", "800", None])),
            draw(st.sampled_from([*STATES, None])),
            cc=draw(st.sampled_from(["+1"] * 5 + ["+44"])),
            branded=draw(st.booleans()),
            daily_cap=draw(st.integers(0, 6)),
            hourly_cap=draw(st.one_of(st.none(), st.integers(0, 6))),
        )
        for ani_id in ani_ids
    ]
    usage = {
        a: Usage(
            dials_today=draw(st.integers(0, 6)),
            dials_this_hour=draw(st.integers(0, 3)),
            last_assigned_at=draw(st.sampled_from([None, 1.0, 2.0])),
        )
        for a in ani_ids
        if draw(st.integers(0, 4))
    }
    # Where the prospect is (561's, 305's or 772's centroid) need not match its area code, so
    # the nearest area codes may or may not be local; a zero radius still finds those at 0 km.
    at = draw(st.sampled_from([None, (26.65, -80.25), (25.70, -80.35), (27.40, -80.45)]))
    p = Prospect(
        "+1",
        draw(st.sampled_from(["561", "305", "212", None])),
        draw(st.sampled_from([*STATES, None])),
        draw(st.lists(st.sampled_from(["561", "728", "212"]), max_size=2, unique=True).map(tuple)),
        lat=None if at is None else at[0],
        lon=None if at is None else at[1],
    )
    requested = draw(st.sampled_from([*LEARNED, "tfn"]))
    o = SelectionOptions(
        requested,  # type: ignore[arg-type]
        default_assignment_type=draw(st.sampled_from(LEARNED)) if requested == "tfn" else None,
        use_branded=draw(st.sampled_from([None, True, False])),
        cap_mode=draw(st.sampled_from(["soft", "strict"])),
        strict_brand=draw(st.booleans()),
        nearest_radius_km=draw(st.sampled_from([0.0, 60.0, 250.0])),
        model=draw(models(ani_ids)),
    )
    return cands, usage, p, o


@settings(max_examples=600, deadline=None)
@given(learned_scenarios())
def test_learned_strategies_stay_in_bounds(
    scenario: tuple[list[Candidate], dict[int, Usage], Prospect, SelectionOptions],
) -> None:
    """Whatever the model says: the pool, country and brand bound the choice, caps bind while any
    number is under them, and healthy volume binds while any number is under it; past it, a
    number the choice does not read (local, listed or nearby) is taken only past its cap."""
    cands, usage, p, o = scenario
    result = choose_ani(p, CandidatePool(cands), usage, o, areas=FL_AREAS, rng=random.Random(0))
    assert outcome(result) == reference(p, cands, usage, o, FL_AREAS)
    cc = normalize_country_code(p.country_code)
    country = [c for c in cands if normalize_country_code(c.country_code) == cc]
    branded = [c for c in country if o.use_branded is None or c.branded == o.use_branded]
    eligible = branded or ([] if o.strict_brand else country)
    free = [c for c in eligible if under_cap(c, usage.get(c.ani_id))]
    if not eligible:
        assert isinstance(result, NoChoice)
        assert result.code in ("no_inventory", "no_brand_match")
        return
    if o.cap_mode == "strict":
        assert isinstance(result, NoChoice) == (not free)
    if isinstance(result, NoChoice):
        assert result.code == "all_capped"
        return
    c = result.candidate
    assert c in eligible
    assert result.over_cap == (not free)
    if free:
        assert under_cap(c, usage.get(c.ani_id))
    assert result.requested_assignment_type == o.assignment_type
    if result.assignment_type == "tfn":  # tfn's own level, before the learner
        assert o.assignment_type == "tfn" and c.toll_free and result.fallback is False
        return
    assert result.assignment_type == "highest_contact_rate"
    assert result.fallback == (o.assignment_type == "tfn")
    assert result.distance_km is None
    model = o.model or ContactModel.empty()

    def healthy(x: Candidate) -> bool:
        u = usage.get(x.ani_id)
        return under_cap(x, u) and (u.dials_today if u else 0) < model.healthy_volume(x.ani_id)

    pool = branded or country
    _, near, listed, nearby = learner_reads(p, pool, replace(o, model=model), FL_AREAS)
    read = near + listed + nearby
    # Healthy volume binds while any number at all is under it (the last healthy pass walks the
    # whole ranking); past it, a number the choice does not read is taken only past its cap.
    if any(healthy(x) for x in pool):
        assert healthy(c)
    if c not in read and not healthy(c) and free:
        assert not any(under_cap(x, usage.get(x.ani_id)) for x in read)
