"""POST /dialer/anis/health-check, GET /dialer/anis/history and the burned-number settings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.selection.burn import BurnSignal
from openani.settings import Settings
from openani.store.companies import Company
from openani.store.engine import Database
from openani.store.schema import anis
from tests.conftest import Api, Tenant

CHECK = "/dialer/anis/health-check"
HISTORY = "/dialer/anis/history"
PROSPECT = {"outbound_campaign": "c1", "prospect_phone": "2127778888"}


class FakeDetector:
    """Signals the numbers listed for a company, looked up in every company on purpose: what a
    detector returns must never reach another company's numbers."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.burned: dict[int, list[str]] = {}
        self.calls: list[datetime] = []

    def __call__(self, company: Company, now: datetime) -> tuple[int, list[BurnSignal]]:
        self.calls.append(now)
        numbers = self.burned.get(company.id, [])
        with self.db.read() as conn:
            ids = dict(
                conn.execute(
                    select(anis.c.number, anis.c.id).where(anis.c.number.in_(numbers))
                ).all()
            )
        signals = [
            BurnSignal(ids[number], dials=200, observed=4, expected=30.0, p_value=(i + 1) * 1e-6)
            for i, number in enumerate(numbers)
        ]
        return 10, signals


@pytest.fixture
def detector(db: Database) -> FakeDetector:
    return FakeDetector(db)


def _client(settings: Settings, db: Database, detector: FakeDetector) -> TestClient:
    return TestClient(create_app(settings, db, detect=detector))


@pytest.fixture
def detecting(app_settings: Settings, db: Database, detector: FakeDetector) -> Iterator[TestClient]:
    with _client(app_settings, db, detector) as client:
        yield client


@pytest.fixture
def a(detecting: TestClient, tenant: Tenant) -> Api:
    return Api(detecting, tenant)


@pytest.fixture
def b(detecting: TestClient, other_tenant: Tenant) -> Api:
    return Api(detecting, other_tenant)


def numbers(count: int) -> list[str]:
    return [f"21255501{i:02d}" for i in range(count)]


def setup(api: Api, count: int) -> list[str]:
    # Resting is what most of these tests are about; the company default is recommend.
    assert api.put("/dialer/settings", json={"automation": "auto"}).status_code == 200
    campaign = {"id": "c1", "name": "C", "type": "Outbound"}
    assert api.post("/dialer/campaigns", json=campaign).status_code == 201
    for number in numbers(count):
        body = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
        assert api.post("/dialer/anis", json=body).status_code == 201
    return numbers(count)


