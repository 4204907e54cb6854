"""POST /dialer/next through HTTP on both databases: the seed example, strategies and errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from openani.store.engine import Database
from openani.store.schema import ani_usage, assignments
from tests.conftest import Api
from tests.support.errors import refused

NEXT = "/dialer/next"


def add_ani(api: Api, number: str, group: str = "g1", **extra: Any) -> None:
    body = {"country_code": "+1", "number": number, "inbound_group_id": group, **extra}
    response = api.post("/dialer/anis", json=body)
    assert response.status_code == 201, response.text


def add_campaign(api: Api, campaign_id: str = "c123", **extra: Any) -> None:
    body = {"id": campaign_id, "name": "Sales 2025", "type": "Outbound", **extra}
    response = api.post("/dialer/campaigns", json=body)
    assert response.status_code == 201, response.text


def next_ani(api: Api, **body: Any) -> dict[str, Any]:
    response = api.post(NEXT, json={"outbound_campaign": "c123", **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_seed_example_verbatim(api: Api, db: Database) -> None:
    add_campaign(api)
    add_ani(api, "5611234567", "ing1", is_branded=True, brand_name="BrandX", carrier_id="carr1")
    response = api.post(
        NEXT,
        json={
            "outbound_campaign": "c123",
            "prospect_phone": "5617778888",
            "prospect_zip": "33432",
            "use_branded": True,
            "assignment_type": "zip",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("prospect_phone", "ani", "assignment_type")} == {
        "prospect_phone": "5617778888",
        "ani": "5611234567",
        "assignment_type": "zip",
    }
    assert body["match"] == "zip"
    assert body["fallback"] is False
    assert body["branded"] is True
    assert body["country_code"] == "+1"
    assert body["requested_assignment_type"] == "zip"
    with db.read() as conn:
        assert conn.execute(select(func.count()).select_from(assignments)).scalar_one() == 1
        assert conn.execute(select(ani_usage.c.dials_today)).scalar_one() == 1


def test_area_code_ladder(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "5615550100")  # Palm Beach, FL
    add_ani(api, "3055550100")  # Miami, FL
    add_ani(api, "2125550100")  # New York
    local = next_ani(api, prospect_phone="5617778888", assignment_type="area_code")
    assert (local["ani"], local["match"], local["fallback"]) == ("5615550100", "area_code", False)
    # 754/954 (Broward) have no ANI: the nearest Florida number is chosen as a fallback.
    nearby = next_ani(api, prospect_phone="9547778888", assignment_type="area_code")
    assert nearby["ani"] in ("5615550100", "3055550100")
    assert nearby["fallback"] is True
    assert nearby["match"] in ("overlay", "state")
    # Nothing in Oregon: any eligible number.
    anywhere = next_ani(api, prospect_phone="5037778888", assignment_type="area_code")
    assert anywhere["fallback"] is True


def test_state_strategy_uses_zip_state(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "3055550100")  # FL
    add_ani(api, "2125550100")  # NY
    # A New York phone, but the ZIP says the prospect lives in Florida.
    chosen = next_ani(
        api, prospect_phone="2127778888", prospect_zip="33432", assignment_type="state"
    )
    assert (chosen["ani"], chosen["match"]) == ("3055550100", "state")


def test_tfn_and_its_fallback(api: Api) -> None:
    add_campaign(api, default_assignment_type="area_code")
    add_ani(api, "2125550100")
    tfn_absent = next_ani(api, prospect_phone="2127778888", assignment_type="tfn")
    assert tfn_absent["ani"] == "2125550100"
    assert tfn_absent["fallback"] is True
    add_ani(api, "8885550100")
    tfn = next_ani(api, prospect_phone="2127778888", assignment_type="tfn")
    assert (tfn["ani"], tfn["match"], tfn["assignment_type"]) == ("8885550100", "tfn", "tfn")


def test_default_strategy_comes_from_the_campaign(api: Api) -> None:
    add_campaign(api, default_assignment_type="tfn")
    add_ani(api, "2125550100")
    add_ani(api, "8885550100")
    chosen = next_ani(api, prospect_phone="2127778888")
    assert chosen["ani"] == "8885550100"
    assert chosen["requested_assignment_type"] is None


def test_rotation_is_least_recently_used(api: Api) -> None:
    add_campaign(api)
    for number in ("2125550101", "2125550102", "2125550103"):
        add_ani(api, number)
    picks = [next_ani(api, prospect_phone=f"212777{i:04d}")["ani"] for i in range(6)]
    assert sorted(picks[:3]) == ["2125550101", "2125550102", "2125550103"]
    assert picks[3:] == picks[:3]


def test_groups_from_request_or_campaign(api: Api) -> None:
    add_campaign(api, inbound_pool_id="east")
    add_ani(api, "2125550101", "east")
    add_ani(api, "2125550102", "west")
    assert {next_ani(api, prospect_phone="2127778888")["ani"] for _ in range(3)} == {"2125550101"}
    west = next_ani(api, prospect_phone="2127778888", inventory_group_ids=["west"])
    assert west["ani"] == "2125550102"
    none = api.post(
        NEXT,
        json={
            "outbound_campaign": "c123",
            "prospect_phone": "2127778888",
            "inventory_group_ids": ["north"],
        },
    )
    assert none.status_code == 404
    assert none.json()["error"]["code"] == "no_available_ani"
    assert "north" in none.json()["error"]["message"]


def test_brand_filter_and_its_release(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "2125550101", is_branded=True, brand_name="Acme")
    add_ani(api, "2125550102")
    assert next_ani(api, prospect_phone="2127778888", use_branded=True)["ani"] == "2125550101"
    assert next_ani(api, prospect_phone="2127778888", use_branded=False)["ani"] == "2125550102"
    api.delete("/dialer/anis", params={"number": "2125550101"})
    released = next_ani(api, prospect_phone="2127778888", use_branded=True)
    assert released["ani"] == "2125550102"
    assert released["brand_filter_ignored"] is True


def test_strict_cap_refuses_with_reason(api: Api) -> None:
    add_campaign(api, daily_cap=2, cap_mode="strict")
    add_ani(api, "2125550101")
    for _ in range(2):
        next_ani(api, prospect_phone="2127778888")
    refused = api.post(NEXT, json={"outbound_campaign": "c123", "prospect_phone": "2127778888"})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "no_available_ani"
    assert "daily cap of 2" in refused.json()["error"]["message"]


def test_soft_cap_goes_over_and_says_so(api: Api) -> None:
    add_campaign(api, daily_cap=1)
    add_ani(api, "2125550101")
    assert next_ani(api, prospect_phone="2127778888")["over_cap"] is False
    assert next_ani(api, prospect_phone="2127778888")["over_cap"] is True


def test_most_specific_cap_wins(api: Api) -> None:
    assert (
        api.put("/dialer/settings", json={"daily_cap": 1, "cap_mode": "strict"}).status_code == 200
    )
    add_campaign(api, daily_cap=2)
    add_ani(api, "2125550101", daily_cap=3)
    for _ in range(3):
        next_ani(api, prospect_phone="2127778888")
    assert (
        api.post(
            NEXT, json={"outbound_campaign": "c123", "prospect_phone": "2127778888"}
        ).status_code
        == 404
    )


def test_hourly_cap(api: Api) -> None:
    add_campaign(api, hourly_cap=1, cap_mode="strict")
    add_ani(api, "2125550101")
    add_ani(api, "2125550102")
    assert {next_ani(api, prospect_phone="2127778888")["ani"] for _ in range(2)} == {
        "2125550101",
        "2125550102",
    }
    refused = api.post(NEXT, json={"outbound_campaign": "c123", "prospect_phone": "2127778888"})
    assert refused.status_code == 404
    assert "hourly cap" in refused.json()["error"]["message"]


def test_pause_and_activate(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "2125550101")
    add_ani(api, "2125550102")
    paused = api.post("/dialer/anis/pause", json={"number": "2125550101"})
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert {next_ani(api, prospect_phone="2127778888")["ani"] for _ in range(3)} == {"2125550102"}
    assert (
        api.get("/dialer/anis", params={"status": "paused"}).json()["items"][0]["number"]
        == "2125550101"
    )
    assert (
        api.post("/dialer/anis/activate", json={"number": "2125550101"}).json()["status"]
        == "active"
    )
    assert "2125550101" in {next_ani(api, prospect_phone="2127778888")["ani"] for _ in range(2)}


def test_pause_until_must_be_future_and_aware(api: Api) -> None:
    add_ani(api, "2125550101")
    past = api.post(
        "/dialer/anis/pause", json={"number": "2125550101", "until": "2020-01-01T00:00:00Z"}
    )
    assert past.status_code == 422
    assert "until" in past.json()["error"]["fields"]
    naive = api.post(
        "/dialer/anis/pause", json={"number": "2125550101", "until": "2099-01-01T00:00:00"}
    )
    refused(naive, 422, "validation_error", "until")
    later = api.post(
        "/dialer/anis/pause", json={"number": "2125550101", "until": "2099-01-01T00:00:00Z"}
    )
    assert later.status_code == 200
    assert later.json()["paused_until"].startswith("2099-01-01")
    assert api.post("/dialer/anis/pause", json={"number": "2125559999"}).status_code == 404


def test_sticky_ani(api: Api) -> None:
    add_campaign(api, sticky_ani=True)
    for number in ("2125550101", "2125550102", "2125550103"):
        add_ani(api, number)
    first = next_ani(api, prospect_phone="2127778888")
    again = next_ani(api, prospect_phone="2127778888")
    assert again["ani"] == first["ani"]
    assert again["match"] == "sticky"
    other = next_ani(api, prospect_phone="2127779999")
    assert other["ani"] != first["ani"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"prospect_phone": "2127778888"}, 422, "outbound_campaign"),
        ({"outbound_campaign": "c123"}, 422, "prospect_phone"),
        ({"outbound_campaign": "c123", "prospect_phone": "12"}, 422, "prospect_phone"),
        (
            {"outbound_campaign": "c123", "prospect_phone": "2127778888", "prospect_zip": "!!"},
            422,
            "prospect_zip",
        ),
        (
            {
                "outbound_campaign": "c123",
                "prospect_phone": "2127778888",
                "assignment_type": "closest",
            },
            422,
            "assignment_type",
        ),
        (
            {"outbound_campaign": "c123", "prospect_phone": "2127778888", "use_branded": "yes"},
            422,
            "use_branded",
        ),
    ],
)
def test_invalid_requests_name_the_field(
    api: Api, body: dict[str, Any], status: int, field: str
) -> None:
    add_campaign(api)
    add_ani(api, "2125550101")
    response = api.post(NEXT, json=body)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]


def test_unknown_and_inbound_campaigns(api: Api, other_api: Api) -> None:
    # Unknown campaigns are refused when the company says so (served by default: see
    # tests/http/test_forgiving.py).
    for who in (api, other_api):
        assert who.put("/dialer/settings", json={"unknown_campaign": "reject"}).status_code == 200
    add_campaign(api, "in1", type="Inbound")
    add_ani(api, "2125550101")
    unknown = api.post(NEXT, json={"outbound_campaign": "nope", "prospect_phone": "2127778888"})
    assert unknown.status_code == 404
    inbound = api.post(NEXT, json={"outbound_campaign": "in1", "prospect_phone": "2127778888"})
    assert inbound.status_code == 422
    assert "outbound_campaign" in inbound.json()["error"]["fields"]
    add_campaign(api, "c9")
    # Another company's campaign and numbers do not exist for this one.
    other = other_api.post(NEXT, json={"outbound_campaign": "c9", "prospect_phone": "2127778888"})
    assert other.status_code == 404


def test_unknown_zip_falls_back_to_the_phone(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "2125550101")
    add_ani(api, "5615550101")
    chosen = next_ani(api, prospect_phone="2127778888", prospect_zip="00000", assignment_type="zip")
    assert chosen["ani"] == "2125550101"


def test_uk_prospects_get_uk_numbers(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "2125550101")
    api.post(
        "/dialer/anis",
        json={"country_code": "+44", "number": "020 7946 0123", "inbound_group_id": "uk"},
    )
    chosen = next_ani(api, prospect_phone="+44 20 7946 0999", prospect_zip="SW1A 1AA")
    assert (chosen["ani"], chosen["country_code"]) == ("2079460123", "+44")


def test_settings_round_trip_and_validation(api: Api) -> None:
    settings = api.get("/dialer/settings").json()
    assert settings["daily_cap"] == 75
    assert settings["time_zone"] == "America/New_York"
    assert settings["cap_mode"] == "soft"
    changed = api.put("/dialer/settings", json={"time_zone": "America/Chicago", "hourly_cap": 10})
    assert changed.status_code == 200
    assert (changed.json()["time_zone"], changed.json()["hourly_cap"]) == ("America/Chicago", 10)
    bad = api.put("/dialer/settings", json={"time_zone": "Mars/Olympus", "daily_cap": -1})
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"time_zone", "daily_cap"}


def test_batch_with_partial_success(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "2125550101")
    response = api.post(
        "/dialer/next/batch",
        json={
            "outbound_campaign": "c123",
            "leads": [
                {"row_id": "r1", "prospect_phone": "2127778888"},
                {"row_id": "r2", "prospect_phone": "not a phone"},
                {"row_id": 3, "prospect_phone": "2127779999", "prospect_zip": "10001"},
            ],
        },
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["row_id"] for r in results] == ["r1", "r2", 3]
    assert results[0]["ani"] == "2125550101"
    assert results[1]["error"]["fields"] == {
        "prospect_phone": results[1]["error"]["fields"]["prospect_phone"]
    }
    assert results[2]["ani"] == "2125550101"


def test_batch_limits_and_shared_errors(api: Api) -> None:
    api.put("/dialer/settings", json={"unknown_campaign": "reject"})
    add_campaign(api)
    too_many = [{"row_id": i, "prospect_phone": "2127778888"} for i in range(1001)]
    response = api.post("/dialer/next/batch", json={"outbound_campaign": "c123", "leads": too_many})
    assert response.status_code == 422
    assert "leads" in response.json()["error"]["fields"]
    unknown = api.post(
        "/dialer/next/batch",
        json={"outbound_campaign": "zzz", "leads": [{"row_id": 1, "prospect_phone": "2127778888"}]},
    )
    assert unknown.status_code == 404


def test_a_time_zone_change_applies_at_once(api: Api) -> None:
    assert api.put("/dialer/settings", json={"time_zone": "Asia/Tokyo"}).status_code == 200
    row = {
        "call_id": "tz1", "campaign_id": "c1", "ani": "2125550101", "dispo": "x",
        "prospect_phone": "2127778888", "call_datetime": "2026-11-26 10:00:00",
    }  # fmt: skip
    assert api.post("/dialer/results", json=row).json()["results"][0]["status"] == "stored"
    # 10:00 in Tokyo is 01:00 UTC on the 26th; read as New York time it would be the 26th too,
    # but at 15:00 UTC: the stats window says which.
    day = api.get("/dialer/stats/campaigns", params={"from": "2026-11-26", "to": "2026-11-26"})
    assert day.json()["items"][0]["last_dialed"].startswith("2026-11-26T01:00:00")
