"""A strict daily cap holds when the company's time zone changes.

Regression: the counters rolled over whenever the local day key changed, backwards too, so
switching the time zone back and forth gave a number 8 calls in a minute on a cap of 2. Fails
there; passes with counters that roll over only to a later day (or hour): a day already counted
is never counted again from zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant

# New York: 22:00 on 19 November; Kiritimati (UTC+14): 17:00 on 20 November.
NOW = "2026-11-20T03:00:00Z"


@pytest.fixture
def simulated(app_settings: Settings, db: Database, tenant: Tenant) -> Iterator[Api]:
    with TestClient(create_app(replace(app_settings, simulated_clock=True), db)) as client:
        yield Api(client, tenant)


def _calls(api: Api, count: int) -> int:
    """How many of ``count`` calls got a number."""
    body = {"outbound_campaign": "c1", "prospect_phone": "2127778888"}
    headers = {"X-Simulated-Time": NOW}
    statuses = [
        api.post("/dialer/next", json=body, headers=headers).status_code for _ in range(count)
    ]
    assert set(statuses) <= {200, 404}
    return statuses.count(200)


def _zone(api: Api, name: str) -> None:
    assert api.put("/dialer/settings", json={"time_zone": name}).status_code == 200


def test_switching_time_zones_back_and_forth_counts_no_day_twice(simulated: Api) -> None:
    settings = {"daily_cap": 2, "cap_mode": "strict", "time_zone": "America/New_York"}
    assert simulated.put("/dialer/settings", json=settings).status_code == 200
    campaign = {"id": "c1", "name": "C", "type": "Outbound"}
    assert simulated.post("/dialer/campaigns", json=campaign).status_code == 201
    ani = {"country_code": "+1", "number": "2125550101", "inbound_group_id": "g"}
    assert simulated.post("/dialer/anis", json=ani).status_code == 201

    assert _calls(simulated, 3) == 2  # 19 November in New York
    _zone(simulated, "Pacific/Kiritimati")
    assert _calls(simulated, 3) == 2  # 20 November there: a later day, counted afresh
    _zone(simulated, "America/New_York")
    assert _calls(simulated, 3) == 0  # back to 19 November: not counted from zero again
    _zone(simulated, "Pacific/Kiritimati")
    assert _calls(simulated, 3) == 0  # 20 November again: already at its cap
