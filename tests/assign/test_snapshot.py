"""The snapshot's memo of each cell's LRU winner: the same choices as scanning every number."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from openani.assign.snapshot import CompanySnapshot
from openani.geo.area_codes import AreaCodeIndex
from openani.selection import Choice, Prospect, SelectionOptions, choose_ani
from openani.store.selection import CampaignConfig, CompanyDefaults, SelectableAni

# Three states' area codes, a few numbers each; prospects come from codes with and without
# numbers, so choices stop at the area code, the state or "any".
CODES = {"561": "FL", "305": "FL", "212": "NY", "646": "NY", "512": "TX"}
PROSPECT_CODES = [("561", "FL"), ("772", "FL"), ("718", "NY"), ("512", "TX"), ("907", "AK")]
CAMPAIGN = CampaignConfig(1, "c", "Outbound", None, None, None, None, None, False)
T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def snapshot(daily_cap: int) -> CompanySnapshot:
    anis = [
        SelectableAni(
            id=i,
            number=f"{code}555{i:04d}",
            country_code="+1",
            area_code=code,
            state=state,
            toll_free=False,
            is_branded=False,
            inbound_group_id="g",
            daily_cap=None,
            hourly_cap=None,
            status="active",
            paused_until=None,
        )
        for i, (code, state) in enumerate(
            (code, state) for code, state in CODES.items() for _ in range(4)
        )
    ]
    defaults = CompanyDefaults("America/New_York", daily_cap, None, "soft", 0.0, 1)
    snap = CompanySnapshot(1, defaults, {"c": CAMPAIGN}, anis, [], None, 0.0)
    snap.roll_to("2026-03-10", "2026-03-10T10", list)
    return snap


@pytest.mark.parametrize("seed", range(5))
def test_choices_with_the_memo_equal_choices_without_it(seed: int) -> None:
    rng = random.Random(seed)
    remembered, scanned = snapshot(daily_cap=6), snapshot(daily_cap=6)
    options = SelectionOptions(assignment_type="area_code")
    areas = AreaCodeIndex()
    now = T0
    for step in range(400):
        code, state = rng.choice(PROSPECT_CODES)
        prospect = Prospect("+1", code, state)
        picks = []
        for snap, memo in ((remembered, remembered.winners), (scanned, None)):
            choice = choose_ani(
                prospect,
                snap.pool(None, CAMPAIGN),
                snap.usage,
                options,
                areas=areas,
                rng=random.Random(step),
                winners=memo,
            )
            assert isinstance(choice, Choice)
            picks.append(choice.candidate.ani_id)
        assert picks[0] == picks[1], f"step {step}"
        now += timedelta(seconds=rng.choice((0, 1, 5)))  # equal timestamps happen
        event = rng.random()
        for snap in (remembered, scanned):
            if event < 0.85:
                snap.reserve(picks[0], now)
            elif event < 0.95:  # another process counted a dial: counters absorbed from the DB
                snap.absorb(picks[0] % 20, snap.day, 3, snap.hour, 1, now - timedelta(hours=1))
            else:  # the hour rolls over: every counter reloads
                snap.roll_to(snap.day, f"{snap.day}T{11 + step % 5}", list)


def test_a_remembered_winner_is_dropped_when_its_area_code_is_counted() -> None:
    snap = snapshot(daily_cap=10)
    cell = next(iter(snap.pool(None, CAMPAIGN).segment("+1").cells))  # type: ignore[union-attr]
    memo = snap.winners
    memo.remember(cell, cell[0])
    assert memo.winner(cell) == (True, cell[0])
    snap.reserve(cell[1].ani_id, T0)
    assert memo.winner(cell) == (False, None)
    memo.remember(cell, None)  # every number capped is remembered too
    assert memo.winner(cell) == (True, None)
    snap.roll_to(snap.day, "2026-03-10T11", list)
    assert memo.winner(cell) == (False, None)
