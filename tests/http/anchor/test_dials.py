"""POST /dials as the anchor's SDKs send it, on both databases: stored before the answer,
counted like any dial result, once per dial_id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api
from tests.http.anchor.conftest import Sdk
from tests.http.test_next_ani import add_ani


def record(**changes: Any) -> dict[str, Any]:
    """The SDK's documented example of a DialRecord, dated yesterday."""
    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d 14:32:15")
    return {
        "campaign_id": "abc-123",
        "campaign_name": "Q2 Outbound Push",
        "agent_name": "Jane Doe",
        "from_number": "5615550100",
        "to_number": "5615559876",
        "disposition_name": "Sale",
        "datetime": yesterday,
        "call_direction": "Outbound",
        "zip": "33432",
        "sys_created_date_original": "2026-04-01",
        "total_dial_attempts": 3,
        "skill_name": "Sales Tier 1",
        "lead_source": "facebook-ads",
        "dial_id": "550e8400-e29b-41d4-a716-446655440000",
        **changes,
    }


def stored(api: Api) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get("/dialer/results").json()["items"]
    return items


def ani_figures(api: Api, number: str) -> dict[str, Any]:
    (row,) = api.get("/dialer/stats/anis", params={"number": number}).json()["items"]
    figures: dict[str, Any] = row
    return figures


def test_a_dial_is_stored_and_counted(api: Api, sdk: Sdk) -> None:
    add_ani(api, "5615550100")
    api.post(
        "/dialer/dispos",
        json={"id": "d-1", "name": "Sale", "type": "Agent", "contact": True, "success": True},
    )
    answer = sdk.ok("POST", "/dials", record())
    assert answer["message"] == "dial queued"
    assert (answer["dial_id"], answer["status"]) == (
        "550e8400-e29b-41d4-a716-446655440000",
        "stored",
    )
    (row,) = stored(api)
    assert (row["ani"], row["prospect_phone"], row["campaign"]) == (
        "5615550100",
        "5615559876",
        "abc-123",
    )
    assert (row["dispo"], row["contact"], row["success"]) == ("Sale", True, True)
    assert (row["agent_id"], row["call_type"], row["attempts"]) == ("Jane Doe", "Outbound", 3)
    assert (row["skill"], row["lead_source"], row["lead_created"], row["zip"]) == (
        "Sales Tier 1",
        "facebook-ads",
        "2026-04-01",
        "33432",
    )
    figures = ani_figures(api, "5615550100")
    assert (figures["dials"], figures["contacts"], figures["successes"]) == (1, 1, 1)
    # The same dial_id again is one dial; a changed disposition moves the statistics.
    assert sdk.ok("POST", "/dials", record())["status"] == "duplicate"
    changed = sdk.ok("POST", "/dials", record(disposition_name="No Answer"))
    assert changed["status"] == "updated"
    figures = ani_figures(api, "5615550100")
    assert (figures["dials"], figures["contacts"]) == (1, 0)


def test_inbound_calls_swap_the_numbers(api: Api, sdk: Sdk) -> None:
    add_ani(api, "5615550100")
    sdk.ok(
        "POST",
        "/dials",
        record(
            call_direction="Inbound",
            from_number="5615559876",
            to_number="5615550100",
            total_dial_attempts="2",
        ),
    )
    (row,) = stored(api)
    assert (row["ani"], row["prospect_phone"], row["attempts"]) == ("5615550100", "5615559876", 2)


def test_without_dial_id_the_same_record_is_stored_once(api: Api, sdk: Sdk) -> None:
    body = record()
    del body["dial_id"]
    first = sdk.ok("POST", "/dials", body)
    again = sdk.ok("POST", "/dials", body)
    assert first["dial_id"] == again["dial_id"] and first["dial_id"].startswith("dial-")
    assert (first["status"], again["status"]) == ("stored", "duplicate")
    other = sdk.ok("POST", "/dials", {**body, "datetime": body["datetime"][:-2] + "16"})
    assert other["dial_id"] != first["dial_id"] and other["status"] == "stored"
    assert len(stored(api)) == 2


def test_refusals_name_the_sdk_fields(api: Api, sdk: Sdk) -> None:
    cases = {
        "from_number": record(from_number="12"),
        "to_number": record(to_number="abc"),
        "datetime": record(datetime="yesterday"),
        "disposition_name": record(disposition_name=""),
        "total_dial_attempts": record(total_dial_attempts="many"),
    }
    for field, body in cases.items():
        response = sdk.send("POST", "/dials", body)
        assert response.status_code == 422, (field, response.text)
        answer = response.json()
        assert answer["success"] is False and field in answer["message"]
        assert field in answer["error"]["fields"], answer
    inbound = sdk.send(
        "POST", "/dials", record(call_direction="Inbound", from_number="5615559876", to_number="1")
    )
    assert "to_number" in inbound.json()["error"]["fields"]
    missing = {k: v for k, v in record().items() if k != "campaign_id"}
    assert sdk.send("POST", "/dials", missing).json()["error"]["fields"] == {
        "campaign_id": "is required"
    }
    assert stored(api) == []


def test_unknown_fields_are_ignored_and_said(sdk: Sdk) -> None:
    answer = sdk.ok("POST", "/dials", record(recording_url="https://x"))
    assert answer["warnings"] == ["recording_url: unknown field, ignored"]


def test_tenants_never_see_each_other(api: Api, sdk: Sdk, other_sdk: Sdk, other_api: Api) -> None:
    sdk.ok("POST", "/dials", record())
    assert other_sdk.ok("POST", "/dials", record())["status"] == "stored"
    assert len(stored(api)) == 1 and len(stored(other_api)) == 1
