"""--simulated-clock: /dialer/next takes "now" from X-Simulated-Time, and only when enabled."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant

DAY_ONE = "2026-03-02T15:00:00Z"
DAY_TWO = "2026-03-03T15:00:00Z"


@pytest.fixture
def simulated(app_settings: Settings, db: Database, tenant: Tenant) -> Iterator[Api]:
    with TestClient(create_app(replace(app_settings, simulated_clock=True), db)) as client:
        yield Api(client, tenant)


def setup(api: Api) -> None:
    campaign = {"id": "c1", "name": "C", "type": "Outbound", "daily_cap": 1, "cap_mode": "strict"}
    assert api.post("/dialer/campaigns", json=campaign).status_code == 201
    ani = {"country_code": "+1", "number": "2125550101", "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201


def call(api: Api, at: str) -> int:
    body = {"outbound_campaign": "c1", "prospect_phone": "2127778888"}
    return api.post("/dialer/next", json=body, headers={"X-Simulated-Time": at}).status_code


def test_caps_follow_the_simulated_days(simulated: Api) -> None:
    setup(simulated)
    assert [call(simulated, DAY_ONE), call(simulated, DAY_ONE), call(simulated, DAY_TWO)] == [
        200, 404, 200,
    ]  # fmt: skip


def test_a_bad_simulated_time_names_the_header(simulated: Api) -> None:
    setup(simulated)
    response = simulated.post(
        "/dialer/next",
        json={"outbound_campaign": "c1", "prospect_phone": "2127778888"},
        headers={"X-Simulated-Time": "tomorrow"},
    )
    assert response.status_code == 422
    assert "X-Simulated-Time" in response.json()["error"]["fields"]


def test_without_the_flag_the_header_is_ignored(api: Api) -> None:
    setup(api)
    assert [call(api, DAY_ONE), call(api, DAY_TWO)] == [200, 404]
