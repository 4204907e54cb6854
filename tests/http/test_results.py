"""Dial results: the seed callback and the JSON API, idempotency, re-dispositions, statistics."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from openani.results.service import SLICE
from tests.conftest import Api, Tenant
from tests.support.errors import refused
from tests.support.seed import (
    AGENT,
    ANI,
    ATTEMPTS,
    CALL_ID,
    CALL_TIME,
    CALLBACK,
    CAMPAIGN,
    COMPANY,
    DISPO,
    PHONE,
    TYPE_OR_DURATION,
    ZIP,
)

# The calls of these tests happen in November 2026; statistics are asked for that month with an
# explicit end, since an open window ends today and ranges of a year or more are refused.
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def seed_params(tenant: Tenant, **overrides: str) -> dict[str, str]:
    params = {
        COMPANY: tenant.company.guid,
        CAMPAIGN: "c123",
        AGENT: "agent7",
        ANI: "5615550100",
        CALL_ID: "call-1",
        DISPO: "sale",
        PHONE: "5617778888",
        CALL_TIME: "2026-11-20 10:15:00",
    }
    params.update(overrides)
    return params


@pytest.fixture
def dispos(api: Api) -> None:
    for body in (
        {
            "id": "sale",
            "name": "Sale Closed",
            "type": "Agent",
            "contact": True,
            "success": True,
            "category": "human",
        },
        {
            "id": "na",
            "name": "No Answer",
            "type": "System",
            "contact": False,
            "success": False,
            "category": "no_answer",
        },
        {
            "id": "blk",
            "name": "Blocked",
            "type": "System",
            "contact": False,
            "success": False,
            "category": "blocked",
        },
    ):
        assert api.post("/dialer/dispos", json=body).status_code == 201


def ani_stats(api: Api, **params: str) -> dict[str, Any]:
    response = api.get("/dialer/stats/anis", params={**NOVEMBER, **params})
    assert response.status_code == 200, response.text
    return {item["number"]: item for item in response.json()["items"]}


def add_ani(api: Api, number: str = "5615550100") -> None:
    body = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=body).status_code == 201


def test_seed_callback_by_get_stores_and_counts(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api)
    params = seed_params(tenant, **{TYPE_OR_DURATION: "95", ZIP: "33432", "KPI1_Name": "7"})
    response = client.get(CALLBACK, params=params)
    assert (response.status_code, response.json()) == (200, {"result": "SUCCESS"})
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"], stats["successes"]) == (1, 1, 1)
    assert stats["contact_rate"] == 100.0
    assert stats["talk_seconds"] == 95
    assert stats["last_dialed"].startswith("2026-11-20T15:15:00")  # 10:15 New York time


def test_seed_callback_reads_call_type_and_duration_from_the_shared_parameter(
    client: TestClient, api: Api, tenant: Tenant
) -> None:
    # The seed sends the call type and the duration under one parameter, in either order.
    for call_id, values in (("t1", ("Outbound", "95")), ("t2", ("61", "Inbound"))):
        pairs = [*seed_params(tenant, **{CALL_ID: call_id}).items()]
        pairs += [(TYPE_OR_DURATION, value) for value in values]
        assert client.get(CALLBACK, params=pairs).json() == {"result": "SUCCESS"}
    one_only = seed_params(tenant, **{CALL_ID: "t3", TYPE_OR_DURATION: "Manual"})
    assert client.get(CALLBACK, params=one_only).json() == {"result": "SUCCESS"}
    items = api.get("/dialer/results").json()["items"]
    read = {r["call_id"]: (r["call_type"], r["duration_s"]) for r in items}
    assert read == {"t1": ("Outbound", 95), "t2": ("Inbound", 61), "t3": ("Manual", None)}


def test_seed_callback_by_form_post_and_query_mix(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    params = seed_params(tenant)
    query = {COMPANY: params.pop(COMPANY)}
    response = client.post(CALLBACK, params=query, data={**params, TYPE_OR_DURATION: "Outbound"})
    assert response.json() == {"result": "SUCCESS"}, response.text
    assert ani_stats(api) == {}  # the ANI is not in the inventory...
    unknown = api.get("/dialer/results/unknown-anis").json()["items"]
    assert [(u["number"], u["results"]) for u in unknown] == [("5615550100", 1)]  # ...but kept


@pytest.mark.parametrize("order", [("Outbound", "42"), ("42", "Outbound")])
def test_type_and_duration_share_a_parameter(
    client: TestClient, api: Api, tenant: Tenant, dispos: None, order: tuple[str, str]
) -> None:
    add_ani(api)
    pairs = [
        *seed_params(tenant).items(),
        (TYPE_OR_DURATION, order[0]),
        (TYPE_OR_DURATION, order[1]),
    ]
    query = "&".join(f"{k}={v.replace(' ', '%20')}" for k, v in pairs)
    assert client.get(f"{CALLBACK}?{query}").json() == {"result": "SUCCESS"}
    assert ani_stats(api)["5615550100"]["talk_seconds"] == 42


def test_retries_count_once_and_redispositions_move_statistics(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api)
    for _ in range(3):
        assert client.get(CALLBACK, params=seed_params(tenant, **{DISPO: "na"})).json() == {
            "result": "SUCCESS"
        }
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"], stats["no_answers"]) == (1, 0, 1)
    assert client.get(CALLBACK, params=seed_params(tenant, **{DISPO: "sale"})).json() == {
        "result": "SUCCESS"
    }
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"], stats["successes"], stats["no_answers"]) == (
        1,
        1,
        1,
        0,
    )


def test_dispo_matched_by_name_case_insensitively(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api)
    client.get(CALLBACK, params=seed_params(tenant, **{DISPO: "BLOCKED"}))
    stats = ani_stats(api)["5615550100"]
    assert (stats["blocked"], stats["block_rate"]) == (1, 100.0)


def test_unknown_dispo_is_kept_and_statistics_follow_its_later_definition(
    client: TestClient, api: Api, tenant: Tenant
) -> None:
    add_ani(api)
    for i in range(2):
        params = seed_params(tenant, **{CALL_ID: f"c{i}", DISPO: "APPT"})
        assert client.get(CALLBACK, params=params).json() == {"result": "SUCCESS"}
    unmapped = api.get("/dialer/results/unmapped-dispositions").json()["items"]
    assert [(u["dispo"], u["results"]) for u in unmapped] == [("APPT", 2)]
    assert ani_stats(api)["5615550100"]["contacts"] == 0

    appt = {"id": "appt", "name": "Appt", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=appt).status_code == 201
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"], stats["successes"]) == (2, 2, 2)
    assert api.get("/dialer/results/unmapped-dispositions").json()["items"] == []

    assert api.put("/dialer/dispos", json={"id": "appt", "success": False}).status_code == 200
    assert ani_stats(api)["5615550100"]["successes"] == 0
    assert api.delete("/dialer/dispos", params={"id": "appt"}).status_code == 200
    assert ani_stats(api)["5615550100"]["contacts"] == 0


@pytest.mark.parametrize(
    ("override", "names"),
    [
        ({CALL_ID: ""}, CALL_ID),
        ({CALL_TIME: "yesterday"}, CALL_TIME),
        ({CALL_TIME: "2999-01-01 00:00:00"}, CALL_TIME),
        ({PHONE: "12"}, PHONE),
        ({ANI: "call me"}, ANI),
        ({ATTEMPTS: "many"}, ATTEMPTS),
    ],
)
def test_bad_callback_input_fails_naming_the_parameter(
    client: TestClient, tenant: Tenant, override: dict[str, str], names: str
) -> None:
    response = client.get(CALLBACK, params=seed_params(tenant, **override))
    assert response.status_code == 400
    assert response.json()["result"] == "FAIL"
    assert names in response.json()["reason"]


def test_unknown_or_missing_company(client: TestClient, tenant: Tenant) -> None:
    unknown = client.get(CALLBACK, params=seed_params(tenant, **{COMPANY: "nope"}))
    assert unknown.status_code == 401
    assert unknown.json() == {"result": "FAIL", "reason": "unknown company GUID"}
    params = seed_params(tenant)
    del params[COMPANY]
    missing = client.get(CALLBACK, params=params)
    assert missing.status_code == 400
    assert COMPANY in missing.json()["reason"]


def test_kpis_are_kept_up_to_fifty(client: TestClient, tenant: Tenant) -> None:
    kpis = {f"KPI{i}": str(i) for i in range(50)}
    assert client.get(CALLBACK, params={**seed_params(tenant), **kpis}).json()["result"] == (
        "SUCCESS"
    )
    kpis["KPI50"] = "one too many"
    response = client.get(CALLBACK, params={**seed_params(tenant, **{CALL_ID: "c2"}), **kpis})
    assert response.status_code == 400


def test_json_api_single_batch_and_per_row_status(api: Api, dispos: None) -> None:
    add_ani(api)
    row = {
        "call_id": "j1", "campaign_id": "c123", "ani": "5615550100", "dispo": "sale",
        "prospect_phone": "5617778888", "call_datetime": "2026-11-20T10:15:00-05:00",
        "duration_s": 5, "kpis": {"score": "9"},
    }  # fmt: skip
    first = api.post("/dialer/results", json=row)
    assert first.status_code == 200, first.text
    assert first.json() == {"results": [{"call_id": "j1", "status": "stored"}]}
    batch = api.post(
        "/dialer/results",
        json={
            "results": [row, {**row, "call_id": "j2", "duration_s": "5s"}, {**row, "dispo": "na"}]
        },
    )
    assert batch.status_code == 200
    statuses = [(r["call_id"], r["status"]) for r in batch.json()["results"]]
    assert statuses == [("j1", "duplicate"), ("j2", "error"), ("j1", "updated")]
    assert "duration_s" in batch.json()["results"][1]["error"]["fields"]
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"], stats["short_calls"]) == (1, 0, 0)


def test_json_api_validation(api: Api) -> None:
    missing = api.post("/dialer/results", json={"call_id": "x"})
    assert missing.status_code == 422
    assert {"campaign_id", "ani", "dispo", "prospect_phone", "call_datetime"} <= set(
        missing.json()["error"]["fields"]
    )
    too_many = api.post("/dialer/results", json={"results": [{}] * 1001})
    refused(too_many, 422, "validation_error", "results")


def test_local_day_follows_the_company_time_zone(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api)
    # 23:30 in New York is already the next day in UTC; the call belongs to the 20th.
    client.get(CALLBACK, params=seed_params(tenant, **{CALL_TIME: "2026-11-20 23:30:00"}))
    day = api.get("/dialer/stats/anis", params={"from": "2026-11-20", "to": "2026-11-20"})
    assert day.json()["items"][0]["dials"] == 1
    after = api.get("/dialer/stats/anis", params={"from": "2026-11-21", "to": "2026-11-21"})
    assert after.json()["items"][0]["dials"] == 0


def test_grouped_statistics_and_filters(
    client: TestClient, api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api, "5615550100")
    add_ani(api, "2125550100")
    calls = [
        ("a", "5615550100", "c1", "sale", "5617778888"),
        ("b", "5615550100", "c2", "na", "3057778888"),
        ("c", "2125550100", "c1", "na", "2127778888"),
    ]
    for call_id, ani, campaign, dispo, phone in calls:
        params = seed_params(
            tenant, **{CALL_ID: call_id, ANI: ani, CAMPAIGN: campaign, DISPO: dispo, PHONE: phone}
        )
        assert client.get(CALLBACK, params=params).json()["result"] == "SUCCESS"
    assert ani_stats(api, campaign="c2")["5615550100"]["dials"] == 1
    assert set(ani_stats(api, area_code="212")) == {"2125550100"}
    assert set(ani_stats(api, state="FL")) == {"5615550100"}
    assert set(ani_stats(api, number="561")) == {"5615550100"}

    def grouped(path: str) -> dict[str, Any]:
        response = api.get(f"/dialer/stats/{path}", params=NOVEMBER)
        assert response.status_code == 200, response.text
        return {next(iter(item.values())): item for item in response.json()["items"]}

    campaigns = grouped("campaigns")
    assert (campaigns["c1"]["dials"], campaigns["c1"]["contacts"]) == (2, 1)
    assert grouped("areas")["305"]["dials"] == 1
    states = grouped("states")
    assert (states["FL"]["dials"], states["NY"]["dials"]) == (2, 1)


def test_stats_windows_and_errors(api: Api) -> None:
    add_ani(api)
    for window in ("today", "7d", "30d"):
        response = api.get("/dialer/stats/anis", params={"window": window})
        assert response.status_code == 200
        assert response.json()["items"][0]["dials"] == 0
    for params, field in (
        ({"window": "1y"}, "window"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"colour": "red"}, "colour"),
    ):
        refused(api.get("/dialer/stats/anis", params=params), 422, "validation_error", field)


def test_assignments_count_as_assigned(api: Api) -> None:
    add_ani(api, "2125550100")
    api.post("/dialer/campaigns", json={"id": "c1", "name": "C", "type": "Outbound"})
    for i in range(3):
        body = {"outbound_campaign": "c1", "prospect_phone": f"212777{i:04d}"}
        assert api.post("/dialer/next", json=body).status_code == 200
    stats = api.get("/dialer/stats/anis", params={"window": "today"}).json()["items"][0]
    assert (stats["assigned"], stats["today"]["assigned"], stats["dials"]) == (3, 3, 0)
    campaign = api.get("/dialer/stats/campaigns", params={"window": "today"}).json()["items"]
    assert campaign[0]["campaign"] == "c1"
    assert campaign[0]["assigned"] == 3


def test_companies_never_see_each_other_results(
    client: TestClient, api: Api, other_api: Api, tenant: Tenant, dispos: None
) -> None:
    add_ani(api)
    client.get(CALLBACK, params=seed_params(tenant))
    assert other_api.get("/dialer/stats/campaigns", params=NOVEMBER).json()["items"] == []
    assert other_api.get("/dialer/results/unknown-anis").json()["items"] == []
    # The same call id in another company is another call.
    other_guid = other_api.tenant.company.guid
    response = client.get(CALLBACK, params=seed_params(tenant, **{COMPANY: other_guid}))
    assert response.json() == {"result": "SUCCESS"}
    assert ani_stats(api)["5615550100"]["dials"] == 1


def test_unknown_anis_and_unmapped_dispositions_come_in_pages(api: Api) -> None:
    rows = [
        {
            "call_id": f"p{n}-{i}", "campaign_id": "c123", "ani": f"56155502{n:02d}",
            "dispo": f"odd{n % 3}", "prospect_phone": "5617778888",
            "call_datetime": "2026-11-20T10:15:00-05:00",
        }
        for n in range(5)
        for i in range(n + 1)
    ]  # fmt: skip
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200

    def pages(path: str, key: str) -> list[list[tuple[str, int]]]:
        seen, cursor = [], None
        while True:
            params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
            body = api.get(path, params=params).json()
            seen.append([(item[key], item["results"]) for item in body["items"]])
            cursor = body["next_cursor"]
            if cursor is None:
                return seen

    # The most results first, two at a time, every item once.
    assert pages("/dialer/results/unknown-anis", "number") == [
        [("5615550204", 5), ("5615550203", 4)],
        [("5615550202", 3), ("5615550201", 2)],
        [("5615550200", 1)],
    ]
    assert pages("/dialer/results/unmapped-dispositions", "dispo") == [
        [("odd1", 7), ("odd0", 5)],
        [("odd2", 3)],
    ]
    for params, field in (({"limit": "0"}, "limit"), ({"sort": "x"}, "sort")):
        refused = api.get("/dialer/results/unknown-anis", params=params)
        assert refused.status_code == 422
        assert list(refused.json()["error"]["fields"]) == [field]


def test_a_batch_longer_than_a_slice_answers_as_one(api: Api, dispos: None) -> None:
    add_ani(api)
    row = {
        "campaign_id": "c123", "ani": "5615550100", "dispo": "sale",
        "prospect_phone": "5617778888", "call_datetime": "2026-11-20T10:15:00-05:00",
    }  # fmt: skip
    rows = [{**row, "call_id": f"s{i}"} for i in range(SLICE * 2 + 1)]
    rows.append({**row, "call_id": "s0", "dispo": "na"})  # the first row again, re-dispositioned
    rows.append({**row, "call_id": f"s{SLICE}"})  # a row of the second slice, sent again
    answer = api.post("/dialer/results", json={"results": rows})
    assert answer.status_code == 200
    statuses = [r["status"] for r in answer.json()["results"]]
    assert statuses == ["stored"] * (SLICE * 2 + 1) + ["updated", "duplicate"]
    stats = ani_stats(api)["5615550100"]
    assert (stats["dials"], stats["contacts"]) == (SLICE * 2 + 1, SLICE * 2)


@pytest.mark.parametrize("digits", ["²", "٣", "1²"])
def test_digits_of_other_scripts_are_a_row_error_not_a_server_error(
    api: Api, dispos: None, digits: str
) -> None:
    # str.isdigit() accepts these, int() refuses them: the row must fail alone, naming the field.
    row = {"call_id": "u1", "campaign_id": "c123", "ani": "5615550100", "dispo": "sale",
           "prospect_phone": "5617778888", "call_datetime": "2026-11-20T10:15:00-05:00",
           "duration_s": digits}  # fmt: skip
    good = {**row, "call_id": "u2", "duration_s": 7}
    response = api.post("/dialer/results", json={"results": [row, good]})
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["status"] == "error" and "duration_s" in first["error"]["fields"]
    assert second["status"] == "stored"
