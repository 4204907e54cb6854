"""The OpenAPI 3.1 document, generated from the declared operations and their pydantic models."""

from __future__ import annotations

import html
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from openani import __version__
from openani.http.operations import Operation, ResponseShape

_REF = "#/components/schemas/{model}"


def _models_of(shape: ResponseShape) -> tuple[type[BaseModel], ...]:
    if shape is None:
        return ()
    return shape if isinstance(shape, tuple) else (shape,)


def _ref(model: type[BaseModel]) -> dict[str, Any]:
    return {"$ref": _REF.format(model=model.__name__)}


def _schema(shape: ResponseShape) -> dict[str, Any]:
    models = _models_of(shape)
    return _ref(models[0]) if len(models) == 1 else {"oneOf": [_ref(m) for m in models]}


def build_openapi(operations: list[Operation]) -> dict[str, Any]:
    inputs = {m for op in operations for m in _models_of(op.request_model)} | {
        op.form_model for op in operations if op.form_model
    }
    outputs = {m for op in operations for shape in op.responses.values() for m in _models_of(shape)}
    keyed = [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)] + [
        (m, "serialization") for m in sorted(outputs, key=lambda m: m.__name__)
    ]
    _, definitions = models_json_schema(keyed, ref_template=_REF)  # type: ignore[arg-type]

    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        spec: dict[str, Any] = {
            "operationId": op.operation_id,
            "summary": op.summary,
            "tags": [op.tag],
            "responses": {
                str(status): (
                    {
                        "description": _status_text(status),
                        "content": {"application/json": {"schema": _schema(shape)}},
                    }
                    if shape is not None
                    else {"description": _status_text(status)}
                )
                for status, shape in sorted(op.responses.items())
            },
        }
        if op.text_media:
            success = spec["responses"][str(min(op.responses))]
            success.setdefault("content", {})[op.text_media] = {"schema": {"type": "string"}}
        if op.description:
            spec["description"] = op.description
        if op.query:
            spec["parameters"] = [
                {
                    "name": q.name,
                    "in": "query",
                    "required": q.required,
                    "schema": q.schema,
                    **({"description": q.description} if q.description else {}),
                }
                for q in op.query
            ]
        if op.request_model or op.form_model:
            content: dict[str, Any] = {}
            if op.request_model:
                content["application/json"] = {"schema": _schema(op.request_model)}
            if op.form_model:
                content["application/x-www-form-urlencoded"] = {"schema": _ref(op.form_model)}
            spec["requestBody"] = {"required": op.request_required, "content": content}
        if op.authenticated:
            spec["security"] = [{"ApiKey": []}]
        paths.setdefault(op.path, {})[op.method.lower()] = spec

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "openani",
            "version": __version__,
            "description": "Caller-ID (ANI) management for outbound dialers.",
        },
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-ApiKey"}},
        },
    }


_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    400: "Bad request",
    401: "Missing, unknown or revoked API key",
    404: "Not found",
    409: "Conflict",
    413: "Request body too large",
    415: "Request body is not JSON",
    422: "Validation error naming each field and why",
    429: "Rate limit of the API key or company reached; see Retry-After",
    503: "Not ready, or overloaded; see Retry-After",
}


def _status_text(status: int) -> str:
    return _STATUS_TEXT.get(status, str(status))


def docs_page(document: dict[str, Any]) -> str:
    """A self-contained HTML reference (no CDN): works on air-gapped call-centre networks."""
    rows = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op['summary'])}</td></tr>"
            )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>openani API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:4px 12px}</style></head><body>"
        f"<h1>openani API {html.escape(document['info']['version'])}</h1>"
        "<p>Every <code>/dialer</code> call carries the header <code>X-ApiKey</code>. "
        "The full machine-readable description is at <a href='/openapi.json'>/openapi.json</a>.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
