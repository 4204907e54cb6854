"""POST /ani-planner/generate as the anchor's SDKs send it, on both databases: the SDKs' Plan
from openani's planner, inventory modes, campaign filters and the failure envelope."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.http.anchor.conftest import Sdk
from tests.http.test_planner import post_calls, setup_company

WEEK = {"dateStart": "2026-11-02", "dateEnd": "2026-11-08"}  # 5 business days
PLAN_NUMBERS = ("bizDays", "dailyDialsTarget", "totalDials", "totalContacts",
                "overallContactRate", "totalCurrentAnis", "totalProposedAnis", "aniDifference",
                "tollFreeRecommendation")  # fmt: skip
REGION_NUMBERS = ("dailyDialsAverage", "currentAnis", "proposedAnis", "difference")


def generate(sdk: Sdk, **body: Any) -> dict[str, Any]:
    answer = sdk.ok("POST", "/ani-planner/generate", {**WEEK, **body})
    assert answer["success"] is True
    plan: dict[str, Any] = answer["data"]
    assert_plan(plan)
    return plan


def assert_plan(plan: dict[str, Any]) -> None:
    """The SDKs' AniPlannerPlan, with the JSON types the .NET SDK's strict reader needs."""
    for name in PLAN_NUMBERS:
        assert isinstance(plan[name], int | float) and not isinstance(plan[name], bool), name
    assert isinstance(plan["missingZipData"], bool)
    assert all(isinstance(i, int) for i in plan["selectedCampaigns"])
    for campaign in plan["campaigns"]:
        assert isinstance(campaign["id"], int) and isinstance(campaign["internalIdentifier"], str)
        assert campaign["inboundCampaignIds"] == [] and campaign["inboundCampaignNames"] == []
    averages = [row["dailyDialsAverage"] for row in plan["regionStats"]]
    assert averages == sorted(averages, reverse=True)
    for row in plan["regionStats"]:
        assert isinstance(row["region"], str) and isinstance(row["state"], str)
        assert all(isinstance(code, str) for code in row["areaCodes"])
        assert isinstance(row["belowThreshold"], bool)
        for name in REGION_NUMBERS:
            assert isinstance(row[name], int), name
        assert row["difference"] == row["proposedAnis"] - row["currentAnis"]


def test_plan_in_the_sdk_shape(api: Api, sdk: Sdk) -> None:
    setup_company(api)
    post_calls(api, "t", 150, ani="8005550100", phone="3057778888", campaign="c2", contacts=15)
    plan = generate(sdk, dailyDialsTarget="BEST")
    assert (plan["country"], plan["bizDays"], plan["dailyDialsTarget"]) == ("us", 5, 50)
    assert (plan["dateStart"], plan["dateEnd"]) == ("2026-11-02", "2026-11-08")
    assert (plan["groupBy"], plan["inventoryMode"]) == ("area_code", "managed")
    rows = {
        row["areaCodes"][0] if row["areaCodes"] else row["state"]: row
        for row in plan["regionStats"]
    }
    boca = rows["561"]
    assert (boca["region"], boca["state"], boca["dailyDialsAverage"]) == ("Florida", "FL", 40)
    assert (boca["currentAnis"], boca["proposedAnis"], boca["belowThreshold"]) == (1, 1, False)
    # Three New York numbers nobody called from: surplus, under the 20-dial floor.
    new_york = rows["212"]
    assert (new_york["currentAnis"], new_york["proposedAnis"], new_york["difference"]) == (3, 0, -3)
    assert new_york["belowThreshold"] is True
    # 150 calls from the toll-free number: the TF row (not the prospects' 305).
    assert "305" not in rows
    toll_free = rows["TF"]
    assert (toll_free["region"], toll_free["dailyDialsAverage"]) == ("Toll-free", 30)
    assert (toll_free["currentAnis"], toll_free["proposedAnis"]) == (1, 1)
    assert (plan["totalDials"], plan["totalContacts"]) == (350, 65)
    assert plan["overallContactRate"] == round(100 * 65 / 350, 2)
    assert plan["totalCurrentAnis"] == sum(r["currentAnis"] for r in plan["regionStats"])
    assert plan["aniDifference"] == plan["totalProposedAnis"] - plan["totalCurrentAnis"]
    assert [c["internalIdentifier"] for c in plan["campaigns"]] == ["c1", "c2"]
    assert sorted(plan["selectedCampaigns"]) == sorted(c["id"] for c in plan["campaigns"])


def test_inventory_modes_and_campaign_filters(api: Api, sdk: Sdk) -> None:
    setup_company(api)
    api.post("/dialer/anis/pause", json={"number": "2125550101"})
    managed = {r["state"]: r for r in generate(sdk)["regionStats"]}
    every = {r["state"]: r for r in generate(sdk, inventoryMode="all")["regionStats"]}
    assert (managed["NY"]["currentAnis"], every["NY"]["currentAnis"]) == (2, 3)
    only = generate(sdk, campaigns=["c2"])
    ids = {c["internalIdentifier"]: c["id"] for c in only["campaigns"]}
    assert only["selectedCampaigns"] == [ids["c2"]] and only["totalDials"] == 0
    but = generate(sdk, campaignsExclude=["c2"])
    assert but["selectedCampaigns"] == [ids["c1"]] and but["totalDials"] == 200
    by_zip = generate(sdk, groupBy="zip")
    (boca,) = [r for r in by_zip["regionStats"] if "561" in r["areaCodes"]]
    assert boca["region"] == "Boca Raton" and by_zip["missingZipData"] is False


def test_no_body_and_the_defaults(sdk: Sdk) -> None:
    answer = sdk.ok("POST", "/ani-planner/generate")
    assert answer["success"] is True
    plan = answer["data"]
    assert_plan(plan)
    assert (plan["dailyDialsTarget"], plan["groupBy"], plan["inventoryMode"]) == (
        75,
        "area_code",
        "managed",
    )
    assert plan["regionStats"] == [] and plan["totalDials"] == 0


def test_refusals(api: Api, sdk: Sdk) -> None:
    setup_company(api)
    unknown = sdk.send("POST", "/ani-planner/generate", {"campaigns": ["nope"]})
    assert unknown.status_code == 400
    body = unknown.json()
    assert body["success"] is False and "nope" in body["message"]
    assert "campaigns" in body["error"]["fields"]
    both = sdk.send(
        "POST", "/ani-planner/generate", {"campaigns": ["c1"], "campaignsExclude": ["c2"]}
    )
    assert both.status_code == 422 and "campaignsExclude" in both.json()["error"]["fields"]
    for wrong in ({"dailyDialsTarget": "BESTEST"}, {"groupBy": "city"}, {"inventoryMode": "x"},
                  {"dateStart": "11/02/2026"}, {"colour": "red"}):  # fmt: skip
        response = sdk.send("POST", "/ani-planner/generate", wrong)
        assert response.status_code == 422, wrong
        assert set(response.json()["error"]["fields"]) == set(wrong), response.json()
    backwards = sdk.send(
        "POST", "/ani-planner/generate", {"dateStart": "2026-11-08", "dateEnd": "2026-11-02"}
    )
    assert backwards.status_code == 422 and "dateEnd" in backwards.json()["error"]["fields"]
