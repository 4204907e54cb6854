"""X-ApiKey on every /dialer endpoint; health endpoints need none."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from openani import tenancy
from openani.store import companies as company_store
from openani.store.engine import Database
from tests.conftest import Tenant

ENDPOINTS = [
    ("POST", "/dialer/campaigns"),
    ("PUT", "/dialer/campaigns"),
    ("GET", "/dialer/campaigns"),
    ("DELETE", "/dialer/campaigns"),
    ("POST", "/dialer/dispos"),
    ("GET", "/dialer/dispos"),
    ("POST", "/dialer/anis"),
    ("GET", "/dialer/anis"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_missing_key_is_401(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, json={"id": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("key", ["nonsense", "oak_0000000000000000_secret", "oak_short_secret", ""])
def test_unknown_key_is_401(client: TestClient, key: str) -> None:
    response = client.get("/dialer/campaigns", headers={"X-ApiKey": key})
    assert response.status_code == 401


def test_wrong_secret_for_a_real_key_id_is_401(client: TestClient, tenant: Tenant) -> None:
    key_id = tenant.api_key.split("_")[1]
    response = client.get("/dialer/campaigns", headers={"X-ApiKey": f"oak_{key_id}_wrong"})
    assert response.status_code == 401


def test_revoked_key_is_401_and_other_keys_keep_working(
    client: TestClient, db: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Revocation happens in another process (the CLI); a server notices within KEY_CACHE_S.
    monkeypatch.setattr(tenancy, "KEY_CACHE_S", 0.0)
    with db.write() as conn:
        second = company_store.create_api_key(conn, tenant.company)
    assert client.get("/dialer/campaigns", headers=tenant.headers).status_code == 200
    with db.write() as conn:
        assert company_store.revoke_api_key(conn, tenant.api_key.split("_")[1])
    assert client.get("/dialer/campaigns", headers=tenant.headers).status_code == 401
    assert (
        client.get("/dialer/campaigns", headers={"X-ApiKey": second.plaintext}).status_code == 200
    )


def test_last_used_at_is_recorded(client: TestClient, db: Database, tenant: Tenant) -> None:
    client.get("/dialer/campaigns", headers=tenant.headers)
    with db.read() as conn:
        (record,) = company_store.list_api_keys(conn, tenant.company)
    assert record.last_used_at is not None


def test_health_needs_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}


def test_unknown_path_and_method_use_the_error_shape(client: TestClient, tenant: Tenant) -> None:
    missing = client.get("/dialer/nothing", headers=tenant.headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = client.patch("/dialer/campaigns", headers=tenant.headers)
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


def test_revocation_reaches_a_running_server_within_the_cache_period(
    client: TestClient, db: Database, tenant: Tenant
) -> None:
    assert client.get("/dialer/campaigns", headers=tenant.headers).status_code == 200
    with db.write() as conn:
        assert company_store.revoke_api_key(conn, tenant.api_key.split("_")[1])
    time.sleep(tenancy.KEY_CACHE_S + 0.1)
    assert client.get("/dialer/campaigns", headers=tenant.headers).status_code == 401
