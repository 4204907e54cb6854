"""End-to-end: the issue-5 simulator played through a real `openani serve --simulated-clock`.

The server is the one ``python -m benchmarks.sim.live`` starts (temp SQLite, rate limits off,
``--simulated-clock``, companies from ``openani company create --json``); each strategy runs in a
company of its own on it. The campaign's daily cap (10 per ANI) leaves the pool short of the day's
calls, so every number reaches it every simulated day and the counters must reset at each
simulated midnight.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import phonenumbers
import pytest
from benchmarks.sim.live import (
    LiveServer,
    day_date,
    live_server,
    local_time,
    national,
    prospect_phones,
    simulate_live,
)
from benchmarks.sim.run import DAY_START, business_time
from benchmarks.sim.world import Scenario, build_world

LIVE = Scenario("live", days=3, calls_per_day=300, n_regions=8, n_anis=24, n_toll_free=2)
CAP = 10  # per ANI per day: the 24 numbers cover 240 of the 300 calls a day
SEED = 1


def test_simulated_days_are_weekdays_from_monday_2026_01_05() -> None:
    assert local_time(business_time(0) + DAY_START).isoformat() == "2026-01-05T08:00:00-05:00"
    assert [day_date(d) for d in range(7)] == [
        date(2026, 1, 5) + timedelta(days=k) for k in (0, 1, 2, 3, 4, 7, 8)
    ]


def test_prospect_phones_are_valid_local_and_deterministic() -> None:
    npas = [r.npa for r in build_world(SEED, LIVE).prospects_for_day(0)]
    phones = prospect_phones(SEED, 0, npas)
    assert phones == prospect_phones(SEED, 0, npas)
    for npa, phone in zip(npas, phones, strict=True):
        assert phone.startswith(npa) and len(phone) == 10
        assert phone[3:6] != "555" and phone[4:6] != "11"
        assert phonenumbers.is_valid_number(phonenumbers.parse("+1" + phone))


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server() as started:
        yield started


@pytest.mark.parametrize(
    ("strategy", "cap_mode"),
    [("highest_contact_rate", "strict"), ("area_code", "strict"), ("area_code", "soft")],
)
def test_live_run_matches_the_server(server: LiveServer, strategy: str, cap_mode: str) -> None:
    key = server.new_company(f"live {strategy} {cap_mode}")
    run = simulate_live(
        LIVE, SEED, strategy, base_url=server.base_url, api_key=key,
        daily_cap=CAP, cap_mode=cap_mode, batch=100,
    )  # fmt: skip
    r = run.result
    inventory = {national(a.number) for a in build_world(SEED, LIVE).anis}
    attempts = LIVE.days * LIVE.calls_per_day

    # Every call got a number of the inventory, and every result was stored, once.
    assert r.calls + run.refused == attempts
    assert r.calls == sum(run.dials.values())
    assert set(run.dials) <= inventory
    assert run.result_statuses == {"stored": r.calls}
    # The server counted exactly what the driver reported: per ANI, and per simulated day.
    assert run.mismatches() == [], server.log_tail()
    assert run.total_server_dials == r.calls
    assert run.total_server_contacts == r.contacts == sum(run.contacts.values())
    assert 0.0 < r.contact_rate < 1.0

    # Daily counters follow the simulated days: 24 numbers x cap 10 = 240 < 300 calls a day.
    # Strict: each day, every number reaches the cap and no further, the rest is refused (404);
    # only a reset at each simulated midnight lets day 2 and 3 do the same again.
    # Soft: the calls over capacity are placed anyway and flagged over_cap.
    excess = LIVE.calls_per_day - CAP * LIVE.n_anis
    if cap_mode == "strict":
        assert run.over_cap == 0
        assert run.daily_refused == [excess] * LIVE.days
        for day in run.daily_dials:
            assert dict(day) == dict.fromkeys(inventory, CAP)
    else:
        assert run.refused == 0
        assert run.over_cap == excess * LIVE.days
        assert [sum(day.values()) for day in run.daily_dials] == [LIVE.calls_per_day] * LIVE.days
