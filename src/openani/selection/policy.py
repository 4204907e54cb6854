"""``choose_ani``: walk the strategy's ladder and pick within the first level that can serve.

Pure: no clock, no I/O, no globals. Time enters only through ``Usage.last_assigned_at`` and
randomness only through the ``rng`` argument, so every decision can be replayed from its inputs.

Cost: a choice reads the counters of the levels it walks, and stops at the first level with a
number under cap, so the usual call touches one area code's numbers (a few to tens of µs). A
state or "any" rung reads every number of its cells (O(n): ms at 20,000 numbers) unless the
caller passes a memo of each cell's LRU winner (``pool.CellWinnerMemo``; the service does), which
it must keep exact: then only cells dialled since are read again. The all-capped case still
reads every number.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from .ladder import LEARNED, Level, ladder, npa_cells, resolve_strategy
from .learner import (
    ContactModel,
    MatchClass,
    first_usable_per_class,
    local_area_codes,
    match_class,
    pick_learned,
)
from .pool import CandidatePool, Cell, CellWinnerMemo, Segment
from .types import (
    AreaCodeMap,
    AssignmentType,
    Candidate,
    Choice,
    Match,
    NoChoice,
    Prospect,
    SelectionOptions,
    Usage,
    UsageGetter,
    normalize_country_code,
)

_NEVER = float("-inf")  # never-assigned numbers sort before any timestamp in LRU order
_LATEST = float("inf")
# Rejection draws before falling back to a scan: with half the pool capped, 8 misses in a row
# happen 0.4% of the time, so the O(n) scan is rare until the pool is nearly exhausted.
_UNIFORM_DRAWS = 8


def choose_ani(
    prospect: Prospect,
    pool: CandidatePool,
    usage: Mapping[int, Usage],
    options: SelectionOptions,
    *,
    areas: AreaCodeMap,
    rng: random.Random,
    winners: CellWinnerMemo | None = None,
) -> Choice | NoChoice:
    """Choose the ANI for one outbound call, or say why none can be given.

    ``usage`` maps ``ani_id`` to current counters; a missing entry means the number is unused.
    ``winners``: optional memo of LRU winners per cell (see ``pool.CellWinnerMemo``), which
    must agree with ``usage``; the choice is the same with or without it.
    """
    country = normalize_country_code(prospect.country_code)
    seg = pool.segment(country)
    if seg is None:
        return NoChoice(f"no {country} ANIs in the inventory", "no_inventory")
    brand_ignored = False
    want = options.use_branded
    if want is not None:
        branded = pool.segment(country, want)
        if branded is not None:
            seg = branded
        elif options.strict_brand:
            return NoChoice(
                f"no {country} ANIs match use_branded={str(want).lower()}", "no_brand_match"
            )
        else:
            brand_ignored = True

    requested = options.assignment_type
    strategy = resolve_strategy(requested, prospect)
    # Only ``auto`` (directly, or as the default behind tfn) gets a model on the ladder path.
    avoid = options.model.suspects if options.model is not None else frozenset()
    get = usage.get
    if options.preferred_ani_id is not None:
        sticky = _sticky(pool, options, country, None if brand_ignored else want, get)
        if sticky is not None:
            return Choice(
                candidate=sticky,
                # "auto" is a request, not a strategy a response may name (see _choose_learned).
                assignment_type="highest_contact_rate" if strategy in LEARNED else strategy,
                requested_assignment_type=requested,
                match="sticky",
                fallback=False,
                over_cap=False,
                brand_filter_ignored=brand_ignored,
            )
    if strategy in LEARNED:
        return _choose_learned(
            prospect, pool, seg, get, options, areas, requested, brand_ignored, fallback=False
        )
    best_level: Level | None = None
    for level in ladder(
        strategy,
        options.default_assignment_type,
        prospect,
        seg,
        areas,
        options.nearest_radius_km,
    ):
        mode = level.mode
        if mode == "learned":  # a toll-free campaign whose default is the learner
            return _choose_learned(
                prospect, pool, seg, get, options, areas, requested, brand_ignored, fallback=True
            )
        cells = level.cells
        if not cells:
            continue
        if best_level is None:
            best_level = level
        lru = mode == "lru"
        if not lru:
            chosen = _pick_uniform(seg.all, cells, get, rng)
        elif avoid:
            chosen = _pick_lru_suspects_last(cells, get, winners, avoid)
        elif winners is None:
            chosen = _pick_lru(cells, get)
        else:
            chosen = _pick_lru_remembered(cells, get, winners)
        if chosen is not None:
            return _choice(chosen, level, requested, over_cap=False, brand_ignored=brand_ignored)

    # Every ladder ends with "any", so reaching here means the whole segment is capped.
    if best_level is None:  # pragma: no cover - a non-empty segment always yields a level
        return NoChoice(f"no {country} ANIs in the inventory", "no_inventory")
    if options.cap_mode == "strict":
        return NoChoice(_capped_reason(seg, get, want if not brand_ignored else None), "all_capped")
    # Soft caps: the call goes out anyway on the least-loaded number of the best level, so local
    # presence is kept and the overload is spread rather than piled on the LRU number.
    chosen = _pick_least_used(best_level.cells, get)
    return _choice(chosen, best_level, requested, over_cap=True, brand_ignored=brand_ignored)


_NO_EVIDENCE = ContactModel.empty()
# How many ranking entries a choice may walk, per ``shortlist_size`` it wants from its segment.
RANKING_READ = 4


def _choose_learned(
    prospect: Prospect,
    pool: CandidatePool,
    seg: Segment,
    get: UsageGetter,
    options: SelectionOptions,
    areas: AreaCodeMap,
    requested: AssignmentType | None,
    brand_ignored: bool,
    *,
    fallback: bool,
) -> Choice | NoChoice:
    """The learner's choice, in passes; the first ones read a bounded set of numbers:

    1. under healthy volume: the local numbers, and from the state's shortlist and the
       company-wide ranking (both best quality first) the first usable number of each match
       class, which is that class's best since within a class the prediction follows quality;
       (numbers of equal quality, e.g. all those without evidence, are taken lowest id first,
       so a new distant number fills up to its healthy volume before the next is used);
    2. under healthy volume: the numbers of the nearest area codes within the radius, then the
       first usable number of each class in the whole ranking (O(n) only once the top of the
       ranking is saturated);
    3. under cap, the prediction weighted by the room left: everything passes 1 and 2 read;
    4. under cap: every number (O(n); only when every nearby number is at its cap).
    """
    model = options.model or _NO_EVIDENCE
    npa = prospect.area_code
    state = prospect.state
    local = local_area_codes(prospect, areas.overlays_of(npa) if npa is not None else ())
    branded = None if brand_ignored else options.use_branded
    visited: set[int] = set()
    near = [c for cell in seg.take(npa_cells(seg, local), visited) for c in cell]
    listed = _listed(model, pool, seg, state)
    firsts = first_usable_per_class(listed, get, model, local, state)
    found = pick_learned([*near, *firsts], get, model, npa, local, state, within_healthy=True)
    nearby: list[Candidate] = []
    radius = options.nearest_radius_km
    if found is None and prospect.lat is not None and prospect.lon is not None and radius > 0.0:
        for code, _km in areas.nearest_to(prospect.lat, prospect.lon, radius):
            for cell in seg.take(seg.by_npa.get(code, ()), visited):
                nearby.extend(cell)
        found = pick_learned(nearby, get, model, npa, local, state, within_healthy=True)
    if found is None:
        # Before any number goes past its healthy volume: the best usable number of each class
        # anywhere, walking the whole ranking (a walk past the saturated top of the ranking).
        further = first_usable_per_class(_ranked(model, seg), get, model, local, state)
        found = pick_learned(further, get, model, npa, local, state, within_healthy=True)
    if found is None:
        read = [*near, *listed, *nearby]
        found = pick_learned(read, get, model, npa, local, state, within_healthy=False)
    if found is None:
        found = pick_learned(seg.all, get, model, npa, local, state, within_healthy=False)
    over_cap = found is None
    if found is None:
        if options.cap_mode == "strict":
            return NoChoice(_capped_reason(seg, get, branded), "all_capped")
        chosen = _pick_least_used([tuple(near)] if near else [seg.all], get)
        found = chosen, match_class(chosen, local, state)
    chosen, cls = found
    return Choice(
        candidate=chosen,
        assignment_type="highest_contact_rate",
        requested_assignment_type=requested,
        match=_learned_match(chosen, cls, prospect),
        fallback=fallback,
        over_cap=over_cap,
        brand_filter_ignored=brand_ignored,
    )


def _listed(
    model: ContactModel, pool: CandidatePool, seg: Segment, state: str | None
) -> tuple[Candidate, ...]:
    """The state's shortlist, then the first ``shortlist_size`` of the company ranking, counted
    among the segment's numbers (its country and brand view of the pool), so a minority brand or
    country still gets its best numbers read; at most ``RANKING_READ`` times as many entries of
    the ranking are walked. Memoised on the model per segment and state."""
    if not model.shortlist and not model.state_shortlists:
        return ()  # no model yet: nothing ranked, and nothing to memoise on a shared default
    key = (seg, state)
    found = model.memo.get(key)
    if found is not None:
        return found
    in_segment = {c.ani_id for c in seg.all}
    out: list[Candidate] = []
    in_state = model.state_shortlists.get(state, ()) if state is not None else ()
    size = model.params.shortlist_size
    for ids, limit in ((in_state, len(in_state)), (model.shortlist[: size * RANKING_READ], size)):
        taken = 0
        for ani_id in ids:
            if taken >= limit:
                break
            c = pool.get(ani_id)
            if c is not None and ani_id in in_segment:
                out.append(c)
                taken += 1
    found = model.memo[key] = tuple(out)
    return found


def _ranked(model: ContactModel, seg: Segment) -> tuple[Candidate, ...]:
    """The whole company ranking restricted to the segment; memoised like ``_listed``."""
    if not model.shortlist:
        return seg.all  # no model yet: every number is equal, the segment's order will do
    key = (seg, None, "all")
    found = model.memo.get(key)
    if found is None:
        members = {c.ani_id: c for c in seg.all}
        ranked = [members.pop(i) for i in model.shortlist if i in members]
        # Numbers added since the model was fitted have no rank yet: they come last.
        found = model.memo[key] = (*ranked, *members.values())
    return found


def _learned_match(c: Candidate, cls: MatchClass, prospect: Prospect) -> Match:
    if cls == "local":
        if c.area_code in prospect.zip_area_codes:
            return "zip"
        return "area_code" if c.area_code == prospect.area_code else "overlay"
    if cls == "state":
        return "state"
    return "tfn" if cls == "toll_free" else "any"


def _choice(
    c: Candidate,
    level: Level,
    requested: AssignmentType | None,
    *,
    over_cap: bool,
    brand_ignored: bool,
) -> Choice:
    return Choice(
        candidate=c,
        assignment_type=level.assignment_type,
        requested_assignment_type=requested,
        match=level.match,
        fallback=level.fallback,
        over_cap=over_cap,
        brand_filter_ignored=brand_ignored,
        distance_km=level.distance_km,
    )


def _sticky(
    pool: CandidatePool,
    options: SelectionOptions,
    country: str,
    branded: bool | None,
    get: UsageGetter,
) -> Candidate | None:
    assert options.preferred_ani_id is not None
    c = pool.get(options.preferred_ani_id)
    if c is None or normalize_country_code(c.country_code) != country:
        return None
    if branded is not None and c.branded != branded:
        return None
    return c if _under_cap(c, get(c.ani_id)) else None


def _pick_lru(cells: Iterable[Cell], get: UsageGetter) -> Candidate | None:
    """Least recently assigned under cap; ties to fewest dials today, then lowest ani_id."""
    # Scalars instead of a key tuple: this loop is the whole cost of a deep fallback on a large
    # pool, and skipping the tuple allocation makes it ~1.5x faster.
    best: Candidate | None = None
    best_last = _LATEST
    best_dials = 0
    best_id = 0
    for cell in cells:
        for c in cell:
            u = get(c.ani_id)
            if u is None:
                if c.daily_cap <= 0 or c.hourly_cap == 0:
                    continue
                last = _NEVER
                dials = 0
            else:
                dials = u.dials_today
                if dials >= c.daily_cap:
                    continue
                hourly = c.hourly_cap
                if hourly is not None and u.dials_this_hour >= hourly:
                    continue
                stamp = u.last_assigned_at
                last = _NEVER if stamp is None else stamp
            if last > best_last:
                continue
            if (
                last == best_last
                and best is not None
                and (dials > best_dials or (dials == best_dials and c.ani_id > best_id))
            ):
                continue
            best = c
            best_last = last
            best_dials = dials
            best_id = c.ani_id
    return best


def _pick_lru_remembered(
    cells: Iterable[Cell], get: UsageGetter, winners: CellWinnerMemo
) -> Candidate | None:
    """``_pick_lru`` over each cell's winner, scanning only cells the memo does not know."""
    best: list[Candidate] = []
    for cell in cells:
        known, winner = winners.winner(cell)
        if not known:
            winner = _pick_lru((cell,), get)
            winners.remember(cell, winner)
        if winner is not None:
            best.append(winner)
    return _pick_lru((tuple(best),), get)


