"""The one error shape, checked whole: a refusal's status alone says little about why."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx


def refused(response: httpx.Response, status: int, code: str, *fields: str) -> dict[str, Any]:
    """Assert ``response`` is the API's error ``code`` with ``status`` naming each of ``fields``."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"], error
    named = error.get("fields") or {}
    for field in fields:
        assert named.get(field), (field, error)
    return error
