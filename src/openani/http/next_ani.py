"""POST /dialer/next and /dialer/next/batch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.assign.models import NextAni, NextAniBatch, NextAniBatchRequest, NextAniRequest
from openani.http.body import read_json_object
from openani.http.context import company_of, context_of, simulated_now
from openani.http.operations import Operation
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse


async def next_ani(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    # The hot path reads JSON whatever the Content-Type (a bare `curl -d` says form data).
    body = await read_json_object(
        request, context.settings.max_body_bytes, require_content_type=False
    )
    return JSONResponse(
        await context.next_ani.next_ani(company, body or {}, simulated_now(request))
    )


async def next_batch(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    body = await read_json_object(
        request, context.settings.max_body_bytes, require_content_type=False
    )
    results, warnings = await context.next_ani.next_batch(
        company, body or {}, simulated_now(request)
    )
    return JSONResponse({"results": results, **({"warnings": warnings} if warnings else {})})


OPERATIONS = [
    Operation(
        "POST",
        "/dialer/next",
        "Select the next ANI for an outbound call",
        next_ani,
        "next",
        request_model=NextAniRequest,
        responses={200: NextAni, **ERROR_RESPONSES},
        description="Forgiving: unknown fields are ignored and listed in warnings, unambiguous "
        'values are read (a numeric ZIP, "true"), the body is read as JSON whatever the '
        "Content-Type, and a campaign nobody defined is served with the company's defaults "
        "(setting unknown_campaign). 404 with code no_available_ani when no ANI can be given: "
        "the message says why and counts says how many numbers were held, paused, resting, at "
        "a cap or in other inbound groups. A server started with --simulated-clock takes the "
        "current time from the header X-Simulated-Time (ISO 8601), for simulations.",
    ),
    Operation(
        "POST",
        "/dialer/next/batch",
        "Select ANIs for up to 1,000 leads (list loading); each row succeeds or fails alone",
        next_batch,
        "next",
        request_model=NextAniBatchRequest,
        responses={200: NextAniBatch, **ERROR_RESPONSES},
    ),
]
