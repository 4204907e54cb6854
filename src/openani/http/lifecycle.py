"""The routes of the ANI lifecycle: POST /dialer/anis/pause and /activate, POST
/dialer/anis/health-check, GET /dialer/anis/history, POST /dialer/anis/remediate, GET
/dialer/anis/remediations, GET/DELETE /dialer/anis/scheduled."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import company_of, context_of, json_handler, simulated_now
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory.models import AniActionResult
from openani.lifecycle import changes, service
from openani.lifecycle.models import (
    AniActivate,
    AniPause,
    AniRemediate,
    HealthCheck,
    Remediation,
    RemediationPage,
    ScheduledChange,
    ScheduledPage,
    StatusHistoryPage,
)

pause_ani = json_handler(
    lambda context, company, body: changes.pause(context.resources["anis"], company, body)
)
activate_ani = json_handler(
    lambda context, company, body: changes.activate(context.resources["anis"], company, body)
)


async def health_check(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    now = simulated_now(request) or datetime.now(UTC)
    return await json_in_worker(lambda: context.ani_health.check(company, now).to_public())


async def history(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).lifecycle.history, company, request.query_params
    )


remediate = json_handler(
    lambda context, company, body: service.remediate(context.resources["anis"], company, body),
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
        "/dialer/anis/pause",
        "Take an ANI out of rotation, now or from a date, optionally until a time",
        pause_ani,
        "anis",
        request_model=AniPause,
        responses={200: AniActionResult, **ERROR_RESPONSES},
        description="The number may be given as number or as ani. A date in the future "
        "schedules the pause (answered with the ANI as it is and the scheduled change); it is "
        "applied within seconds of that date. The note goes into the status history.",
    ),
    Operation(
        "POST",
        "/dialer/anis/activate",
        "Put an ANI back into rotation, now or on a date",
        activate_ani,
        "anis",
        request_model=AniActivate,
        responses={200: AniActionResult, **ERROR_RESPONSES},
        description="Ends a pause, a rest, a suspicion or a probation. A date in the future "
        "schedules the activation instead.",
    ),
    Operation(
        "POST",
        "/dialer/anis/health-check",
        "Look for burned numbers now and rest them (or only flag them, per the automation setting)",
        health_check,
        "anis",
        responses={200: HealthCheck, **ERROR_RESPONSES},
        description="Numbers whose contact rate fell significantly against their own history and "
        "their peers are signalled. automation auto: each rests for rest_days unless more than "
        "max_resting_share of the ANIs would rest at once (then suspected_label, with the reason); "
        "recommend: each is marked suspected_label and stays in rotation. Ended rests become "
        "probation; probation without a signal for probation_days becomes active. A server "
        "started with --simulated-clock takes the current time from X-Simulated-Time.",
    ),
    Operation(
        "GET",
        "/dialer/anis/history",
        "Status changes of the company's ANIs, by hand or by the detector (newest first)",
        history,
        "anis",
        query=(
            QueryParam("number", {"type": "string"}, "Only this number's changes"),
            QueryParam("country_code", {"type": "string", "enum": ["+1", "+44"]}),
            *PAGE_QUERY,
        ),
        responses={200: StatusHistoryPage, **ERROR_RESPONSES},
    ),
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
