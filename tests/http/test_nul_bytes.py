"""NUL characters in any input are refused naming the field, on both databases alike.

Regression: PostgreSQL cannot store or compare text holding NUL, and on the main of the time a
campaign name, ``?id=c%00``, a group filter, a callback's agent or call id and a JSON result
with one answered 500 there; a 3-row /dialer/results batch with one such row answered 500 and
stored nothing, and good callbacks grouped into the same commit failed with it. Fails there on
PostgreSQL; passes with NUL refused at validation and rows stored apart when a value is refused.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from starlette.testclient import TestClient

from openani.results.service import ResultIngest
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.http.test_results import seed_params
from tests.support.seed import AGENT, CALL_ID, CALLBACK, COMPANY

NUL = "\x00"


def _refused(response, field: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["error"]["fields"][field]


def test_management_bodies_and_query_strings(api: Api) -> None:
    campaign = {"id": "c1", "name": f"Sales{NUL}", "type": "Outbound"}
    _refused(api.post("/dialer/campaigns", json=campaign), "name")
    _refused(api.post("/dialer/campaigns", json={**campaign, "id": NUL, "name": "x"}), "id")
    _refused(api.get("/dialer/campaigns?id=c%00"), "id")
    _refused(api.get("/dialer/anis?inbound_group_id=g%00"), "inbound_group_id")
    _refused(api.get("/dialer/campaigns", json={"id": f"c{NUL}"}), "id")
    _refused(api.get("/dialer/results?agent_id=a%00&limit=5"), "agent_id")
    # An escaped percent sign is no NUL.
    assert api.get("/dialer/campaigns?id=c%2500").status_code == 404


def test_next_refuses_nul_naming_the_field(api: Api) -> None:
    body = {"outbound_campaign": f"c{NUL}", "prospect_phone": "5617778888"}
    _refused(api.post("/dialer/next", json=body), "outbound_campaign")


def test_callback_fails_naming_the_parameter(client: TestClient, tenant: Tenant) -> None:
    for name in (AGENT, CALL_ID, "KPI1"):
        response = client.get(CALLBACK, params=seed_params(tenant, **{name: f"x{NUL}y"}))
        assert response.status_code == 400, response.text
        assert response.json()["result"] == "FAIL"
        assert name in response.json()["reason"] and "NUL" in response.json()["reason"]
    # A GUID that cannot be one names no company (and is not looked up).
    for guid in (f"{tenant.company.guid}{NUL}", "not-a-guid"):
        refused = client.get(CALLBACK, params=seed_params(tenant, **{COMPANY: guid}))
        assert (refused.status_code, refused.json()["result"]) == (401, "FAIL")
    good = client.get(CALLBACK, params=seed_params(tenant))
    assert good.json() == {"result": "SUCCESS"}


def test_each_row_of_a_batch_succeeds_or_fails_alone(api: Api) -> None:
    row = {
        "call_id": "n1", "campaign_id": "c1", "ani": "5615550100", "dispo": "na",
        "prospect_phone": "5617778888", "call_datetime": "2026-11-20 10:15:00",
    }  # fmt: skip
    rows = [row, {**row, "call_id": "n2", "agent_id": f"a{NUL}"}, {**row, "call_id": "n3"}]
    response = api.post("/dialer/results", json={"results": rows})
    assert response.status_code == 200, response.text
    answers = response.json()["results"]
    assert [a["status"] for a in answers] == ["stored", "error", "stored"]
    assert "NUL" in answers[1]["error"]["fields"]["agent_id"]
    kpi = api.post("/dialer/results", json={**row, "call_id": "n4", "kpis": {f"k{NUL}": "1"}})
    _refused(kpi, "kpis.k\\u0000")
    listed = api.get("/dialer/results").json()["items"]
    assert sorted(item["call_id"] for item in listed) == ["n1", "n3"]


def test_a_value_the_database_refuses_fails_its_row_only(db: Database, tenant: Tenant) -> None:
    """The safety net behind validation: a row whose value the database refuses (here a number
    beyond 64 bits) fails alone, and the rows stored in the same transaction are kept."""
    ingest = ResultIngest(db)
    raw = {
        "campaign_id": "c1", "ani": "5615550100", "dispo": "na",
        "prospect_phone": "5617778888", "call_datetime": "2026-11-20 10:15:00",
    }  # fmt: skip
    rows = [
        (i, ingest._prepare({**raw, "call_id": f"r{i}"}, ZoneInfo(tenant.company.time_zone), True))
        for i in range(3)
    ]
    rows[1][1]["duration_s"] = 2**70
    outcomes = dict(ingest._store_each_alone(tenant.company, rows))
    assert [outcomes[i].status for i in range(3)] == ["stored", "error", "stored"]
    error = outcomes[1].error
    assert error is not None and error.status == 422


def test_the_anchor_routes_refuse_it_in_their_envelope(client: TestClient, tenant: Tenant) -> None:
    headers = {"Authorization": f"Bearer {tenant.api_key}"}
    response = client.get("/custom/campaigns?id=c%00", headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["success"] is False
    assert "NUL" in response.json()["error"]["fields"]["id"]
