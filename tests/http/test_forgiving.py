"""The forgiving dialer contract on both databases: what the hot path ignores, reads another
way or serves anyway (and says so), why a call got no number, and the management API staying
strict."""

from __future__ import annotations

from typing import Any

from openani.store import migrate
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.http.test_next_ani import add_ani, add_campaign
from tests.support.errors import refused
from tests.support.seed import CALLBACK
from tests.webhooks.test_delivery import result

NEXT = "/dialer/next"


def answer(api: Api, body: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = api.post(NEXT, json=body, **kwargs)
    assert response.status_code == 200, response.text
    got: dict[str, Any] = response.json()
    return got


def test_unknown_fields_and_unambiguous_values(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "5615550100", is_branded=True, brand_name="B")
    got = answer(api, {"outbound_campaign": "c123", "prospect_phone": 5617778888,
                       "prospect_zip": 33432, "use_branded": "TRUE", "real_time": True,
                       "assignment_type": " ZIP "})  # fmt: skip
    assert got["ani"] == "5615550100"
    assert got["prospect_phone"] == "5617778888"
    assert (got["assignment_type"], got["match"]) == ("zip", "zip")
    warnings = got["warnings"]
    assert "real_time: unknown field, ignored" in warnings
    assert any(w.startswith("prospect_zip: the number 33432") for w in warnings)
    assert any(w.startswith("use_branded:") for w in warnings)
    assert any(w.startswith("assignment_type:") for w in warnings)
    plain = answer(api, {"outbound_campaign": "c123", "prospect_phone": "5617778888"})
    assert "warnings" not in plain
    # A ZIP sent as a number lost its leading zero.
    boston = answer(api, {"outbound_campaign": "c123", "prospect_phone": "6177778888",
                          "prospect_zip": 2134})  # fmt: skip
    assert any("'02134'" in w for w in boston["warnings"])
    # What stays ambiguous is still refused by name.
    ambiguous = (
        ({"use_branded": "yes"}, "use_branded"),
        ({"prospect_zip": 1234567}, "prospect_zip"),
        ({"assignment_type": "closest"}, "assignment_type"),
    )
    for bad, field in ambiguous:
        refused = api.post(NEXT, json={"outbound_campaign": "c123",
                                       "prospect_phone": "5617778888", **bad})  # fmt: skip
        assert refused.status_code == 422, bad
        assert field in refused.json()["error"]["fields"]


def test_json_whatever_the_content_type_trailing_slashes_and_bearer(
    api: Api, client: Any, tenant: Tenant
) -> None:
    add_campaign(api)
    add_ani(api, "5615550100")
    body = b'{"outbound_campaign": "c123", "prospect_phone": "5617778888"}'
    for content_type in ("application/x-www-form-urlencoded", "text/plain", None):
        headers = {"X-ApiKey": tenant.api_key}
        if content_type:
            headers["Content-Type"] = content_type
        response = client.post(NEXT, content=body, headers=headers)
        assert response.status_code == 200, (content_type, response.text)
    slashed = client.post(f"{NEXT}/", content=body, headers={"X-ApiKey": tenant.api_key},
                          follow_redirects=False)  # fmt: skip
    assert slashed.status_code == 200, slashed.text
    bearer = {"Authorization": f"Bearer {tenant.api_key}"}
    assert client.post(NEXT, content=body, headers=bearer).status_code == 200
    assert client.get("/dialer/campaigns/", headers=bearer).status_code == 200
    assert client.get("/dialer/settings", headers=bearer).status_code == 200
    assert (
        client.get("/dialer/settings", headers={"Authorization": "Bearer nope"}).status_code == 401
    )
    assert client.get("/dialer/settings", headers={"Authorization": "Basic x"}).status_code == 401


def test_management_stays_strict(api: Api, client: Any, tenant: Tenant) -> None:
    extra = api.post("/dialer/campaigns", json={"id": "c1", "name": "x", "type": "Outbound",
                                                "colour": "red"})  # fmt: skip
    assert extra.status_code == 422
    assert extra.json()["error"]["fields"] == {"colour": "unknown field"}
    campaign = b'{"id": "c1", "name": "x", "type": "Outbound"}'
    form = client.post("/dialer/campaigns", content=campaign,
                       headers={"X-ApiKey": tenant.api_key,
                                "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form.status_code == 415
    add_ani(api, "5615550100")
    listed = api.request("GET", "/dialer/anis", json={})
    assert listed.status_code == 200, listed.text
    assert [a["number"] for a in listed.json()["items"]] == ["5615550100"]


def test_an_unknown_campaign_is_served_and_listed(api: Api, other_api: Api) -> None:
    add_ani(api, "5615550100")
    got = answer(api, {"outbound_campaign": "dialer-42", "prospect_phone": "5617778888"})
    assert got["ani"] == "5615550100"
    assert any("dialer-42 is not defined" in w for w in got["warnings"])
    again = answer(api, {"outbound_campaign": "dialer-42", "prospect_phone": "5617778889"})
    assert any("dialer-42 is not defined" in w for w in again["warnings"])
    unknown = api.get("/dialer/campaigns/unknown").json()["items"]
    assert [(c["id"], c["auto_created"], c["type"]) for c in unknown] == [
        ("dialer-42", True, "Outbound")
    ]
    assert api.get("/dialer/assignments", params={"campaign": "dialer-42"}).json()["items"]
    # Defining it (an operator's update) takes it off the list and ends the warning.
    defined = api.put("/dialer/campaigns", json={"id": "dialer-42", "name": "Spring promo"})
    assert defined.json()["auto_created"] is False
    assert api.get("/dialer/campaigns/unknown").json()["items"] == []
    assert "warnings" not in answer(
        api, {"outbound_campaign": "dialer-42", "prospect_phone": "5617778888"}
    )
    assert other_api.get("/dialer/campaigns/unknown").json()["items"] == []
    # A company that prefers refusals gets them.
    api.put("/dialer/settings", json={"unknown_campaign": "reject"})
    refused = api.post(NEXT, json={"outbound_campaign": "nope", "prospect_phone": "5617778888"})
    assert refused.status_code == 404
    assert refused.json()["error"]["fields"] == {"outbound_campaign": "no such campaign"}
    assert api.get("/dialer/settings").json()["unknown_campaign"] == "reject"
    batch = api.post("/dialer/next/batch", json={"outbound_campaign": "nope2",
                     "leads": [{"row_id": 1, "prospect_phone": "5617778888"}]})  # fmt: skip
    assert batch.status_code == 404


def test_a_batch_forgives_too(api: Api) -> None:
    add_campaign(api)
    add_ani(api, "5615550100")
    response = api.post("/dialer/next/batch", json={
        "outbound_campaign": "c123", "priority": "high",
        "leads": [{"row_id": 1, "prospect_phone": 5617778888, "prospect_zip": 33432,
                   "name": "Ann"}, {"row_id": 2, "prospect_phone": "5617778889"}],
    })  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["warnings"] == ["priority: unknown field, ignored"]
    first, second = body["results"]
    assert first["ani"] == "5615550100"
    assert "name: unknown field, ignored" in first["warnings"]
    assert "warnings" not in second


def _refusal(api: Api, **extra: Any) -> dict[str, Any]:
    response = api.post(NEXT, json={"outbound_campaign": "c123",
                                    "prospect_phone": "5617778888", **extra})  # fmt: skip
    assert response.status_code == 404, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "no_available_ani"
    return error


def test_the_404_says_why_with_counts(api: Api) -> None:
    add_campaign(api, inbound_pool_id="ing1", cap_mode="strict", daily_cap=1)
    nothing = _refusal(api)
    assert nothing["message"] == "no +1 ANIs held"
    assert nothing["counts"]["held"] == 0
    for number in ("5615550100", "5615550101", "5615550102"):
        add_ani(api, number, "ing1")
    add_ani(api, "5615550103", "ing2")
    api.post(
        "/dialer/anis",
        json={"country_code": "+44", "number": "020 7946 0123", "inbound_group_id": "uk"},
    )
    for number in ("5615550100", "5615550101", "5615550102"):
        api.post("/dialer/anis/pause", json={"ani": number})
    paused = _refusal(api)
    assert "paused" in paused["message"] and "ing1" in paused["message"]
    assert paused["counts"] == {
        "held": 4, "other_country": 1, "other_groups": 1, "paused": 3, "resting": 0,
        "capped": 0, "available": 0,
    }  # fmt: skip
    api.post("/dialer/anis/activate", json={"ani": "5615550100"})
    answer(api, {"outbound_campaign": "c123", "prospect_phone": "5617778888"})
    capped = _refusal(api)
    assert "daily cap of 1" in capped["message"]
    assert (capped["counts"]["capped"], capped["counts"]["paused"]) == (1, 2)
    elsewhere = _refusal(api, inventory_group_ids=["nowhere"])
    assert elsewhere["counts"]["other_groups"] == 4 and "nowhere" in elsewhere["message"]


def test_assignment_type_names_the_strategy_through_every_fallback(api: Api) -> None:
    add_campaign(api, default_assignment_type="area_code")
    add_ani(api, "5615550100")  # Florida only
    ask = {"outbound_campaign": "c123"}
    anchorage = answer(api, {**ask, "prospect_phone": "9077778888", "prospect_zip": "99501",
                             "assignment_type": "zip"})  # fmt: skip
    assert (anchorage["assignment_type"], anchorage["fallback"]) == ("zip", True)
    assert anchorage["match"] in ("nearest", "any")
    unknown_zip = answer(api, {**ask, "prospect_phone": "5617778888", "prospect_zip": "00000",
                               "assignment_type": "zip"})  # fmt: skip
    assert (unknown_zip["assignment_type"], unknown_zip["match"]) == ("zip", "area_code")
    assert any("00000" in w and "area code was used" in w for w in unknown_zip["warnings"])
    tfn = answer(api, {**ask, "prospect_phone": "5617778888", "assignment_type": "tfn"})
    assert (tfn["assignment_type"], tfn["match"], tfn["fallback"]) == ("tfn", "area_code", True)
    default = answer(api, {**ask, "prospect_phone": "2127778888"})
    assert (default["assignment_type"], default["fallback"]) == ("area_code", True)
    assert default["requested_assignment_type"] is None
    logged = api.get("/dialer/assignments", params={"limit": 4}).json()["items"]
    assert [row["assignment_type"] for row in logged] == ["area_code", "tfn", "zip", "zip"]


def test_results_forgive_and_say_so(api: Api, client: Any, tenant: Tenant) -> None:
    row = {**result("f1"), "duration_s": "42", "kpis": {"revenue": 120}, "lead_id": "L9"}
    response = api.post("/dialer/results", json=row)
    assert response.status_code == 200, response.text
    (stored,) = response.json()["results"]
    assert stored["status"] == "stored"
    assert "lead_id: unknown field, ignored" in stored["warnings"]
    kept = api.get("/dialer/results", params={"call_id": "f1"}).json()["items"][0]
    assert (kept["duration_s"], kept["kpis"]) == (42, {"revenue": "120"})
    batch = api.post("/dialer/results", json={"results": [result("f2")], "source": "x"})
    assert batch.json()["warnings"] == ["source: unknown field, ignored"]
    plain = client.post("/dialer/results", content=b'{"results": [' + (
        b'{"call_id": "f3", "campaign_id": "c1", "ani": "5615550100", "dispo": "x", '
        b'"prospect_phone": "5617778888", "call_datetime": "2026-11-20 10:00:00"}]}'),
        headers={"X-ApiKey": tenant.api_key, "Content-Type": "text/plain"})  # fmt: skip
    assert plain.json()["results"][0]["status"] == "stored"
    # The seed callback takes a JSON body too.
    callback = client.post(CALLBACK, json={
        "0504bd2b-f9eb-4a72-b497-7c8cac8692a0": tenant.company.guid,
        "ec4e634b-aa92-4859-9d16-46aece2b780b": "c1",
        "0be372ee-d1bf-42a4-8891-dbc5ee547a7c": 5615550100,
        "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583": "f4",
        "e8ca4a68-d96e-4be8-8ac1-1114fec52cde": "sale",
        "12929e99-3266-4350-b2c8-592119ffd558": "5617778888",
        "9a1f5867-157f-4620-ae43-b824bc4d81ee": "2026-11-20 10:15:00",
        "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf": 33,
    })  # fmt: skip
    assert callback.json() == {"result": "SUCCESS"}, callback.text
    assert (
        api.get("/dialer/results", params={"call_id": "f4"}).json()["items"][0]["duration_s"] == 33
    )


def test_dispo_names_are_unique_without_case(api: Api) -> None:
    sale = {"id": "d1", "name": "Sale Closed", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    twin = api.post("/dialer/dispos", json={**sale, "id": "d2", "name": "sale closed"})
    assert twin.status_code == 409
    assert twin.json()["error"]["fields"] == {"name": "taken by disposition d1"}
    assert (
        api.post("/dialer/dispos", json={**sale, "id": "d2", "name": "No Sale"}).status_code == 201
    )
    renamed = api.put("/dialer/dispos", json={"id": "d2", "name": "SALE CLOSED"})
    refused(renamed, 409, "conflict", "name")
    assert api.put("/dialer/dispos", json={"id": "d1", "name": "sale closed"}).status_code == 200
    api.delete("/dialer/dispos", params={"id": "d1"})
    assert api.put("/dialer/dispos", json={"id": "d2", "name": "Sale Closed"}).status_code == 200


def test_the_migration_renames_existing_twins(api: Api, db: Database, tenant: Tenant) -> None:
    from alembic import command
    from sqlalchemy import text

    from openani.store.migrate import _config

    config = _config()
    try:
        with db.write() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0008_i15")
        with db.write() as conn:
            for ext_id, name in (("a", "Sale"), ("b", "SALE"), ("c", "sale"), ("d", "Other")):
                conn.execute(text(
                    "INSERT INTO dispositions (company_id, ext_id, name, type, contact, success, "
                    "created_at, updated_at) VALUES (:c, :e, :n, 'Agent', :t, :t, :at, :at)"),
                    {"c": tenant.company.id, "e": ext_id, "n": name, "t": True,
                     "at": "2026-11-01 00:00:00"})  # fmt: skip
    finally:
        migrate.upgrade(db)
    names = {d["id"]: d["name"] for d in api.get("/dialer/dispos").json()["items"]}
    assert names == {"a": "Sale", "b": "SALE (b)", "c": "sale (c)", "d": "Other"}
    renames = [e for e in api.get("/dialer/audit").json()["items"] if e["action"] == "rename"]
    assert {e["id"] for e in renames} == {"b", "c"}
