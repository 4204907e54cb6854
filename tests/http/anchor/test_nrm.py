"""/nrm/anis, /nrm/pause, /nrm/activate and /nrm/remediate as the anchor's SDKs send them, on
both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.conftest import Api
from tests.http.anchor.conftest import Sdk
from tests.http.anchor.test_dials import record
from tests.http.test_next_ani import add_ani, add_campaign

ENVELOPE = {
    "result": str,
    "count": int,
    "total_anis": int,
    "can_next_page": bool,
    "can_prev_page": bool,
    "total_pages": int,
    "data": list,
}
NUMBERS = {
    "frequencyAssigned", "frequencyDialed", "frequencyContacted", "last30DaysDials",
    "last30DaysContacts", "contactRate", "successRate", "blockRate", "noAnswerRate",
}  # fmt: skip
TEXTS = {"phone", "statusLabel", "createdAt", "dateInventoried"}
OPTIONAL_TEXTS = {"brand", "campaignName", "areaCode", "region", "state", "locality",
                  "dateLastDialed", "dateActivated", "dateDeactivated"}  # fmt: skip


def assert_page(answer: dict[str, Any]) -> None:
    """The SDK's NrmListAnisResponse and NrmAni types, as the .NET SDK's strict reader needs."""
    for name, kind in ENVELOPE.items():
        assert isinstance(answer[name], kind), name
        assert kind is bool or not isinstance(answer[name], bool), name
    assert answer["count"] == len(answer["data"])
    for row in answer["data"]:
        assert isinstance(row["id"], int | str)
        assert isinstance(row["status"], int | str)
        for name in NUMBERS:
            assert isinstance(row[name], int | float) and not isinstance(row[name], bool), name
        for name in TEXTS:
            assert isinstance(row[name], str), name
        for name in OPTIONAL_TEXTS:
            assert row[name] is None or isinstance(row[name], str), name


def test_list_anis_with_their_figures(api: Api, sdk: Sdk) -> None:
    add_campaign(api, "abc-123")
    add_ani(api, "5615550100", brand_name="Acme", is_branded=True)
    add_ani(api, "5615550101")
    add_ani(api, "3055550100")
    api.post(
        "/dialer/dispos",
        json={"id": "d-1", "name": "Sale", "type": "Agent", "contact": True, "success": True},
    )
    for prospect in ("5615559000", "5615559001"):
        sdk.ok("POST", "/assignment", {"prospect_phone": prospect, "dialer_campaign": "abc-123"})
    sdk.ok("POST", "/dials", record())
    sdk.ok("POST", "/dials", record(dial_id="2", disposition_name="No Answer"))
    old = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%d 10:00:00")
    sdk.ok("POST", "/dials", record(dial_id="3", datetime=old))

    answer = sdk.ok("GET", "/nrm/anis")
    assert_page(answer)
    assert (answer["result"], answer["count"], answer["total_anis"]) == ("success", 3, 3)
    assert (answer["total_pages"], answer["can_next_page"], answer["can_prev_page"]) == (
        1,
        False,
        False,
    )
    rows = {row["phone"]: row for row in answer["data"]}
    row = rows["5615550100"]
    assert (row["brand"], row["status"], row["statusLabel"]) == ("Acme", "active", "Active")
    assert (row["areaCode"], row["state"]) == ("561", "FL")
    # Two dials in the last 30 days (one a contact and a sale), three in all.
    assert (row["last30DaysDials"], row["last30DaysContacts"]) == (2, 1)
    assert (row["frequencyDialed"], row["frequencyContacted"]) == (3, 2)
    assert (row["contactRate"], row["successRate"]) == (50.0, 100.0)
    assert row["dateLastDialed"] is not None and row["dateDeactivated"] is None
    assert sum(r["frequencyAssigned"] for r in answer["data"]) == 2
    assert rows["3055550100"]["contactRate"] == 0.0 and rows["3055550100"]["dateLastDialed"] is None


def test_pages_and_prefix(api: Api, sdk: Sdk) -> None:
    for last in range(5):
        add_ani(api, f"561555010{last}")
    add_ani(api, "3055550100")
    first = sdk.ok("GET", "/nrm/anis", page=1, page_size=2, number="561")
    assert_page(first)
    assert (first["count"], first["total_anis"], first["total_pages"]) == (2, 5, 3)
    assert (first["can_next_page"], first["can_prev_page"]) == (True, False)
    last = sdk.ok("GET", "/nrm/anis", page=3, page_size=2, number="561")
    assert (last["count"], last["can_next_page"], last["can_prev_page"]) == (1, False, True)
    seen = [
        r["phone"]
        for p in (1, 2, 3)
        for r in sdk.ok("GET", "/nrm/anis", page=p, page_size=2, number="561")["data"]
    ]
    assert sorted(seen) == [f"561555010{i}" for i in range(5)]
    beyond = sdk.ok("GET", "/nrm/anis", page=9, page_size=2)
    assert (beyond["count"], beyond["data"], beyond["can_prev_page"]) == (0, [], True)
    for query in (
        {"page_size": "1001"},
        {"page": "0"},
        {"page": "9" * 30},
        {"number": "56x"},
        {"limit": "5"},
    ):
        response = sdk.send("GET", "/nrm/anis", None, query)
        assert response.status_code == 422, query
        assert set(response.json()["error"]["fields"]) == set(query)


def test_pause_and_activate(api: Api, sdk: Sdk) -> None:
    add_ani(api, "5615550100")
    paused = sdk.ok("POST", "/nrm/pause", {"ani": "5615550100", "note": "spam flagged"})
    assert paused == {"status": "paused", "ani": "5615550100"}
    (row,) = sdk.ok("GET", "/nrm/anis")["data"]
    assert (row["status"], row["statusLabel"]) == ("paused", "Paused")
    assert row["dateDeactivated"] is not None and row["dateActivated"] is None
    history = api.get("/dialer/anis/history", params={"number": "5615550100"}).json()["items"]
    assert "spam flagged" in history[0]["reason"]
    later = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    scheduled = sdk.ok("POST", "/nrm/activate", {"ani": "5615550100", "date": later})
    assert (scheduled["status"], scheduled["ani"]) == ("active", "5615550100")
    assert scheduled["scheduled"]["action"] == "activate" and later in scheduled["message"]
    now = sdk.ok("POST", "/nrm/activate", {"ani": "5615550100", "date": "2020-01-01"})
    assert now == {"status": "active", "ani": "5615550100"}
    (row,) = sdk.ok("GET", "/nrm/anis")["data"]
    assert row["status"] == "active" and row["dateActivated"] is not None
    with_carrier = sdk.ok("POST", "/nrm/pause", {"ani": "5615550100", "carrier": "130077"})
    assert with_carrier["status"] == "paused"
    history = api.get("/dialer/anis/history", params={"number": "5615550100"}).json()["items"]
    assert "carrier 130077" in history[0]["reason"]


def test_remediate_and_its_cooldown(api: Api, sdk: Sdk) -> None:
    add_ani(api, "5615550100", carrier_id="carr9")
    add_ani(api, "5615550101")
    first = sdk.ok("POST", "/nrm/remediate", {"ani": "5615550100", "carrier": "130077"})
    assert (first["status"], first["ani"], first["carrier"]) == (
        "received request",
        "5615550100",
        "130077",
    )
    again = sdk.ok("POST", "/nrm/remediate", {"ani": "5615550100", "note": "still flagged"})
    assert again["status"] == "within cooldown" and "30 days" in again["message"]
    assert again["next_allowed_at"][:10] == first["next_allowed_at"][:10]
    # Without a carrier: the number's carrier_id, else unspecified.
    other = sdk.ok("POST", "/nrm/remediate", {"ani": "5615550101"})
    assert other["carrier"] == "unspecified"
    listed = api.get("/dialer/anis/remediations").json()["items"]
    assert sorted(r["carrier"] for r in listed) == ["130077", "unspecified"]


def test_refusals(api: Api, sdk: Sdk, other_sdk: Sdk) -> None:
    add_ani(api, "5615550100")
    for path in ("/nrm/pause", "/nrm/activate", "/nrm/remediate"):
        unknown = other_sdk.send(
            "POST",
            path,
            {"ani": "5615550100", "date": "2020-01-01"}
            if path != "/nrm/remediate"
            else {"ani": "5615550100"},
        )
        assert unknown.status_code == 404, path
        assert unknown.json()["success"] is False and unknown.json()["message"]
        empty = sdk.send("POST", path, {})
        assert empty.status_code == 422 and empty.json()["success"] is False
    bad_date = sdk.send("POST", "/nrm/pause", {"ani": "5615550100", "date": "someday"})
    assert bad_date.status_code == 422 and "date" in bad_date.json()["error"]["fields"]
    assert other_sdk.ok("GET", "/nrm/anis")["total_anis"] == 0
