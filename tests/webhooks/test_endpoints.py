"""/dialer/webhooks management on both databases: validation, limits, secrets, tenancy."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.support.errors import refused
from tests.webhooks.conftest import create_webhook

PATH = "/dialer/webhooks"


def test_create_shows_the_signing_secret_once(api: Api) -> None:
    first = create_webhook(api, "https://hooks.example.com/openani", description="CRM")
    assert first["signing_secret"].startswith("whsec_")
    assert first["id"].startswith("wh_")
    assert first["events"] == ["*"]
    assert first["enabled"] is True
    second = create_webhook(api, "https://hooks.example.com/other", events=["dial.batch"])
    assert second["signing_secret"] is None
    listed = api.get(PATH).json()
    assert [w["id"] for w in listed["items"]] == [first["id"], second["id"]]
    assert all("signing_secret" not in w for w in listed["items"])
    secret = api.get(f"{PATH}/secret").json()
    assert secret["secret"] is None
    assert secret["previous_valid_until"] is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hooks.example.com/x", "loopback"),
        ("http://10.0.0.5/x", "loopback"),
        ("ftp://hooks.example.com/x", "https"),
        ("https://user:pw@hooks.example.com/x", "user name or password"),
        ("https:///nohost", "https"),
        ("https://hooks.example.com:99999/x", "URL"),
        ("https://hooks.example.com/x#frag", "fragment"),
        ("not a url", "https"),
    ],
)
def test_bad_urls_are_refused_by_name(api: Api, url: str, reason: str) -> None:
    response = api.post(PATH, json={"url": url})
    assert response.status_code == 422, response.text
    assert reason in response.json()["error"]["fields"]["url"]


def test_plain_http_to_loopback_needs_development_mode(db: Database, tenant: Tenant) -> None:
    with TestClient(create_app(Settings(database_url=db.url), db)) as production:
        response = production.post(
            PATH, json={"url": "http://127.0.0.1:9/hook"}, headers=tenant.headers
        )
    assert response.status_code == 422
    assert "https" in response.json()["error"]["fields"]["url"]


def test_development_mode_allows_http_to_loopback_only(api: Api) -> None:
    for url in ("http://127.0.0.1:8000/x", "http://localhost/x", "http://[::1]:8000/x"):
        create_webhook(api, url)
    response = api.post(PATH, json={"url": "http://192.168.1.10/x"})
    assert response.status_code == 422
    assert "loopback" in response.json()["error"]["fields"]["url"]


def test_at_most_five_per_company(api: Api, other_api: Api) -> None:
    made = [create_webhook(api, f"https://hooks.example.com/{i}") for i in range(5)]
    sixth = api.post(PATH, json={"url": "https://hooks.example.com/6"})
    assert sixth.status_code == 409
    assert "at most 5" in sixth.json()["error"]["message"]
    # Another company has its own five.
    create_webhook(other_api, "https://hooks.example.com/theirs")
    # Deleting one makes room.
    assert api.delete(PATH, params={"id": made[0]["id"]}).status_code == 200
    create_webhook(api, "https://hooks.example.com/6")


def test_headers_are_write_only_and_checked(api: Api, db: Database) -> None:
    created = create_webhook(
        api, "https://hooks.example.com/x", headers={"Authorization": "Bearer t0ken"}
    )
    assert created["headers"] == {"Authorization": "***"}
    shown = api.get(PATH, params={"id": created["id"]}).json()
    assert shown["headers"] == {"Authorization": "***"}
    for name in ("Content-Type", "host", "X-OpenANI-Signature", "User-Agent"):
        refused = api.post(PATH, json={"url": "https://h.example.com/", "headers": {name: "x"}})
        assert refused.status_code == 422, name
        assert f"headers.{name}" in refused.json()["error"]["fields"]
    for bad in ({"Bad Name": "x"}, {"X-Ok": "line\r\nInjected: yes"}):
        assert (
            api.post(PATH, json={"url": "https://h.example.com/", "headers": bad}).status_code
            == 422
        )
    audit = api.get("/dialer/audit", params={"resource": "webhook"}).json()["items"]
    assert audit[0]["changes"]["headers"] == {"Authorization": "***"}
    assert "t0ken" not in str(audit)


def test_unknown_fields_and_events_are_refused(api: Api) -> None:
    unknown = api.post(PATH, json={"url": "https://h.example.com/", "colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"] == {"colour": "unknown field"}
    event = api.post(PATH, json={"url": "https://h.example.com/", "events": ["dial.typo"]})
    assert event.status_code == 422
    assert "events.0" in event.json()["error"]["fields"]
    empty = api.post(PATH, json={"url": "https://h.example.com/", "events": []})
    refused(empty, 422, "validation_error", "events")


def test_update_and_delete(api: Api) -> None:
    created = create_webhook(api, "https://hooks.example.com/x")
    updated = api.put(
        PATH, json={"id": created["id"], "enabled": False, "events": ["cap.reached"]}
    ).json()
    assert updated["enabled"] is False
    assert updated["events"] == ["cap.reached"]
    assert updated["url"] == "https://hooks.example.com/x"
    assert (
        api.put(PATH, json={"id": created["id"], "url": "http://x.example.com"}).status_code == 422
    )
    assert api.put(PATH, json={"id": "wh_nope"}).status_code == 404
    assert api.delete(PATH, json={"id": created["id"]}).status_code == 200
    assert api.get(PATH, params={"id": created["id"]}).status_code == 404
    assert api.get(PATH).json()["items"] == []


def test_rotation_shows_the_new_secret_once_and_keeps_the_old_for_the_grace(api: Api) -> None:
    first = create_webhook(api, "https://hooks.example.com/x")["signing_secret"]
    rotated = api.post(f"{PATH}/secret/rotate", json={"grace_hours": 2})
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != first
    assert body["previous_valid_until"] is not None
    info = api.get(f"{PATH}/secret").json()
    assert info["secret"] is None and info["previous_valid_until"] == body["previous_valid_until"]
    immediate = api.post(f"{PATH}/secret/rotate", json={"grace_hours": 0}).json()
    assert immediate["previous_valid_until"] is None
    refused(
        api.post(f"{PATH}/secret/rotate", json={"grace_hours": 1000}),
        422,
        "validation_error",
        "grace_hours",
    )
    assert api.post(f"{PATH}/secret/rotate").status_code == 200  # the default grace of 24 h


def test_secret_before_any_webhook_is_404(api: Api) -> None:
    assert api.get(f"{PATH}/secret").status_code == 404


def test_companies_never_see_each_others_webhooks(api: Api, other_api: Api) -> None:
    mine = create_webhook(api, "https://hooks.example.com/mine")
    assert other_api.get(PATH).json()["items"] == []
    assert other_api.get(PATH, params={"id": mine["id"]}).status_code == 404
    assert other_api.put(PATH, json={"id": mine["id"], "enabled": False}).status_code == 404
    assert other_api.delete(PATH, params={"id": mine["id"]}).status_code == 404
    assert other_api.post(f"{PATH}/test", json={"id": mine["id"]}).status_code == 404
    assert api.get(PATH, params={"id": mine["id"]}).json()["enabled"] is True


def test_webhooks_need_a_key(client: TestClient) -> None:
    assert client.get(PATH).status_code == 401
    assert client.post(PATH, json={"url": "https://h.example.com/"}).status_code == 401
    assert client.get(f"{PATH}/deliveries").status_code == 401
