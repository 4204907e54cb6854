"""Property tests: invariants for every strategy, and equality with a naive reference."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from openani.selection import (
    ASSIGNMENT_TYPES,
    Candidate,
    CandidatePool,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    choose_ani,
    normalize_country_code,
)

from .support import FL_AREAS, cand, outcome, reference, under_cap

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
        weighted_dials=st.floats(0, 50),
        weighted_contacts=st.floats(0, 50),
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
def scenarios(
    draw: st.DrawFn,
) -> tuple[list[Candidate], dict[int, Usage], Prospect, SelectionOptions, int]:
    cands = draw(candidates())
    return (
        cands,
        draw(usages([c.ani_id for c in cands])),
        draw(prospects),
        draw(options),
        draw(st.integers(0, 2**32)),
    )


def deterministic(p: Prospect, o: SelectionOptions) -> bool:
    rules = {"random", "highest_contact_rate"}
    if o.assignment_type in rules:
        return False
    return not (o.assignment_type == "tfn" and o.default_assignment_type in rules)


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
