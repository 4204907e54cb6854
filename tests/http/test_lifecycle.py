"""The lifecycle of a number over HTTP on both databases: remediation with its cooldown,
pauses with a note and a start date, activation on a date, the anchor's {"ani": ...} bodies."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from openani.assign import snapshot
from openani.http.app import create_app
from openani.lifecycle.service import apply_due
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.http.test_next_ani import add_ani, add_campaign
from tests.support.errors import refused


def history(api: Api, number: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get("/dialer/anis/history", params={"number": number}).json()[
        "items"
    ]
    return items


def audit(api: Api) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.get("/dialer/audit", params={"resource": "ani"}).json()[
        "items"
    ]
    return items


def test_remediation_and_its_30_day_cooldown(api: Api, other_api: Api) -> None:
    add_ani(api, "5615550100")
    add_ani(api, "5615550101")
    first = api.post(
        "/dialer/anis/remediate", json={"ani": "5615550100", "carrier": "carr1", "note": "Hiya"}
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["number"], body["carrier"], body["note"]) == ("5615550100", "carr1", "Hiya")
    requested = datetime.fromisoformat(body["requested_at"])
    assert datetime.fromisoformat(body["next_allowed_at"]) - requested == timedelta(days=30)
    again = api.post("/dialer/anis/remediate", json={"number": "561-555-0100", "carrier": "x"})
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "remediation_cooldown"
    assert "30 days" in error["message"] and body["next_allowed_at"][:10] in error["message"]
    # Another number is not held back; neither is another company's number of the same digits.
    assert (
        api.post("/dialer/anis/remediate", json={"ani": "5615550101", "carrier": "c"}).status_code
        == 201
    )
    add_ani(other_api, "5615550100")
    assert (
        other_api.post(
            "/dialer/anis/remediate", json={"ani": "5615550100", "carrier": "c"}
        ).status_code
        == 201
    )
    entry = history(api, "5615550100")[0]
    assert (entry["from"], entry["to"]) == ("active", "active")
    assert entry["reason"] == "remediation requested from carrier carr1: Hiya"
    assert audit(api)[0]["action"] == "remediate"
    listed = api.get("/dialer/anis/remediations", params={"number": "5615550100"}).json()["items"]
    assert [(r["carrier"], r["note"]) for r in listed] == [("carr1", "Hiya")]
    assert other_api.get("/dialer/anis/remediations").json()["items"][0]["carrier"] == "c"
    assert len(api.get("/dialer/anis/remediations").json()["items"]) == 2


def test_remediation_input_is_checked(api: Api) -> None:
    add_ani(api, "5615550100")
    missing = api.post("/dialer/anis/remediate", json={"ani": "5615550100"})
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"] == {"carrier": "is required"}
    neither = api.post("/dialer/anis/remediate", json={"carrier": "c"})
    assert neither.json()["error"]["fields"] == {"number": "is required (or ani)"}
    both = api.post("/dialer/anis/remediate", json={"carrier": "c", "ani": "1", "number": "2"})
    assert "ani" in both.json()["error"]["fields"]
    unknown = api.post("/dialer/anis/remediate", json={"ani": "5615550199", "carrier": "c"})
    assert unknown.status_code == 404


def test_pause_now_with_a_note_and_the_ani_form(api: Api) -> None:
    add_ani(api, "5615550100")
    paused = api.post("/dialer/anis/pause", json={"ani": "5615550100", "note": "carrier ticket 7"})
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused"
    assert paused.json()["status_reason"] == "paused by hand: carrier ticket 7"
    assert history(api, "5615550100")[0]["reason"] == "paused by hand: carrier ticket 7"
    activated = api.post("/dialer/anis/activate", json={"ani": "5615550100", "note": "fixed"})
    assert activated.json()["status"] == "active"
    assert history(api, "5615550100")[0]["reason"] == "activated by hand: fixed"


def test_a_pause_with_a_future_date_is_scheduled(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The schedule is applied as if by another process, whose changes reach this one's
    # snapshot at its next version check.
    monkeypatch.setattr(snapshot, "VERSION_CHECK_S", 0.0)
    add_campaign(api)
    add_ani(api, "5615550100")
    start = datetime.now(UTC) + timedelta(hours=2)
    until = start + timedelta(days=1)
    answer = api.post(
        "/dialer/anis/pause",
        json={"ani": "5615550100", "date": start.isoformat(), "until": until.isoformat(),
              "note": "weekend"},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "active"  # not yet
    scheduled = body["scheduled"]
    assert scheduled["action"] == "pause" and scheduled["note"] == "weekend"
    assert datetime.fromisoformat(scheduled["at"]) == start.replace(microsecond=start.microsecond)
    assert audit(api)[0]["action"] == "sched_pause"
    pending = api.get("/dialer/anis/scheduled").json()["items"]
    assert [p["id"] for p in pending] == [scheduled["id"]]
    # Still chosen before the date.
    ask = {"outbound_campaign": "c123", "prospect_phone": "5617778888"}
    assert api.post("/dialer/next", json=ask).status_code == 200
    assert apply_due(db, datetime.now(UTC)) == 0
    assert apply_due(db, start + timedelta(seconds=1)) == 1
    now_paused = api.get("/dialer/anis", params={"number": "5615550100"}).json()
    assert now_paused["status"] == "paused"
    assert datetime.fromisoformat(now_paused["paused_until"]) == until
    assert history(api, "5615550100")[0]["reason"].endswith(": weekend")
    assert history(api, "5615550100")[0]["to"] == "paused"
    assert api.get("/dialer/anis/scheduled").json()["items"] == []
    assert api.get("/dialer/anis/scheduled", params={"state": "all"}).json()["items"][0][
        "applied_at"
    ]
    assert api.post("/dialer/next", json=ask).status_code == 404
    # Applied once, even if every process runs the timer.
    assert apply_due(db, start + timedelta(seconds=2)) == 0


def test_activation_on_a_future_date(api: Api, db: Database, tenant: Tenant) -> None:
    add_ani(api, "5615550100")
    api.post("/dialer/anis/pause", json={"number": "5615550100"})
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    answer = api.post("/dialer/anis/activate", json={"ani": "5615550100", "date": tomorrow})
    assert answer.json()["status"] == "paused"
    at = datetime.fromisoformat(answer.json()["scheduled"]["at"])
    # A date alone is midnight in the company's time zone (America/New_York by default).
    assert at.hour in (4, 5) and at.minute == 0
    assert apply_due(db, at + timedelta(seconds=1)) == 1
    assert api.get("/dialer/anis", params={"number": "5615550100"}).json()["status"] == "active"
    assert history(api, "5615550100")[0]["reason"] == "scheduled activation"


def test_scheduled_changes_can_be_cancelled(api: Api, other_api: Api, db: Database) -> None:
    add_ani(api, "5615550100")
    start = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    scheduled = api.post("/dialer/anis/pause", json={"ani": "5615550100", "date": start}).json()[
        "scheduled"
    ]
    assert (
        other_api.delete("/dialer/anis/scheduled", params={"id": scheduled["id"]}).status_code
        == 404
    )
    cancelled = api.delete("/dialer/anis/scheduled", params={"id": scheduled["id"]})
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled_at"] is not None
    refused(api.delete("/dialer/anis/scheduled", params={"id": scheduled["id"]}), 409, "conflict")
    assert apply_due(db, datetime.now(UTC) + timedelta(hours=2)) == 0
    assert api.get("/dialer/anis", params={"number": "5615550100"}).json()["status"] == "active"


def test_bad_dates_are_refused_by_name(api: Api) -> None:
    add_ani(api, "5615550100")
    bad = api.post("/dialer/anis/pause", json={"ani": "5615550100", "date": "next tuesday"})
    assert bad.status_code == 422
    assert "ISO 8601" in bad.json()["error"]["fields"]["date"]
    start = datetime.now(UTC) + timedelta(hours=3)
    before = api.post(
        "/dialer/anis/pause",
        json={"ani": "5615550100", "date": start.isoformat(),
              "until": (start - timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    assert before.status_code == 422
    assert before.json()["error"]["fields"] == {"until": "must be after the pause starts"}


def test_the_timer_applies_a_schedule(db: Database, tenant: Tenant) -> None:
    settings = Settings(database_url=db.url, schedule_check_s=0.05, health_check_s=0)
    with TestClient(create_app(settings, db)) as client:
        api = Api(client, tenant)
        add_ani(api, "5615550100")
        soon = (datetime.now(UTC) + timedelta(seconds=0.3)).isoformat()
        api.post("/dialer/anis/pause", json={"ani": "5615550100", "date": soon})
        deadline = time.monotonic() + 60
        while api.get("/dialer/anis", params={"number": "5615550100"}).json()["status"] != "paused":
            assert time.monotonic() < deadline, "the scheduled pause was never applied"
            time.sleep(0.05)
