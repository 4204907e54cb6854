"""/custom/campaigns, /custom/dispos and /custom/anis: the anchor edition's custom-dialer
integration over the same resource services as /dialer/campaigns, /dialer/dispos and
/dialer/anis (same fields, same rules).

Its verbs: POST creates, PUT updates (absent fields stay), GET reads one by ``?id=`` (ANIs:
``?number=``, with ``country_code`` when the digits exist under both), DELETE takes the
identifier as a JSON body. Its envelope: ``{"success": true, "message", "<campaign|dispo|ani>":
{...}}``; a refusal is ``{"success": false, "message", "error"}`` with its status code.
"""

from __future__ import annotations

from typing import Any

from pydantic import create_model
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.anchor.envelope import FAILURES, anchor_route, guarded
from openani.http.context import AppContext, company_of, context_of
from openani.http.offload import in_worker
from openani.http.operations import Operation, QueryParam
from openani.http.responses import JSONResponse
from openani.inventory.specs import RESOURCES, ResourceSpec
from openani.store.companies import Company
from openani.wire import Output


def _member(spec: ResourceSpec) -> str:
    """The envelope's member for one object: campaign, dispo, ani."""
    return spec.path.removesuffix("s")


def custom_operations(spec: ResourceSpec) -> list[Operation]:
    path = f"/custom/{spec.path}"
    member = _member(spec)

    def write(verb: str) -> Any:
        def call(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
            service = context.resources[spec.path]
            public = (
                service.create(company, body)
                if verb == "created"
                else service.update(company, body)
            )
            return {"success": True, "message": f"{spec.singular} {verb}", member: public}

        return call

    def remove(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
        public = context.resources[spec.path].delete(company, body)
        return {"success": True, "message": f"{spec.singular} deleted", member: public}

    key_names = (spec.key_field, *spec.key_query_fields)

    async def read(request: Request) -> Response:
        company = company_of(request)
        query = request.query_params
        unknown = [name for name in query if name not in key_names]
        if unknown:
            raise ValidationFailed(
                {
                    name: f"unknown query parameter (known: {', '.join(key_names)})"
                    for name in unknown
                }
            )
        if spec.key_field not in query:
            raise ValidationFailed({spec.key_field: "is required (query string)"})
        public = await in_worker(context_of(request).resources[spec.path].get, company, dict(query))
        return JSONResponse({"success": True, member: public})

    public = spec.public_model
    answer = create_model(
        f"Custom{public.__name__}Answer",
        __base__=Output,
        success=(bool, ...),
        message=(str | None, None),
        **{member: (public, ...)},  # type: ignore[call-overload]
    )
    return [
        Operation(
            "POST",
            path,
            f"Create a {spec.singular} (the anchor's current edition)",
            anchor_route(write("created")),
            "anchor",
            request_model=spec.create_model,
            responses={200: answer, **FAILURES},
        ),
        Operation(
            "PUT",
            path,
            f"Update a {spec.singular} (absent fields stay as they are)",
            anchor_route(write("updated")),
            "anchor",
            request_model=spec.update_model,
            responses={200: answer, **FAILURES},
        ),
        Operation(
            "GET",
            path,
            f"Get one {spec.singular} by ?{spec.key_field}=",
            guarded(read),
            "anchor",
            responses={200: answer, **FAILURES},
            query=tuple(
                QueryParam(name, {"type": "string"}, "", required=name == spec.key_field)
                for name in key_names
            ),
        ),
        Operation(
            "DELETE",
            path,
            f"Delete a {spec.singular} (identifier in the JSON body); its history is kept",
            anchor_route(remove, forgiving=True),
            "anchor",
            request_model=spec.key_model,
            responses={200: answer, **FAILURES},
        ),
    ]


OPERATIONS = [op for spec in RESOURCES for op in custom_operations(spec)]
