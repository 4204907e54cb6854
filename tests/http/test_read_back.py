"""Reading back what is stored, on both databases: the assignment log with why each number was
given, results with their KPIs, and per-agent statistics (also for results stored before
agents were counted: the migration counts them the way ingestion does)."""

from __future__ import annotations

from typing import Any

from openani.store import migrate
from openani.store.engine import Database
from openani.store.schema import assignments
from tests.conftest import Api
from tests.http.test_next_ani import add_ani, add_campaign
from tests.http.test_results import NOVEMBER
from tests.support.errors import refused
from tests.webhooks.test_delivery import post_results, result

ASSIGNMENTS = "/dialer/assignments"


def ask(api: Api, phone: str, **extra: Any) -> dict[str, Any]:
    body = {"outbound_campaign": "c123", "prospect_phone": phone, **extra}
    response = api.post("/dialer/next", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_the_assignment_log_says_why(api: Api, other_api: Api) -> None:
    add_campaign(api)
    add_campaign(api, "c9")
    add_ani(api, "5615550100")  # Palm Beach, FL
    add_ani(api, "3055550100")  # Miami, FL
    ask(api, "5617778888", assignment_type="area_code")
    ask(api, "9547778888", assignment_type="area_code")  # Broward: a Florida fallback
    ask(api, "2127778888", assignment_type="zip", prospect_zip="10001")  # New York: any
    api.post("/dialer/next", json={"outbound_campaign": "c9", "prospect_phone": "5617778889"})
    items = api.get(ASSIGNMENTS).json()["items"]
    assert len(items) == 4
    newest_first = [item["id"] for item in items]
    assert newest_first == sorted(newest_first, reverse=True)
    local = items[3]
    assert (local["campaign"], local["ani"], local["prospect_phone"]) == (
        "c123", "5615550100", "5617778888"
    )  # fmt: skip
    assert (local["assignment_type"], local["match"], local["fallback"]) == (
        "area_code", "area_code", False
    )  # fmt: skip
    assert local["why"] == "area_code: same area code (561) as the prospect"
    florida = items[2]
    assert florida["fallback"] is True
    assert "fallback" in florida["why"] and "area_code" in florida["why"]
    anywhere = items[1]
    assert anywhere["prospect_zip"] == "10001" and anywhere["fallback"] is True
    # Every column of the log is shown, internal ids replaced by what they name.
    shown = {c.name for c in assignments.columns} - {"company_id", "campaign_id", "ani_id"}
    assert shown <= local.keys()
    assert {"campaign", "ani", "ani_country_code", "ani_area_code", "ani_state", "why"} <= (
        local.keys()
    )
    assert other_api.get(ASSIGNMENTS).json()["items"] == []


def test_assignment_filters_and_pages(api: Api) -> None:
    add_campaign(api)
    add_campaign(api, "c9")
    add_ani(api, "5615550100")
    add_ani(api, "5615550101")
    for i in range(5):
        ask(api, f"561777000{i}")
    api.post("/dialer/next", json={"outbound_campaign": "c9", "prospect_phone": "5617770000"})

    def ids(**params: str) -> list[int]:
        response = api.get(ASSIGNMENTS, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert len(ids(prospect_phone="(561) 777-0000")) == 2
    assert len(ids(prospect_phone="+1 561 777 0000", campaign="c9")) == 1
    assert len(ids(campaign="c123")) == 5
    by_number = ids(number="561-555-0100")
    assert 0 < len(by_number) < 6
    assert set(by_number) | set(ids(number="5615550101")) == set(ids())
    assert ids(**{"from": "2000-01-01"}) == ids()
    assert ids(to="2000-01-01") == []
    first = api.get(ASSIGNMENTS, params={"limit": 4}).json()
    second = api.get(ASSIGNMENTS, params={"limit": 4, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 4 and second["next_cursor"] is None
    assert [i["id"] for i in first["items"] + second["items"]] == ids()
    for bad in ({"prospect_phone": "12"}, {"from": "yesterday"}, {"colour": "red"},
                {"limit": "0"}):  # fmt: skip
        refused(api.get(ASSIGNMENTS, params=bad), 422, "validation_error", *bad)


def test_results_are_read_back_with_their_kpis(api: Api, other_api: Api) -> None:
    post_results(
        api,
        result("k1", kpis={"revenue": "120", "product": "gold"}),
        result("k2", agent_id="agent9", kpis={}),
        result("k3", prospect_phone="3125550199", ani="3055550100"),
    )
    items = api.get("/dialer/results").json()["items"]
    assert [r["call_id"] for r in items] == ["k3", "k2", "k1"]
    first = items[2]
    assert first["kpis"] == {"revenue": "120", "product": "gold"}
    assert (first["agent_id"], first["dispo"], first["mapped"]) == ("agent7", "sale", False)
    assert first["duration_s"] == 42

    def calls(**params: str) -> list[str]:
        response = api.get("/dialer/results", params=params)
        assert response.status_code == 200, response.text
        return [r["call_id"] for r in response.json()["items"]]

    assert calls(agent="agent9") == ["k2"]
    assert calls(number="305-555-0100") == ["k3"]
    assert calls(prospect_phone="+13125550199") == ["k3"]
    assert calls(call_id="k1") == ["k1"]
    assert calls(**{"from": "2026-11-20T10:00:00", "to": "2026-11-20T11:00:00"}) == [
        "k3", "k2", "k1"
    ]  # fmt: skip
    assert calls(to="2026-11-20") == []
    assert other_api.get("/dialer/results").json()["items"] == []
    refused(
        api.get("/dialer/results", params={"agent_id": "x"}), 422, "validation_error", "agent_id"
    )


def _agents(api: Api) -> dict[str, dict[str, Any]]:
    response = api.get("/dialer/stats/agents", params=NOVEMBER)
    assert response.status_code == 200, response.text
    return {row["agent_id"]: row for row in response.json()["items"]}


def test_agent_statistics(api: Api) -> None:
    assert api.post(
        "/dialer/dispos",
        json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True},
    ).status_code == 201  # fmt: skip
    post_results(
        api,
        result("a1"),
        result("a2", dispo="na"),
        result("a3", agent_id="agent9", duration_s=5),
        result("a4", agent_id=None),
    )
    agents = _agents(api)
    assert set(agents) == {"agent7", "agent9"}
    seven = agents["agent7"]
    assert (seven["dials"], seven["contacts"], seven["successes"]) == (2, 1, 1)
    assert seven["contact_rate"] == 50.0 and seven["talk_seconds"] == 84
    nine = agents["agent9"]
    assert (nine["dials"], nine["contacts"], nine["short_calls"]) == (1, 1, 1)
    # A re-disposition moves the agent's figures too.
    post_results(api, result("a2", dispo="sale"))
    assert _agents(api)["agent7"]["contacts"] == 2


def test_the_migration_counts_earlier_results_like_ingestion(api: Api, db: Database) -> None:
    assert api.post(
        "/dialer/dispos",
        json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True,
              "category": "human"},
    ).status_code == 201  # fmt: skip
    post_results(
        api,
        result("m1"),
        result("m2", dispo="na", duration_s=None),
        result("m3", agent_id="agent9", duration_s=3),
        result("m4", agent_id="agent9", call_datetime="2026-11-21 09:00:00"),
    )
    counted_on_arrival = _agents(api)
    try:
        migrate.upgrade(db, "head")
        from alembic import command

        from openani.store.migrate import _config

        config = _config()
        with db.write() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007_i15")  # forgets the agent statistics
        assert _agents(api) == {}
    finally:
        migrate.upgrade(db)
    assert _agents(api) == counted_on_arrival
