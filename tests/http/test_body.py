"""Malformed, mistyped and oversized bodies get a clear error and change nothing."""

from __future__ import annotations

import pytest

from tests.conftest import Api

PATH = "/dialer/campaigns"
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("raw", [b"{", b'{"id": "c1",}', b"nul", b"\xff\xfe"])
def test_malformed_json_is_422(api: Api, raw: bytes) -> None:
    response = api.post(PATH, content=raw, headers=JSON)
    assert response.status_code == 422
    assert "body" in response.json()["error"]["fields"]


@pytest.mark.parametrize("raw", [b"[]", b'"c1"', b"42"])
def test_non_object_json_is_422(api: Api, raw: bytes) -> None:
    response = api.post(PATH, content=raw, headers=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["body"] == "must be a JSON object"


def test_non_json_content_type_is_415(api: Api) -> None:
    response = api.post(
        PATH, content=b"id=c1", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_oversized_body_is_413(api: Api) -> None:
    huge = b'{"id": "c1", "name": "' + b"x" * (1024 * 1024) + b'", "type": "Outbound"}'
    response = api.post(PATH, content=huge, headers=JSON)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert api.get(PATH, params={"id": "c1"}).status_code == 404


def test_empty_post_body_names_required_fields(api: Api) -> None:
    response = api.post(PATH, content=b"", headers=JSON)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"id", "name", "type"}


def test_overlong_strings_are_refused(api: Api) -> None:
    response = api.post(PATH, json={"id": "x" * 65, "name": "n" * 201, "type": "Outbound"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"id", "name"}
