"""Campaigns: the seed's examples verbatim, then every rule and error path."""

from __future__ import annotations

from tests.conftest import Api
from tests.support.errors import refused as assert_refused

PATH = "/dialer/campaigns"


def test_seed_examples_verbatim(api: Api) -> None:
    created = api.post(PATH, json={"id": "c123", "name": "Sales 2025", "type": "Outbound"})
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "c123"
    assert created.json()["name"] == "Sales 2025"
    assert created.json()["type"] == "Outbound"
    assert created.json()["inbound_pool_id"] is None

    updated = api.put(PATH, json={"id": "c123", "name": "Something Else"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Something Else"
    assert updated.json()["type"] == "Outbound"  # absent fields stay

    got = api.get(PATH, content=b'{ "id": "c123" }', headers={"Content-Type": "application/json"})
    assert got.status_code == 200
    assert got.json()["name"] == "Something Else"

    deleted = api.delete(
        PATH, content=b'{ "id": "c123" }', headers={"Content-Type": "application/json"}
    )
    assert deleted.status_code == 200
    assert deleted.json()["id"] == "c123"
    assert deleted.json()["deleted_at"] is not None
    assert api.get(PATH, params={"id": "c123"}).status_code == 404


def test_query_string_identifier(api: Api) -> None:
    api.post(PATH, json={"id": "c1", "name": "One", "type": "Blended", "inbound_pool_id": "ing1"})
    got = api.get(PATH, params={"id": "c1"})
    assert got.status_code == 200
    assert got.json()["inbound_pool_id"] == "ing1"
    assert api.delete(PATH, params={"id": "c1"}).status_code == 200
    assert api.delete(PATH, params={"id": "c1"}).status_code == 404


def test_get_body_without_content_type(api: Api) -> None:
    api.post(PATH, json={"id": "c1", "name": "One", "type": "Outbound"})
    got = api.get(PATH, content=b'{"id": "c1"}')
    assert got.status_code == 200
    assert got.json()["id"] == "c1"


def test_duplicate_create_conflicts(api: Api) -> None:
    body = {"id": "c1", "name": "One", "type": "Outbound"}
    assert api.post(PATH, json=body).status_code == 201
    again = api.post(PATH, json=body)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert "c1" in again.json()["error"]["message"]


def test_recreate_after_delete_revives(api: Api) -> None:
    api.post(PATH, json={"id": "c1", "name": "Old", "type": "Outbound"})
    api.delete(PATH, params={"id": "c1"})
    recreated = api.post(PATH, json={"id": "c1", "name": "New", "type": "Inbound"})
    assert recreated.status_code == 201
    assert recreated.json()["name"] == "New"
    assert recreated.json()["type"] == "Inbound"
    assert "deleted_at" not in recreated.json()


def test_validation_names_each_field(api: Api) -> None:
    response = api.post(PATH, json={"id": "", "type": "Sideways", "colour": "red"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"id", "name", "type", "colour"}
    assert error["fields"]["name"] == "is required"
    assert error["fields"]["colour"] == "unknown field"
    assert "Inbound" in error["fields"]["type"]


def test_wrong_types_are_refused(api: Api) -> None:
    response = api.post(PATH, json={"id": 123, "name": ["x"], "type": "Outbound"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"id", "name"}


def test_update_null_on_required_field_is_refused(api: Api) -> None:
    api.post(PATH, json={"id": "c1", "name": "One", "type": "Outbound", "inbound_pool_id": "g"})
    refused = api.put(PATH, json={"id": "c1", "name": None})
    assert refused.status_code == 422
    assert "name" in refused.json()["error"]["fields"]
    cleared = api.put(PATH, json={"id": "c1", "inbound_pool_id": None})
    assert cleared.status_code == 200
    assert cleared.json()["inbound_pool_id"] is None


def test_rejected_update_changes_nothing(api: Api) -> None:
    api.post(PATH, json={"id": "c1", "name": "One", "type": "Outbound"})
    refused = api.put(PATH, json={"id": "c1", "name": "Two", "type": "Nope"})
    assert_refused(refused, 422, "validation_error", "type")
    assert api.get(PATH, params={"id": "c1"}).json()["name"] == "One"


def test_update_unknown_is_404(api: Api) -> None:
    response = api.put(PATH, json={"id": "nope", "name": "x"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_list_pages_and_filters(api: Api) -> None:
    for i in range(5):
        kind = "Inbound" if i % 2 else "Outbound"
        api.post(PATH, json={"id": f"c{i}", "name": f"Campaign {i}", "type": kind})
    first = api.get(PATH, params={"limit": 2})
    assert first.status_code == 200
    assert [c["id"] for c in first.json()["items"]] == ["c0", "c1"]
    cursor = first.json()["next_cursor"]
    rest = api.get(PATH, params={"limit": 10, "cursor": cursor}).json()
    assert [c["id"] for c in rest["items"]] == ["c2", "c3", "c4"]
    assert rest["next_cursor"] is None
    inbound = api.get(PATH, params={"type": "Inbound"}).json()["items"]
    assert [c["id"] for c in inbound] == ["c1", "c3"]


def test_list_rejects_bad_paging_and_unknown_filters(api: Api) -> None:
    for bad, field in (
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "abc"}, "cursor"),
    ):
        assert_refused(api.get(PATH, params=bad), 422, "validation_error", field)
    unknown = api.get(PATH, params={"colour": "red"})
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["error"]["fields"]


def test_delete_without_identifier_is_422(api: Api) -> None:
    response = api.delete(PATH)
    assert response.status_code == 422
    assert "id" in response.json()["error"]["fields"]
