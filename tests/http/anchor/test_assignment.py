"""POST /assignment and /assignment/batch as the anchor's SDKs send them, on both databases."""

from __future__ import annotations

from typing import Any

from openani.store.engine import Database
from tests.conftest import Api
from tests.http.anchor.conftest import Sdk
from tests.http.test_next_ani import add_ani, add_campaign


def assert_assignment(answer: dict[str, Any]) -> None:
    """The SDK's AssignmentResponse: success true with ani and message, or false with message."""
    assert isinstance(answer["success"], bool) and isinstance(answer["message"], str)
    if answer["success"]:
        assert isinstance(answer["ani"], str) and answer["ani"]


def test_assignment_as_the_sdk_sends_it(api: Api, sdk: Sdk, db: Database) -> None:
    add_campaign(api, "camp-1")
    add_ani(api, "3105550100")  # Los Angeles, near 90210
    add_ani(api, "5615550100")
    answer = sdk.ok(
        "POST",
        "/assignment",
        {
            "prospect_phone": "3105550199",
            "prospect_zip": "90210",
            "dialer_campaign": "camp-1",
            "e164": True,
        },
    )
    assert answer == {
        "success": True,
        "ani": "+13105550100",
        "message": "ANI assigned successfully",
    }
    assert_assignment(answer)
    # The same service as /dialer/next: the assignment is logged under the campaign.
    logged = api.get("/dialer/assignments", params={"campaign": "camp-1"}).json()["items"]
    assert [row["ani"] for row in logged] == ["3105550100"]
    plain = sdk.ok(
        "POST", "/assignment", {"prospect_phone": "3105550199", "dialer_campaign": "camp-1"}
    )
    assert plain["ani"] == "3105550100"


def test_without_a_campaign_the_default_campaign_serves(api: Api, sdk: Sdk) -> None:
    add_ani(api, "5615550100")
    answer = sdk.ok("POST", "/assignment", {"prospect_phone": "5615550199", "real_time": True})
    assert answer["success"] is True and answer["ani"] == "5615550100"
    assert any("dialer_campaign: campaign default is not defined" in w for w in answer["warnings"])
    unknown = api.get("/dialer/campaigns/unknown").json()["items"]
    assert [c["id"] for c in unknown] == ["default"]
    # With unknown campaigns refused, leaving dialer_campaign out is a 404 naming the field.
    api.put("/dialer/settings", json={"unknown_campaign": "reject"})
    refused = sdk.send(
        "POST", "/assignment", {"prospect_phone": "5615550199", "dialer_campaign": "zz"}
    )
    assert refused.status_code == 404
    body = refused.json()
    assert body["success"] is False and "campaign zz not found" in body["message"]
    assert body["error"]["fields"] == {"dialer_campaign": "no such campaign"}


def test_no_number_is_http_200_with_success_false(api: Api, sdk: Sdk) -> None:
    add_campaign(api, "camp-1")
    answer = sdk.ok(
        "POST", "/assignment", {"prospect_phone": "5615550199", "dialer_campaign": "camp-1"}
    )
    assert answer["success"] is False and "ani" not in answer
    assert answer["message"].startswith("no +1 ANI")
    assert answer["error"]["code"] == "no_available_ani"
    assert_assignment(answer)


def test_refusals_use_the_failure_envelope(api: Api, sdk: Sdk, client: Any) -> None:
    add_campaign(api, "camp-1")
    bad = sdk.send("POST", "/assignment", {"prospect_phone": "12", "dialer_campaign": "camp-1"})
    assert bad.status_code == 422
    body = bad.json()
    assert body["success"] is False and body["message"].startswith("prospect_phone")
    assert "prospect_phone" in body["error"]["fields"]
    wrong_flag = sdk.send("POST", "/assignment", {"prospect_phone": "5615550199", "e164": "yes"})
    assert wrong_flag.status_code == 422
    assert wrong_flag.json()["error"]["fields"] == {"e164": "must be true or false"}
    no_body = sdk.send("POST", "/assignment")
    assert no_body.status_code == 422 and no_body.json()["success"] is False
    anonymous = client.post("/assignment", json={"prospect_phone": "5615550199"})
    assert anonymous.status_code == 401
    assert anonymous.json()["success"] is False and anonymous.json()["message"]
    wrong_key = Sdk(client, "oak_nope").send(
        "POST", "/assignment", {"prospect_phone": "5615550199"}
    )
    assert wrong_key.status_code == 401


