"""The default strategy against the plain local-presence rule through HTTP, on drawn worlds.

A few small worlds of the family (``world.draw_scenario``), each played through a real server by
two companies: one whose campaign uses the default (``auto``) and one that uses ``area_code``.
A company without results must get exactly what ``area_code`` gives (day 0, number for number);
after that the default may reorder only within a ladder level, so it must stay close to the rule
and never put more calls on labelled numbers by more than noise; and the holdout's arms must
account for every call. World indices and sizes are fixed here, not chosen by their outcome.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from benchmarks.sim.live import Api, LiveServer, live_server, simulate_live
from benchmarks.sim.world import draw_scenario

WORLDS = (0, 1, 2)
DAYS = 3
CALLS_PER_DAY = 300
SEED = 0


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server() as started:
        yield started


@pytest.mark.parametrize("world", WORLDS)
def test_default_matches_local_presence_cold_and_stays_close(
    server: LiveServer, world: int
) -> None:
    scenario = draw_scenario(world, DAYS, CALLS_PER_DAY)
    runs = {}
    for strategy in ("auto", "area_code"):
        key = server.new_company(f"family {world} {strategy}")
        runs[strategy] = run = simulate_live(
            scenario, SEED, strategy, base_url=server.base_url, api_key=key, batch=100
        )
        assert run.mismatches() == [], server.log_tail()
        if strategy == "auto":
            with Api(server.base_url, key) as api:
                first, last = run.days[0].isoformat(), run.days[-1].isoformat()
                report = api.expect(
                    200, "GET", "/dialer/stats/experiment", query={"from": first, "to": last}
                )
            arms = report["arms"]
            assert arms["default"]["dials"] + arms["holdout"]["dials"] == run.result.calls
            assert arms["default"]["assigned"] + arms["holdout"]["assigned"] == run.result.calls
            contacts = arms["default"]["contacts"] + arms["holdout"]["contacts"]
            assert contacts == run.result.contacts
    auto, plain = runs["auto"], runs["area_code"]
    # Cold start: no results yet, so the default is the plain rule, number for number.
    assert auto.daily_dials[0] == plain.daily_dials[0]
    # Afterwards it only reorders within a level: local presence is kept as often...
    assert auto.matches["any"] <= plain.matches["any"] + CALLS_PER_DAY // 20
    # ...and the outcome stays within the noise of 900 calls of the rule's.
    assert auto.result.contact_rate >= 0.9 * plain.result.contact_rate
    assert auto.result.labelled_share <= plain.result.labelled_share + 0.05