def _pick_lru_suspects_last(
    cells: Iterable[Cell],
    get: UsageGetter,
    winners: CellWinnerMemo | None,
    suspects: frozenset[int],
) -> Candidate | None:
    """``_pick_lru`` among the level's numbers not suspected of a label; a suspect only when
    every other number of the level is capped, so local presence is never given up for it.

    A cell's LRU winner that is no suspect is also the cell's best non-suspect, so the memo
    still serves; only a cell whose winner is suspected is scanned again without its suspects.
    """
    clean: list[Candidate] = []
    any_: list[Candidate] = []
    for cell in cells:
        if winners is None:
            winner = _pick_lru((cell,), get)
        else:
            known, winner = winners.winner(cell)
            if not known:
                winner = _pick_lru((cell,), get)
                winners.remember(cell, winner)
        if winner is None:
            continue
        any_.append(winner)
        if winner.ani_id in suspects:
            other = _pick_lru((tuple(c for c in cell if c.ani_id not in suspects),), get)
            if other is not None:
                clean.append(other)
        else:
            clean.append(winner)
    return _pick_lru((tuple(clean or any_),), get)


def _pick_least_used(cells: Iterable[Cell], get: UsageGetter) -> Candidate:
    """Fewest dials today, then LRU, then lowest ani_id, ignoring caps (all are capped here)."""
    best: Candidate | None = None
    best_key: tuple[int, float, int] = (0, _NEVER, 0)
    for cell in cells:
        for c in cell:
            u = get(c.ani_id)
            if u is None:
                key = (0, _NEVER, c.ani_id)
            else:
                last = u.last_assigned_at
                key = (u.dials_today, _NEVER if last is None else last, c.ani_id)
            if best is None or key < best_key:
                best = c
                best_key = key
    assert best is not None, "called with an empty level"
    return best


