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
    callback = document["paths"]["/api/595F21A2-84D1-4984-818E-3758A8485CC8.php"]
    assert set(callback) == {"get", "post"}
    assert "security" not in callback["get"]
    documented = {p["name"] for p in callback["get"]["parameters"]}
    assert "0504bd2b-f9eb-4a72-b497-7c8cac8692a0" in documented
    for path in (
        "/dialer/next",
        "/dialer/next/batch",
        "/dialer/results",
        "/dialer/settings",
        "/dialer/stats/anis",
        "/dialer/stats/states",
    ):
        assert path in document["paths"], path
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


def test_every_served_route_is_documented(client: TestClient) -> None:
    from starlette.routing import Route

    document = client.get("/openapi.json").json()
    served = {
        (route.path, method.lower())
        for route in client.app.routes  # type: ignore[attr-defined]
        # include_in_schema=False: the console's HTML pages, /openapi.json and /docs themselves.
        if isinstance(route, Route) and route.include_in_schema
        for method in (route.methods or ())
        if method != "HEAD"
    }
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert served == documented
