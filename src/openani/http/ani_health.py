"""POST /dialer/anis/health-check and GET /dialer/anis/history: burned numbers, status changes."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import company_of, context_of, simulated_now
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.inventory.models import HealthCheck, StatusHistoryPage


async def health_check(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    now = simulated_now(request) or datetime.now(UTC)
    return await json_in_worker(lambda: context.ani_health.check(company, now).to_public())


async def history(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(context_of(request).ani_history.page, company, request.query_params)


OPERATIONS = [
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
]
