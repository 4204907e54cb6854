"""The OpenAPI document describes every served operation and resolves every reference."""

from __future__ import annotations

import json

from starlette.testclient import TestClient


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_document_covers_the_seed_api(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    for resource in ("campaigns", "dispos", "anis"):
        assert set(document["paths"][f"/dialer/{resource}"]) == {"get", "post", "put", "delete"}
    schemas = document["components"]["schemas"]
    for ref in _refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    campaign = schemas["CampaignCreate"]
    assert campaign["required"] == ["id", "name", "type"]
    assert campaign["additionalProperties"] is False
    json.dumps(document)


def test_docs_page_is_self_contained(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/dialer/anis" in page.text
    assert "http" not in page.text.split("<body>")[1].replace("/openapi.json", "")
