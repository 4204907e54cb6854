"""/custom/campaigns, /custom/dispos and /custom/anis with the SDKs' verbs and envelopes, on
both databases."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api
from tests.http.anchor.conftest import Sdk

CASES = [
    (
        "/custom/campaigns",
        "campaign",
        {"id": "c-1", "name": "My Campaign", "type": "Outbound"},
        {"id": "c-1", "name": "Renamed"},
        ("id", "c-1"),
    ),
    (
        "/custom/dispos",
        "dispo",
        {"id": "d-1", "name": "Sale", "type": "Agent", "contact": True, "success": True},
        {"id": "d-1", "success": False},
        ("id", "d-1"),
    ),
    (
        "/custom/anis",
        "ani",
        {
            "country_code": "+1",
            "number": "5615550100",
            "inbound_group_id": "ig-1",
            "is_branded": True,
            "brand_name": "Acme",
        },
        {"number": "5615550100", "brand_name": "Acme Two"},
        ("number", "5615550100"),
    ),
]


@pytest.mark.parametrize(("path", "member", "create", "update", "key"), CASES)
def test_create_update_get_delete(
    api: Api,
    sdk: Sdk,
    other_sdk: Sdk,
    path: str,
    member: str,
    create: dict[str, Any],
    update: dict[str, Any],
    key: tuple[str, str],
) -> None:
    created = sdk.ok("POST", path, create)
    assert created["success"] is True and isinstance(created["message"], str)
    for name, value in create.items():
        assert created[member][name] == value
    # The same object as the seed's /dialer routes see.
    seed = api.get(f"/dialer/{path.removeprefix('/custom/')}", params=dict([key])).json()
    assert seed == created[member]
    updated = sdk.ok("PUT", path, update)
    for name, value in update.items():
        assert updated[member][name] == value
    got = sdk.ok("GET", path, None, **dict([key]))
    assert got == {"success": True, member: updated[member]}
    # Another company sees nothing of it.
    assert other_sdk.send("GET", path, None, dict([key])).status_code == 404
    assert other_sdk.send("DELETE", path, dict([key])).status_code == 404
    deleted = sdk.ok("DELETE", path, dict([key]))
    assert deleted["success"] is True
    gone = sdk.send("GET", path, None, dict([key]))
    assert gone.status_code == 404
    body = gone.json()
    assert body["success"] is False and "not found" in body["message"]
    assert body["error"]["code"] == "not_found"


def test_get_ani_answers_the_sdks_custom_ani(sdk: Sdk) -> None:
    sdk.ok("POST", "/custom/anis", CASES[2][2])
    answer = sdk.ok("GET", "/custom/anis", None, number="(561) 555-0100")
    ani = answer["ani"]
    assert answer["success"] is True
    assert (ani["country_code"], ani["number"], ani["inbound_group_id"]) == (
        "+1",
        "5615550100",
        "ig-1",
    )
    assert ani["is_branded"] is True and ani["brand_name"] == "Acme"
    assert ani["carrier_id"] is None


def test_refusals(sdk: Sdk) -> None:
    sdk.ok("POST", "/custom/campaigns", CASES[0][2])
    duplicate = sdk.send("POST", "/custom/campaigns", CASES[0][2])
    assert duplicate.status_code == 409 and duplicate.json()["success"] is False
    wrong = sdk.send("POST", "/custom/campaigns", {"id": "c-2", "name": "x", "type": "Sideways"})
    assert wrong.status_code == 422 and "type" in wrong.json()["error"]["fields"]
    unknown = sdk.send("POST", "/custom/dispos", {**CASES[1][2], "id": "d-2", "colour": "red"})
    assert unknown.json()["error"]["fields"] == {"colour": "unknown field"}
    no_id = sdk.send("GET", "/custom/campaigns")
    assert no_id.status_code == 422 and no_id.json()["error"]["fields"] == {
        "id": "is required (query string)"
    }
    odd = sdk.send("GET", "/custom/campaigns", None, {"id": "c-1", "page": "2"})
    assert odd.status_code == 422 and "page" in odd.json()["error"]["fields"]
    no_body = sdk.send("DELETE", "/custom/campaigns")
    assert no_body.status_code == 422 and no_body.json()["success"] is False
    bad_number = sdk.send("POST", "/custom/anis", {**CASES[2][2], "number": "12"})
    assert bad_number.status_code == 422 and "number" in bad_number.json()["error"]["fields"]
    # Refused before any route (a NUL in the query string), still in the SDKs' envelope.
    nul = sdk.client.get(
        "/custom/campaigns?id=c%001", headers={"Authorization": f"Bearer {sdk.key}"}
    )
    assert nul.status_code == 422
    assert nul.json()["success"] is False and nul.json()["error"]["fields"].keys() == {"id"}
