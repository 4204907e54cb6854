"""The audit log records which key changed what; keys rotate without downtime."""

from __future__ import annotations

from starlette.testclient import TestClient

from openani.store import companies as company_store
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.support.errors import refused


def test_changes_are_recorded_with_the_key_that_made_them(
    api: Api, other_api: Api, client: TestClient, db: Database, tenant: Tenant
) -> None:
    api.post("/dialer/campaigns", json={"id": "c1", "name": "One", "type": "Outbound"})
    api.put("/dialer/campaigns", json={"id": "c1", "name": "Uno"})
    api.post(
        "/dialer/anis", json={"country_code": "+1", "number": "2125550101", "inbound_group_id": "g"}
    )
    api.post("/dialer/anis/pause", json={"number": "2125550101"})
    api.put("/dialer/settings", json={"daily_cap": 50})
    with db.write() as conn:
        second = company_store.create_api_key(conn, tenant.company)
    client.delete("/dialer/campaigns", params={"id": "c1"}, headers={"X-ApiKey": second.plaintext})
    api.get("/dialer/campaigns")  # reads are not audited

    entries = api.get("/dialer/audit").json()["items"]
    first_key = tenant.api_key.split("_")[1]
    assert [(e["action"], e["resource"], e["id"], e["key_id"]) for e in entries] == [
        ("delete", "campaign", "c1", second.key_id),
        ("update", "settings", None, first_key),
        ("pause", "ani", "2125550101", first_key),
        ("create", "ani", "2125550101", first_key),
        ("update", "campaign", "c1", first_key),
        ("create", "campaign", "c1", first_key),
    ]
    assert entries[4]["changes"] == {"id": "c1", "name": "Uno"}
    assert entries[1]["changes"] == {"daily_cap": 50}
    assert other_api.get("/dialer/audit").json()["items"] == []


def test_audit_paging_and_filters(api: Api) -> None:
    for i in range(3):
        api.post("/dialer/campaigns", json={"id": f"c{i}", "name": "C", "type": "Outbound"})
    api.put("/dialer/settings", json={"hourly_cap": 9})
    first = api.get("/dialer/audit", params={"resource": "campaign", "limit": 2}).json()
    assert [e["id"] for e in first["items"]] == ["c2", "c1"]
    rest = api.get("/dialer/audit", params={"resource": "campaign", "cursor": first["next_cursor"]})
    assert [e["id"] for e in rest.json()["items"]] == ["c0"]
    refused(
        api.get("/dialer/audit", params={"resource": "nope"}), 422, "validation_error", "resource"
    )


def test_key_rotation_without_downtime(client: TestClient, db: Database, tenant: Tenant) -> None:
    with db.write() as conn:
        new = company_store.create_api_key(conn, tenant.company)
    # Both keys work while the dialers are moved over...
    for key in (tenant.api_key, new.plaintext):
        assert client.get("/dialer/campaigns", headers={"X-ApiKey": key}).status_code == 200
    with db.write() as conn:
        assert company_store.revoke_api_key(conn, tenant.api_key.split("_")[1])
    # ...and the new one keeps working after the old one is revoked.
    assert client.get("/dialer/campaigns", headers={"X-ApiKey": new.plaintext}).status_code == 200
