"""GET /dialer/assignments."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict
from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import company_of, context_of
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.wire import Output


class Assignment(Output):
    # Every column of the assignment log is shown: columns added later appear as they are.
    model_config = ConfigDict(extra="allow")

    id: int
    created_at: datetime
    campaign: str
    ani: str
    ani_country_code: str
    ani_area_code: str | None
    ani_state: str | None
    prospect_phone: str
    prospect_country_code: str
    prospect_zip: str | None
    requested_assignment_type: str | None
    assignment_type: str
    match: str
    fallback: bool
    over_cap: bool
    why: str


class AssignmentPage(Output):
    items: list[Assignment]
    next_cursor: str | None


async def assignments(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).assignment_log.page, company, request.query_params
    )


OPERATIONS = [
    Operation(
        "GET",
        "/dialer/assignments",
        "Every number /dialer/next gave, newest first, with the strategy, level and why",
        assignments,
        "next",
        query=(
            QueryParam("prospect_phone", {"type": "string"}, "Only calls to this prospect"),
            QueryParam("number", {"type": "string"}, "Only calls given this ANI"),
            QueryParam("campaign", {"type": "string"}, "Only this campaign's calls"),
            QueryParam(
                "from",
                {"type": "string"},
                "From this moment (ISO 8601; no offset: the company's time zone; a date: its "
                "midnight)",
            ),
            QueryParam("to", {"type": "string"}, "Before this moment (same forms)"),
            *PAGE_QUERY,
        ),
        responses={200: AssignmentPage, **ERROR_RESPONSES},
    )
]
