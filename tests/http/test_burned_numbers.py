"""The real burned-number test end to end: results in, health check, the number rests."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant

NY = ZoneInfo("America/New_York")
STEADY, BURNED = "2125550101", "2125550102"


def _setup(api: Api) -> None:
    assert (
        api.post("/dialer/campaigns", {"id": "c1", "name": "C", "type": "Outbound"}).status_code
        == 201
    )
    for dispo in (
        {"id": "HU", "name": "Human", "type": "Agent", "contact": True, "success": False,
         "category": "human"},
        {"id": "NA", "name": "No answer", "type": "System", "contact": False, "success": False,
         "category": "no_answer"},
    ):  # fmt: skip
        assert api.post("/dialer/dispos", dispo).status_code == 201
    for number in (STEADY, BURNED):
        body = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
        assert api.post("/dialer/anis", body).status_code == 201


def _report(api: Api, ani: str, day: datetime, dials: int, contacts: int) -> None:
    results = [
        {
            "campaign_id": "c1",
            "ani": ani,
            "call_id": f"{ani}-{day:%Y%m%d}-{i}",
            "dispo": "HU" if i < contacts else "NA",
            "prospect_phone": f"212777{i:04d}",
            "call_datetime": (day + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S"),
        }
        for i in range(dials)
    ]
    answer = api.post("/dialer/results", {"results": results})
    assert answer.status_code == 200, answer.text


def test_a_number_whose_contacts_collapse_is_rested_and_not_shown(api: Api) -> None:
    _burn_one(api)

    check = api.post("/dialer/anis/health-check")
    assert check.status_code == 200, check.text
    report = check.json()
    assert report["checked"] == 2
    assert [s["number"] for s in report["signals"]] == [BURNED]
    assert [(c["number"], c["to"]) for c in report["changes"]] == [(BURNED, "resting")]
    assert "expected" in report["changes"][0]["reason"]

    ani = api.get("/dialer/anis", params={"number": BURNED}).json()
    assert ani["status"] == "resting"
    shown = {
        api.post(
            "/dialer/next", {"outbound_campaign": "c1", "prospect_phone": "2127778888"}
        ).json()["ani"]
        for _ in range(10)
    }
    assert shown == {STEADY}
    history = api.get("/dialer/anis/history", params={"number": BURNED}).json()
    assert history["items"][0]["to"] == "resting" and history["items"][0]["actor"] == "detector"


def _burn_one(api: Api, automation: str = "auto") -> None:
    """A week of equal results, then today one number's contacts collapse."""
    _setup(api)
    # Two numbers: the default share of 20% would let none rest (it rounds down).
    settings = {"max_resting_share": 0.5, "automation": automation}
    assert api.put("/dialer/settings", settings).status_code == 200
    today = datetime.now(NY).replace(hour=9, minute=0, second=0, microsecond=0)
    for days_ago in range(1, 8):
        day = today - timedelta(days=days_ago)
        _report(api, STEADY, day, 40, 10)
        _report(api, BURNED, day, 40, 10)
    _report(api, STEADY, today, 60, 15)
    _report(api, BURNED, today, 60, 1)


def test_by_default_a_collapsed_number_is_suspected_and_the_default_strategy_avoids_it(
    api: Api,
) -> None:
    _burn_one(api, automation="recommend")
    assert api.put("/dialer/settings", {"holdout_share": 0}).status_code == 200
    report = api.post("/dialer/anis/health-check").json()
    assert [(c["number"], c["to"]) for c in report["changes"]] == [(BURNED, "suspected_label")]
    shown = [
        api.post("/dialer/next", {"outbound_campaign": "c1", "prospect_phone": "2127778888"})
        for _ in range(6)
    ]
    # Still in rotation, but taken last: its peer in the same area code is never capped here.
    assert {r.json()["ani"] for r in shown} == {STEADY}
    asked = api.post("/dialer/next", {"outbound_campaign": "c1", "prospect_phone": "2127778888",
                                      "assignment_type": "area_code"})  # fmt: skip
    assert asked.json()["ani"] == BURNED  # the plain rule rotates onto it


def test_the_timer_checks_every_company_without_being_asked(
    app_settings: Settings, db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    app = create_app(replace(app_settings, health_check_s=0.05), db)
    with TestClient(app) as client:
        ours, theirs = Api(client, tenant), Api(client, other_tenant)
        _setup(theirs)  # same numbers, no results: nothing to find
        _burn_one(ours)
        deadline = time.monotonic() + 120  # a hang guard: the timer runs every 0.05 s
        while _status(ours, BURNED) != "resting" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _status(ours, BURNED) == "resting"
        assert _status(ours, STEADY) == "active"
        assert _status(theirs, BURNED) == "active"


def test_no_timer_under_a_simulated_clock(
    app_settings: Settings, db: Database, tenant: Tenant
) -> None:
    settings = replace(app_settings, health_check_s=0.05, simulated_clock=True)
    with TestClient(create_app(settings, db)) as client:
        api = Api(client, tenant)
        _burn_one(api)
        time.sleep(0.5)
        assert _status(api, BURNED) == "active"


def _status(api: Api, number: str) -> str:
    return str(api.get("/dialer/anis", params={"number": number}).json()["status"])


def test_the_ani_stats_show_each_numbers_healthy_volume(api: Api) -> None:
    _setup(api)
    today = datetime.now(NY).replace(hour=10, minute=0, second=0, microsecond=0)
    for days_ago, dials in ((3, 50), (2, 52), (1, 54)):  # fills its volume three days running
        _report(api, STEADY, today - timedelta(days=days_ago), dials=dials, contacts=10)
        _report(api, BURNED, today - timedelta(days=days_ago), dials=30, contacts=5)
    page = api.get("/dialer/stats/anis").json()
    volumes = {item["number"]: item["healthy_volume"] for item in page["items"]}
    assert volumes == {STEADY: 56, BURNED: 50}
