"""POST /dialer/anis/remediate, GET /dialer/anis/remediations, GET/DELETE /dialer/anis/scheduled."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import company_of, context_of, json_handler
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory import ani_lifecycle
from openani.inventory.models import (
    AniRemediate,
    Remediation,
    RemediationPage,
    ScheduledChange,
    ScheduledPage,
)

remediate = json_handler(
    lambda context, company, body: ani_lifecycle.remediate(
        context.resources["anis"], company, body
    ),
    status=201,
)


async def remediations(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).lifecycle.remediations, company, request.query_params
    )


async def scheduled(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).lifecycle.scheduled, company, request.query_params
    )


async def cancel_scheduled(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    body = await read_json_object(
        request, context.settings.max_body_bytes, require_content_type=False
    )
    if body is None:
        unknown = [name for name in request.query_params if name != "id"]
        if unknown:
            raise ValidationFailed(
                {name: "unknown query parameter (known: id)" for name in unknown}
            )
        body = dict(request.query_params)
    return JSONResponse(context.lifecycle.cancel(company, body))


_NUMBER_FILTERS = (
    QueryParam("number", {"type": "string"}, "Only this number"),
    QueryParam("country_code", {"type": "string", "enum": ["+1", "+44"]}),
    *PAGE_QUERY,
)

OPERATIONS = [
    Operation(
        "POST",
        "/dialer/anis/remediate",
        "Record a request to a carrier to remediate a number's reputation (one per number "
        "every 30 days)",
        remediate,
        "anis",
        request_model=AniRemediate,
        responses={201: Remediation, **ERROR_RESPONSES},
        description="409 with code remediation_cooldown, and the date of the next possible "
        "request, within 30 days of the previous one. The request is written to the status "
        "history (the status itself does not change) and to the audit log.",
    ),
    Operation(
        "GET",
        "/dialer/anis/remediations",
        "Remediation requests, newest first",
        remediations,
        "anis",
        query=_NUMBER_FILTERS,
        responses={200: RemediationPage, **ERROR_RESPONSES},
    ),
    Operation(
        "GET",
        "/dialer/anis/scheduled",
        "Pauses and activations scheduled for a later date (pending ones unless state=all)",
        scheduled,
        "anis",
        query=(
            QueryParam("state", {"type": "string", "enum": ["pending", "all"]}),
            *_NUMBER_FILTERS,
        ),
        responses={200: ScheduledPage, **ERROR_RESPONSES},
    ),
    Operation(
        "DELETE",
        "/dialer/anis/scheduled",
        "Cancel a scheduled pause or activation (id in the JSON body or the query string)",
        cancel_scheduled,
        "anis",
        query=(QueryParam("id", {"type": "integer"}, "The scheduled change"),),
        responses={200: ScheduledChange, **ERROR_RESPONSES},
    ),
]