def check(api: Api, **headers: str) -> dict[str, Any]:
    response = api.post(CHECK, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def chosen(api: Api, calls: int, **headers: str) -> set[str]:
    picked = set()
    for _ in range(calls):
        response = api.post("/dialer/next", json=PROSPECT, headers=headers)
        assert response.status_code == 200, response.text
        picked.add(response.json()["ani"])
    return picked


def test_auto_rests_a_burned_number_and_next_never_chooses_it(
    a: Api, detector: FakeDetector, tenant: Tenant
) -> None:
    pool = setup(a, 5)  # 20% of 5: one may rest
    detector.burned[tenant.company.id] = [pool[0]]
    before = datetime.now(UTC)
    report = check(a)
    assert report["automation"] == "auto"
    assert report["checked"] == 10
    assert report["signals"] == [
        {
            "number": pool[0],
            "country_code": "+1",
            "dials": 200,
            "observed": 4,
            "expected": 30.0,
            "p_value": 1e-6,
            "reason": report["signals"][0]["reason"],
        }
    ]
    assert "4 contacts on 200 recent dials" in report["signals"][0]["reason"]
    assert [(c["number"], c["from"], c["to"]) for c in report["changes"]] == [
        (pool[0], "active", "resting")
    ]

    ani = a.get("/dialer/anis", params={"number": pool[0]}).json()
    assert ani["status"] == "resting"
    until = datetime.fromisoformat(ani["paused_until"])
    assert before + timedelta(days=7) <= until <= datetime.now(UTC) + timedelta(days=7)
    assert ani["status_reason"] == report["changes"][0]["reason"]
    assert datetime.fromisoformat(ani["status_changed_at"]) >= before
    untouched = a.get("/dialer/anis", params={"number": pool[1]}).json()
    assert (untouched["status_reason"], untouched["status_changed_at"]) == (None, None)
    resting = a.get("/dialer/anis", params={"status": "resting"}).json()["items"]
    assert [item["number"] for item in resting] == [pool[0]]

    assert chosen(a, 12) == set(pool[1:])


def test_recommend_flags_and_keeps_the_number_in_rotation(
    a: Api, detector: FakeDetector, tenant: Tenant
) -> None:
    pool = setup(a, 2)
    assert a.put("/dialer/settings", json={"automation": "recommend"}).status_code == 200
    detector.burned[tenant.company.id] = [pool[0]]
    report = check(a)
    assert report["automation"] == "recommend"
    assert [(c["number"], c["from"], c["to"]) for c in report["changes"]] == [
        (pool[0], "active", "suspected_label")
    ]
    assert a.get("/dialer/anis", params={"number": pool[0]}).json()["status"] == "suspected_label"
    assert chosen(a, 4) == set(pool)


def test_no_more_than_the_resting_share_rests(
    a: Api, detector: FakeDetector, tenant: Tenant
) -> None:
    pool = setup(a, 10)
    assert a.put("/dialer/settings", json={"max_resting_share": 0.2}).status_code == 200
    detector.burned[tenant.company.id] = pool[:4]
    changes = check(a)["changes"]
    assert [(c["number"], c["to"]) for c in changes] == [
        (pool[0], "resting"),
        (pool[1], "resting"),
        (pool[2], "suspected_label"),
        (pool[3], "suspected_label"),
    ]
    for change in changes[2:]:
        assert "rest deferred: 2 of 10 numbers already resting" in change["reason"]


def test_a_rest_that_ended_is_probation_and_selectable_again(
    app_settings: Settings, db: Database, detector: FakeDetector, tenant: Tenant
) -> None:
    with _client(replace(app_settings, simulated_clock=True), db, detector) as client:
        api = Api(client, tenant)
        pool = setup(api, 2)
        assert api.put("/dialer/settings", json={"max_resting_share": 0.5}).status_code == 200
        detector.burned[tenant.company.id] = [pool[0]]
        start = "2026-03-02T15:00:00+00:00"
        report = check(api, **{"X-Simulated-Time": start})
        assert detector.calls == [datetime(2026, 3, 2, 15, tzinfo=UTC)]
        assert report["changes"][0]["to"] == "resting"
        # The rest ends seven simulated days later (GET /dialer/anis reads the real clock, by
        # which it has long ended: it shows probation since then).
        ani = api.get("/dialer/anis", params={"number": pool[0]}).json()
        assert (ani["status"], ani["status_changed_at"]) == (
            "probation",
            "2026-03-09T15:00:00+00:00",
        )

        during = {"X-Simulated-Time": "2026-03-05T15:00:00+00:00"}
        assert chosen(api, 6, **during) == {pool[1]}
        detector.burned.clear()
        after = {"X-Simulated-Time": "2026-03-10T15:00:00+00:00"}
        assert chosen(api, 4, **after) == set(pool)
        report = check(api, **after)
        assert [(c["from"], c["to"]) for c in report["changes"]] == [("resting", "probation")]
        history = api.get(HISTORY, params={"number": pool[0]}).json()["items"]
        assert [(h["to"], h["at"]) for h in history] == [
            ("probation", "2026-03-09T15:00:00+00:00"),
            ("resting", start),
        ]
        # Three simulated days of probation without a signal: active.
        report = check(api, **{"X-Simulated-Time": "2026-03-12T16:00:00+00:00"})
        assert [(c["from"], c["to"]) for c in report["changes"]] == [("probation", "active")]

        bad = api.post(CHECK, headers={"X-Simulated-Time": "next week"})
        assert bad.status_code == 422
        assert "X-Simulated-Time" in bad.json()["error"]["fields"]


def test_history_lists_manual_and_detector_changes_newest_first(
    a: Api, detector: FakeDetector, tenant: Tenant
) -> None:
    pool = setup(a, 10)
    key_id = tenant.api_key.split("_")[1]
    assert a.post("/dialer/anis/pause", json={"number": pool[1]}).status_code == 200
    assert a.post("/dialer/anis/activate", json={"number": pool[1]}).status_code == 200
    a.post("/dialer/anis/activate", json={"number": pool[2]})  # already active: no change
    detector.burned[tenant.company.id] = [pool[0]]
    check(a)
    activated = a.post("/dialer/anis/activate", json={"number": pool[0]}).json()
    assert (activated["status"], activated["status_reason"]) == ("active", "activated by hand")

    items = a.get(HISTORY).json()["items"]
    assert [(h["number"], h["from"], h["to"], h["actor"]) for h in items] == [
        (pool[0], "resting", "active", key_id),
        (pool[0], "active", "resting", "detector"),
        (pool[1], "paused", "active", key_id),
        (pool[1], "active", "paused", key_id),
    ]
    assert items[3]["reason"] == "paused by hand"
    assert all(h["country_code"] == "+1" and h["at"] for h in items)

    only = a.get(HISTORY, params={"number": f"({pool[1][:3]}) {pool[1][3:6]}-{pool[1][6:]}"})
    assert [h["to"] for h in only.json()["items"]] == ["active", "paused"]
    first = a.get(HISTORY, params={"limit": 3}).json()
    assert len(first["items"]) == 3
    rest = a.get(HISTORY, params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [h["to"] for h in rest["items"]] == ["paused"]
    assert rest["next_cursor"] is None

    assert a.get(HISTORY, params={"number": "2125559999"}).json()["items"] == []
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"cursor": "abc"}, "cursor"),
        ({"country_code": "+33"}, "country_code"),
        ({"status": "resting"}, "status"),
    ):
        refused = a.get(HISTORY, params=params)
        assert refused.status_code == 422, params
        assert field in refused.json()["error"]["fields"], params


