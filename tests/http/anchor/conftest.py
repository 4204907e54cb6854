"""A client that sends each request as the anchor's SDKs do: Bearer key, Accept and User-Agent
headers, a compact JSON body with Content-Type application/json (none on GET), the query string
for GET parameters and a JSON body for DELETE."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from tests.conftest import Tenant


class Sdk:
    def __init__(self, client: TestClient, key: str) -> None:
        self.client = client
        self.key = key

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Accept": "application/json",
            "User-Agent": "outboundiq-client/0.2.0",
        }
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body, separators=(",", ":")).encode()
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        response: httpx.Response = self.client.request(
            method, path, headers=headers, content=content, params=params or None
        )
        return response

    def ok(self, method: str, path: str, body: Any = None, **query: Any) -> dict[str, Any]:
        response = self.send(method, path, body, query)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
        answer: dict[str, Any] = response.json()
        return answer


@pytest.fixture
def sdk(client: TestClient, tenant: Tenant) -> Sdk:
    return Sdk(client, tenant.api_key)


@pytest.fixture
def other_sdk(client: TestClient, other_tenant: Tenant) -> Sdk:
    return Sdk(client, other_tenant.api_key)
