"""POST /dialer/planner on both databases: regions from real dial results, the groupings,
campaign filters with 400 for unknown ids, the CSV, and one company's plan without the other's
calls."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.support.errors import refused

PLANNER = "/dialer/planner"
WEEK = {"date_start": "2026-11-02", "date_end": "2026-11-08"}  # 5 business days


def setup_company(api: Api) -> None:
    for campaign in ("c1", "c2"):
        api.post("/dialer/campaigns", json={"id": campaign, "name": campaign, "type": "Outbound"})
    api.post(
        "/dialer/dispos",
        json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True},
    )
    api.post(
        "/dialer/dispos",
        json={
            "id": "na",
            "name": "No answer",
            "type": "System",
            "contact": False,
            "success": False,
        },
    )
    for number in ("5615550100", "2125550101", "2125550102", "2125550103", "8005550100"):
        response = api.post(
            "/dialer/anis",
            json={"country_code": "+1", "number": number, "inbound_group_id": "g"},
        )
        assert response.status_code == 201, response.text
    # Every test's first calls: 40 a business day to Boca Raton from the 561 number, 25% answered.
    post_calls(
        api, "a", 200, ani="5615550100", phone="5617778888", campaign="c1", contacts=50,
        zip_code="33432",
    )  # fmt: skip


def post_calls(api: Api, prefix: str, count: int, *, ani: str, phone: str, campaign: str,
               contacts: int, zip_code: str | None = None) -> None:  # fmt: skip
    rows = []
    for i in range(count):
        day = 2 + i % 5  # Monday 2 to Friday 6 November 2026
        row: dict[str, Any] = {
            "call_id": f"{prefix}-{i}", "campaign_id": campaign, "ani": ani,
            "dispo": "sale" if i < contacts else "na", "prospect_phone": phone,
            "call_datetime": f"2026-11-0{day} 10:00:00",
        }  # fmt: skip
        if zip_code:
            row["zip"] = zip_code
        rows.append(row)
    response = api.post("/dialer/results", json={"results": rows})
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["results"]} == {"stored"}


def plan(api: Api, **body: Any) -> dict[str, Any]:
    response = api.post(PLANNER, json={**WEEK, **body})
    assert response.status_code == 200, response.text
    return response.json()


def regions(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["region"]: row for row in body["regions"]}


def test_plan_by_prospect_area_code(api: Api, other_api: Api) -> None:
    setup_company(api)
    post_calls(api, "b", 50, ani="2125550101", phone="2127778888", campaign="c2", contacts=5)
    post_calls(api, "t", 150, ani="8005550100", phone="3057778888", campaign="c1", contacts=15)

    body = plan(api)
    assert (body["business_days"], body["daily_dials_target"]) == (5, 75)
    rows = regions(body)
    assert (rows["561"]["daily_dials_average"], rows["561"]["proposed"]) == (40, 1)
    assert rows["561"]["contact_rate"] == 25.0
    assert rows["561"]["current"] == 1
    # 212's prospects: 10 a day, under the floor; its three numbers are surplus.
    assert (rows["212"]["proposed"], rows["212"]["current"], rows["212"]["difference"]) == (
        0,
        3,
        -3,
    )
    assert (rows["toll_free"]["dials"], rows["toll_free"]["proposed"]) == (150, 1)
    assert "305" not in rows  # its calls went out from the toll-free number
    assert body["totals"]["dials"] == 400
    assert body["totals"]["current"] == 5

    # A number of dials a day, and the campaign filters.
    assert regions(plan(api, daily_dials_target=10))["561"]["proposed"] == 4
    assert regions(plan(api, daily_dials_target="BEST"))["561"]["proposed"] == 1
    only_c2 = regions(plan(api, campaigns=["c2"]))
    assert only_c2["212"]["dials"] == 50 and only_c2.get("561", {}).get("dials", 0) == 0
    without_c2 = regions(plan(api, campaigns_exclude=["c2"]))
    assert without_c2["561"]["dials"] == 200 and without_c2.get("212", {}).get("dials", 0) == 0

    # The other company planned nothing.
    assert plan(other_api)["totals"]["dials"] == 0


def test_groupings_csv_and_refusals(api: Api) -> None:
    setup_company(api)
    post_calls(
        api,
        "b",
        120,
        ani="2125550101",
        phone="5617778889",
        campaign="c1",
        contacts=5,
        zip_code="33432-1234",
    )

    by_ani = regions(plan(api, group_by="ani"))
    assert (by_ani["561"]["dials"], by_ani["212"]["dials"]) == (200, 120)
    by_zip = regions(plan(api, group_by="zip"))
    assert by_zip["33432"]["dials"] == 320
    assert by_zip["33432"]["current"] == 1  # the 561 number serves Boca Raton

    csv_answer = api.post(PLANNER, params={"format": "csv"}, json=WEEK)
    assert csv_answer.status_code == 200
    assert csv_answer.headers["content-type"].startswith("text/csv")
    lines = csv_answer.text.splitlines()
    assert lines[0].startswith("region,state,dials")
    assert lines[-1].startswith("total,")

    unknown = api.post(PLANNER, json={"campaigns": ["c1", "nope"]})
    assert unknown.status_code == 400
    assert "nope" in unknown.json()["error"]["fields"]["campaigns"]
    for bad, field in (
        ({"daily_dials_target": "GREAT"}, "daily_dials_target"),
        ({"daily_dials_target": 0}, "daily_dials_target"),
        ({"group_by": "city"}, "group_by"),
        ({"date_start": "2026-11-09", "date_end": "2026-11-01"}, "date_end"),
        ({"campaigns": ["c1"], "campaigns_exclude": ["c2"]}, "campaigns_exclude"),
        ({"colour": "red"}, "colour"),
    ):
        refused(api.post(PLANNER, json=bad), 422, "validation_error", field)
    # No body at all: this month so far.
    assert api.post(PLANNER).status_code == 200


def test_the_statistics_and_the_results_give_the_same_plan(api: Api) -> None:
    """Without a campaign filter the plan is read from the daily statistics; naming every
    campaign reads the results themselves: the two must agree, toll-free and unknown
    numbers included."""
    setup_company(api)
    post_calls(api, "b", 60, ani="2125550101", phone="5617778889", campaign="c2", contacts=7)
    post_calls(api, "t", 90, ani="8005550100", phone="3057778888", campaign="c1", contacts=9)
    post_calls(api, "u", 30, ani="7185550199", phone="3057778888", campaign="c2", contacts=3)
    for group_by in ("area_code", "ani"):
        from_stats = plan(api, group_by=group_by)
        from_results = plan(api, group_by=group_by, campaigns=["c1", "c2"])
        assert from_stats["regions"] == from_results["regions"], group_by
        assert from_stats["totals"]["dials"] == 380
