"""Dates at the ends of the calendar are refused naming the field, row by row in batches.

Regression: on the main of the time a ``call_datetime`` of ``9999-12-31 23:59:59`` or
``0001-01-01T00:00:00+14:00`` and a pause ``until`` of ``9999-12-31T23:59:59-14:00`` answered
500 on both databases (the time-zone arithmetic overflowed) and failed whole batches, while
``0001-...`` and ``1969-...`` calls were silently counted. Fails there; passes with every
moment checked against 2000-01-01 .. 9998-12-31.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, Tenant
from tests.http.test_results import seed_params
from tests.support.seed import CALL_TIME

EXTREMES = (
    "9999-12-31 23:59:59",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01 00:00:00",
    "1969-12-31 23:59:59",
    "1999-12-31T23:59:59+00:00",
)
ROW = {
    "call_id": "d0", "campaign_id": "c1", "ani": "5615550100", "dispo": "na",
    "prospect_phone": "5617778888", "call_datetime": "2026-11-20 10:15:00",
}  # fmt: skip


def test_a_batch_answers_each_extreme_date_as_its_row_error(api: Api) -> None:
    rows = [ROW] + [
        {**ROW, "call_id": f"d{i + 1}", "call_datetime": moment}
        for i, moment in enumerate(EXTREMES)
    ]
    response = api.post("/dialer/results", json={"results": rows})
    assert response.status_code == 200, response.text
    answers = response.json()["results"]
    assert [a["status"] for a in answers] == ["stored"] + ["error"] * len(EXTREMES)
    for answer in answers[1:]:
        assert "2000-01-01" in answer["error"]["fields"]["call_datetime"]
    stored = api.get("/dialer/results").json()["items"]
    assert [item["call_id"] for item in stored] == ["d0"]


@pytest.mark.parametrize("moment", EXTREMES)
def test_a_single_result_and_the_callback_refuse_it(
    api: Api, client: TestClient, tenant: Tenant, moment: str
) -> None:
    single = api.post("/dialer/results", json={**ROW, "call_datetime": moment})
    assert single.status_code == 422, single.text
    assert "call_datetime" in single.json()["error"]["fields"]
    callback = client.get("/api/595F21A2-84D1-4984-818E-3758A8485CC8.php",
                          params=seed_params(tenant, **{CALL_TIME: moment}))  # fmt: skip
    assert callback.status_code == 400, callback.text
    assert "call_datetime" in callback.json()["reason"]


def test_pauses_and_query_filters_refuse_it(api: Api) -> None:
    ani = {"country_code": "+1", "number": "5615550100", "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    for body, field in (
        ({"number": "5615550100", "until": "9999-12-31T23:59:59-14:00"}, "until"),
        ({"number": "5615550100", "until": "0001-01-01T00:00:00+14:00"}, "until"),
        ({"number": "5615550100", "date": "9999-12-31"}, "date"),
        ({"number": "5615550100", "date": "0001-01-01T00:00:00+14:00"}, "date"),
    ):
        response = api.post("/dialer/anis/pause", json=body)
        assert response.status_code == 422, response.text
        assert field in response.json()["error"]["fields"]
    for path in ("/dialer/results", "/dialer/assignments"):
        for moment in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59"):
            response = api.get(path, params={"from": moment})
            assert response.status_code == 422, (path, response.text)
            assert "from" in response.json()["error"]["fields"]