def _under_cap(c: Candidate, u: Usage | None) -> bool:
    if u is None:
        return c.daily_cap > 0 and c.hourly_cap != 0
    if u.dials_today >= c.daily_cap:
        return False
    hourly = c.hourly_cap
    return hourly is None or u.dials_this_hour < hourly


def _pick_uniform(
    everyone: Cell, cells: Iterable[Cell], get: UsageGetter, rng: random.Random
) -> Candidate | None:
    """Uniform over the candidates under cap.

    Rejection sampling from the whole segment is exactly uniform over the under-cap set and O(1)
    while most numbers have room; the scan afterwards is uniform too, so the mixture stays exact.
    Cells skipped by the ladder hold only capped numbers, so drawing from ``everyone`` is safe.
    """
    n = len(everyone)
    for _ in range(_UNIFORM_DRAWS):
        c = everyone[rng.randrange(n)]
        if _under_cap(c, get(c.ani_id)):
            return c
    free = [c for cell in cells for c in cell if _under_cap(c, get(c.ani_id))]
    return rng.choice(free) if free else None


def _capped_reason(seg: Segment, get: UsageGetter, branded: bool | None) -> str:
    """E.g. "all 12 ANIs reached their daily cap of 75"; cold path, runs once per refusal."""
    daily_caps: set[int] = set()
    hourly_caps: set[int] = set()
    n_daily = 0
    for c in seg.all:
        u = get(c.ani_id)
        # The daily cap is the one that lasts until tomorrow, so it wins when both are hit.
        if (u.dials_today if u is not None else 0) >= c.daily_cap:
            daily_caps.add(c.daily_cap)
            n_daily += 1
        else:
            hourly_caps.add(c.hourly_cap or 0)
    n = len(seg.all)
    kind = "" if branded is None else ("branded " if branded else "unbranded ")
    who = f"the only {kind}ANI" if n == 1 else f"all {n} {kind}ANIs"
    their = "its" if n == 1 else "their"
    if not hourly_caps:
        return f"{who} reached {their} daily cap{_cap_values(daily_caps)}"
    if not daily_caps:
        return f"{who} reached {their} hourly cap{_cap_values(hourly_caps)}"
    return f"{who} reached {their} daily or hourly cap ({n_daily} daily, {n - n_daily} hourly)"


def _cap_values(caps: set[int]) -> str:
    if len(caps) == 1:
        return f" of {next(iter(caps))}"
    return f" ({min(caps)}-{max(caps)})"