def test_companies_never_see_or_change_each_others_numbers(
    a: Api, b: Api, detector: FakeDetector, tenant: Tenant, other_tenant: Tenant
) -> None:
    pool = setup(a, 5)
    a.post("/dialer/anis/pause", json={"number": pool[2]})
    detector.burned[tenant.company.id] = [pool[0]]
    check(a)
    # B's detector names A's number: B's check must not touch it nor report it.
    detector.burned[other_tenant.company.id] = [pool[1]]
    report = check(b)
    assert (report["signals"], report["changes"]) == ([], [])
    assert a.get("/dialer/anis", params={"number": pool[1]}).json()["status"] == "active"
    assert b.get(HISTORY).json() == {"items": [], "next_cursor": None}
    assert b.get(HISTORY, params={"number": pool[0]}).json()["items"] == []
    assert len(a.get(HISTORY).json()["items"]) == 2


def test_burned_number_settings(a: Api) -> None:
    settings = a.get("/dialer/settings").json()
    assert {k: settings[k] for k in ("automation", "rest_days", "max_resting_share")} == {
        "automation": "recommend",
        "rest_days": 7,
        "max_resting_share": 0.2,
    }
    assert settings["probation_days"] == 3
    changed = a.put(
        "/dialer/settings",
        json={
            "automation": "recommend",
            "rest_days": 30,
            "max_resting_share": 1,
            "probation_days": 0,
        },
    )
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("automation", "rest_days", "probation_days")} == {
        "automation": "recommend",
        "rest_days": 30,
        "probation_days": 0,
    }
    assert changed.json()["max_resting_share"] == 1.0
    for body in (
        {"automation": "sometimes"},
        {"rest_days": 0},
        {"rest_days": "7"},
        {"max_resting_share": 1.5},
        {"max_resting_share": -0.1},
        {"probation_days": -1},
        {"automation": None},
    ):
        refused = a.put("/dialer/settings", json=body)
        assert refused.status_code == 422, body
        assert set(refused.json()["error"]["fields"]) == set(body), refused.text
    assert a.get("/dialer/settings").json()["automation"] == "recommend"


def test_the_ani_status_filter_names_every_status(a: Api) -> None:
    setup(a, 1)
    for status in ("active", "paused", "suspected_label", "resting", "probation"):
        assert a.get("/dialer/anis", params={"status": status}).status_code == 200
    refused = a.get("/dialer/anis", params={"status": "burned"})
    assert refused.status_code == 422
    assert "resting" in refused.json()["error"]["fields"]["status"]


def test_openapi_documents_the_endpoints(detecting: TestClient) -> None:
    document = detecting.get("/openapi.json").json()
    assert set(document["paths"][CHECK]) == {"post"}
    assert document["paths"][HISTORY]["get"]["security"] == [{"ApiKey": []}]
    schemas = document["components"]["schemas"]
    assert "from" in schemas["StatusHistoryEntry"]["properties"]
    assert set(schemas["Ani"]["properties"]["status"]["enum"]) == {
        "active",
        "paused",
        "suspected_label",
        "resting",
        "probation",
    }
    assert {"automation", "rest_days", "max_resting_share", "probation_days"} <= set(
        schemas["CompanySettingsUpdate"]["properties"]
    )
