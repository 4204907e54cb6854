"""Company B can neither read, list, update nor delete company A's objects by any identifier."""

from __future__ import annotations

import pytest

from tests.conftest import Api

OBJECTS = [
    ("/dialer/campaigns", {"id": "c123", "name": "Sales 2025", "type": "Outbound"}, "id", "c123"),
    (
        "/dialer/dispos",
        {"id": "d1", "name": "Sale Closed", "type": "Agent", "contact": True, "success": True},
        "id",
        "d1",
    ),
    (
        "/dialer/anis",
        {"country_code": "+1", "number": "5617778888", "inbound_group_id": "ing1"},
        "number",
        "5617778888",
    ),
]


@pytest.mark.parametrize(("path", "body", "key", "value"), OBJECTS)
def test_other_company_cannot_touch(
    api: Api, other_api: Api, path: str, body: dict[str, object], key: str, value: str
) -> None:
    assert api.post(path, json=body).status_code == 201
    original = api.get(path, params={key: value}).json()

    assert other_api.get(path, params={key: value}).status_code == 404
    assert other_api.get(path, json={key: value}).status_code == 404
    assert other_api.get(path).json()["items"] == []
    assert other_api.put(path, json={key: value, **_harmless_change(path)}).status_code == 404
    assert other_api.delete(path, params={key: value}).status_code == 404
    assert other_api.delete(path, json={key: value}).status_code == 404

    assert api.get(path, params={key: value}).json() == original


@pytest.mark.parametrize(("path", "body", "key", "value"), OBJECTS)
def test_same_identifiers_live_side_by_side(
    api: Api, other_api: Api, path: str, body: dict[str, object], key: str, value: str
) -> None:
    assert api.post(path, json=body).status_code == 201
    assert other_api.post(path, json=body).status_code == 201
    assert other_api.delete(path, params={key: value}).status_code == 200
    assert api.get(path, params={key: value}).status_code == 200
    assert len(api.get(path).json()["items"]) == 1


def _harmless_change(path: str) -> dict[str, object]:
    if path.endswith("anis"):
        return {"carrier_id": "stolen"}
    return {"name": "stolen"}
