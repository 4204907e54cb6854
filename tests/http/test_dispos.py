"""Dispositions: the seed's examples verbatim and the boolean rules."""

from __future__ import annotations

from tests.conftest import Api
from tests.support.errors import refused

PATH = "/dialer/dispos"


def test_seed_examples_verbatim(api: Api) -> None:
    created = api.post(
        PATH,
        json={"id": "d1", "name": "Sale Closed", "type": "Agent", "contact": True, "success": True},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["id"], body["name"], body["type"], body["contact"], body["success"]) == (
        "d1",
        "Sale Closed",
        "Agent",
        True,
        True,
    )
    updated = api.put(PATH, json={"id": "d1", "contact": False})
    assert updated.status_code == 200
    assert updated.json()["contact"] is False
    assert updated.json()["success"] is True
    got = api.get(PATH, json={"id": "d1"})
    assert got.json()["contact"] is False
    assert api.delete(PATH, json={"id": "d1"}).status_code == 200
    assert api.get(PATH, json={"id": "d1"}).status_code == 404


def test_booleans_are_strict(api: Api) -> None:
    response = api.post(
        PATH, json={"id": "d1", "name": "NA", "type": "System", "contact": "yes", "success": 0}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"contact", "success"}


def test_required_fields(api: Api) -> None:
    response = api.post(PATH, json={"id": "d1", "name": "NA"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"type", "contact", "success"}


def test_list_filters_by_boolean(api: Api) -> None:
    api.post(
        PATH,
        json={
            "id": "na",
            "name": "No Answer",
            "type": "System",
            "contact": False,
            "success": False,
        },
    )
    api.post(
        PATH, json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True}
    )
    contacts = api.get(PATH, params={"contact": "true"}).json()["items"]
    assert [d["id"] for d in contacts] == ["sale"]
    refused(api.get(PATH, params={"contact": "maybe"}), 422, "validation_error", "contact")


def test_category_is_optional_and_checked(api: Api) -> None:
    body = {"id": "vm", "name": "Voicemail", "type": "System", "contact": False, "success": False}
    assert api.post(PATH, json=body).json()["category"] is None
    assert api.put(PATH, json={"id": "vm", "category": "voicemail"}).json()["category"] == (
        "voicemail"
    )
    refused = api.put(PATH, json={"id": "vm", "category": "answering machine"})
    assert refused.status_code == 422
    assert "category" in refused.json()["error"]["fields"]
    assert [d["id"] for d in api.get(PATH, params={"category": "voicemail"}).json()["items"]] == [
        "vm"
    ]