def test_batch_as_the_sdk_sends_it(api: Api, sdk: Sdk) -> None:
    add_campaign(api, "camp-1")
    add_campaign(api, "inbound-1", type="Inbound")
    add_ani(api, "5615550100")
    answer = sdk.ok(
        "POST",
        "/assignment/batch",
        {
            "leads": [
                {"row_id": "lead-1", "prospect_phone": "5615550199", "dialer_campaign": "camp-1"},
                {"row_id": "lead-2", "prospect_phone": "12", "dialer_campaign": "camp-1"},
                {
                    "row_id": "lead-3",
                    "prospect_phone": "5615550198",
                    "dialer_campaign": "inbound-1",
                },
                {"row_id": "lead-4", "prospect_phone": "5615550197", "prospect_zip": "33432"},
            ],
            "real_time": True,
            "e164": False,
        },
    )
    assert answer["success"] is True
    rows = {row["row_id"]: row for row in answer["results"]}
    assert list(rows) == ["lead-1", "lead-2", "lead-3", "lead-4"]
    for row in answer["results"]:
        assert set(row) == {"row_id", "outboundani", "error"}
        assert all(isinstance(value, str) for value in row.values())
    assert rows["lead-1"] == {"row_id": "lead-1", "outboundani": "5615550100", "error": ""}
    assert rows["lead-2"]["outboundani"] == "" and "prospect_phone" in rows["lead-2"]["error"]
    assert "dialer_campaign" in rows["lead-3"]["error"] and "Inbound" in rows["lead-3"]["error"]
    assert rows["lead-4"]["outboundani"] == "5615550100"


def test_batch_in_e164_and_a_lead_without_a_number(api: Api, sdk: Sdk) -> None:
    add_campaign(api, "camp-1")
    add_ani(api, "5615550100", daily_cap=1)
    api.put("/dialer/settings", json={"cap_mode": "strict"})
    answer = sdk.ok(
        "POST",
        "/assignment/batch",
        {
            "leads": [
                {"row_id": "a", "prospect_phone": "5615550199", "dialer_campaign": "camp-1"},
                {"row_id": "b", "prospect_phone": "5615550198", "dialer_campaign": "camp-1"},
            ],
            "e164": True,
        },
    )
    first, second = answer["results"]
    assert first == {"row_id": "a", "outboundani": "+15615550100", "error": ""}
    assert second["outboundani"] == "" and second["error"]


def test_batch_refuses_what_is_not_a_batch(sdk: Sdk) -> None:
    for body in ({"leads": []}, {"leads": "x"}, {"leads": [{}] * 1001}):
        response = sdk.send("POST", "/assignment/batch", body)
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"].keys() == {"leads"}
    odd = sdk.ok("POST", "/assignment/batch", {"leads": [7, {"prospect_phone": "5615550199"}]})
    assert [row["row_id"] for row in odd["results"]] == ["0", "1"]
    assert all(row["error"] for row in odd["results"])


def test_tenants_never_see_each_other(api: Api, sdk: Sdk, other_sdk: Sdk) -> None:
    add_campaign(api, "camp-1")
    add_ani(api, "5615550100")
    answer = other_sdk.ok(
        "POST", "/assignment", {"prospect_phone": "5615550199", "dialer_campaign": "camp-1"}
    )
    assert answer["success"] is False
    assert sdk.ok(
        "POST", "/assignment", {"prospect_phone": "5615550199", "dialer_campaign": "camp-1"}
    )["success"]
