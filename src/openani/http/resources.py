"""Generic routes for the resources that share one CRUD shape (campaigns, dispos, ANIs).

Handlers only parse, call the service and shape the response.
"""

from __future__ import annotations

from typing import Any

from pydantic import create_model
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import company_of, context_of, json_handler
from openani.http.operations import PAGE_QUERY, Operation, QueryParam, ResponseShape
from openani.http.responses import JSONResponse
from openani.inventory.service import ResourceService
from openani.inventory.specs import ListFilter, ResourceSpec
from openani.lifecycle.status import STATUSES
from openani.paging import page_limit
from openani.wire import ErrorResponse

_PAGING = ("limit", "cursor")

ERROR_RESPONSES: dict[int, ResponseShape] = {
    401: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    413: ErrorResponse,
    415: ErrorResponse,
    422: ErrorResponse,
    429: ErrorResponse,
    503: ErrorResponse,
}


def _service(request: Request, spec: ResourceSpec) -> ResourceService:
    return context_of(request).resources[spec.path]


def _key_from(
    request: Request, spec: ResourceSpec, body: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The identifier from the JSON body, else from the query string, else None (a listing).

    An empty object names nothing: ``GET /dialer/anis`` with the body ``{}`` lists."""
    if body:
        return body
    if spec.key_field in request.query_params:
        fields = (spec.key_field, *spec.key_query_fields)
        unknown = [name for name in request.query_params if name not in fields]
        if unknown:
            raise ValidationFailed({name: "unknown query parameter" for name in unknown})
        return {name: request.query_params[name] for name in fields if name in request.query_params}
    return None


def _limit(request: Request) -> int:
    return page_limit(request.query_params.get("limit"))


def _filter_schema(spec_filter: ListFilter) -> dict[str, Any]:
    if spec_filter.kind == "bool":
        return {"type": "boolean"}
    if spec_filter.kind == "ani_status":
        return {"type": "string", "enum": list(STATUSES)}
    return {"type": "string"}


def resource_operations(spec: ResourceSpec) -> list[Operation]:
    path = f"/dialer/{spec.path}"

    create = json_handler(
        lambda context, company, body: context.resources[spec.path].create(company, body),
        status=201,
    )
    update = json_handler(
        lambda context, company, body: context.resources[spec.path].update(company, body)
    )

    async def read(request: Request) -> Response:
        company = company_of(request)
        body = await read_json_object(
            request, context_of(request).settings.max_body_bytes, require_content_type=False
        )
        key = _key_from(request, spec, body)
        service = _service(request, spec)
        if key is not None:
            return JSONResponse(service.get(company, key))
        query = {k: v for k, v in request.query_params.items() if k not in _PAGING}
        page = service.list(
            company, query, limit=_limit(request), cursor=request.query_params.get("cursor")
        )
        return JSONResponse({"items": page.items, "next_cursor": page.next_cursor})

    async def delete(request: Request) -> Response:
        company = company_of(request)
        body = await read_json_object(
            request, context_of(request).settings.max_body_bytes, require_content_type=False
        )
        key = _key_from(request, spec, body)
        if key is None:
            raise ValidationFailed({spec.key_field: "is required (JSON body or query string)"})
        return JSONResponse(_service(request, spec).delete(company, key))

    public = spec.public_model
    page_model = create_model(
        f"{public.__name__}Page",
        items=(list[public], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, ...),
    )
    key_params = tuple(
        QueryParam(
            name, {"type": "string"}, f"Identifies one {spec.singular} (or use the JSON body)"
        )
        for name in (spec.key_field, *spec.key_query_fields)
    )
    list_params = (
        *PAGE_QUERY,
        *(
            QueryParam(
                name,
                _filter_schema(f),
                f.description or f"Only {spec.path} with this {name}",
            )
            for name, f in spec.filters.items()
            # country_code already stands among the key parameters with the same meaning.
            if name not in spec.key_query_fields
        ),
    )
    plural = spec.path
    return [
        Operation(
            "POST",
            path,
            f"Create a {spec.singular}",
            create,
            plural,
            request_model=spec.create_model,
            responses={201: public, **ERROR_RESPONSES},
        ),
        Operation(
            "PUT",
            path,
            f"Update a {spec.singular} (absent fields stay as they are)",
            update,
            plural,
            request_model=spec.update_model,
            responses={200: public, **ERROR_RESPONSES},
        ),
        Operation(
            "GET",
            path,
            f"Get one {spec.singular}, or list them",
            read,
            plural,
            request_model=spec.key_model,
            request_required=False,
            responses={200: (public, page_model), **ERROR_RESPONSES},
            query=key_params + list_params,
            description=(
                f"With `{spec.key_field}` in the JSON body or the query string, answers that "
                f"{spec.singular} (shape: {public.__name__}); without it, a page of the company's "
                f"{plural} (shape: {page_model.__name__})."
            ),
        ),
        Operation(
            "DELETE",
            path,
            f"Delete a {spec.singular}",
            delete,
            plural,
            request_model=spec.key_model,
            request_required=False,
            responses={200: public, **ERROR_RESPONSES},
            query=key_params,
            description="History that statistics need is kept: the object is hidden, not erased.",
        ),
    ]
