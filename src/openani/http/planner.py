"""POST /dialer/planner: how many numbers the company needs where (JSON, or CSV)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import AppContext, company_of, context_of
from openani.http.operations import Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.planner.plan import Plan
from openani.planner.service import plan_body, plan_csv
from openani.store.companies import Company
from openani.validation import validate
from openani.wire import ErrorResponse, Identifier, Input, Output

Day = Annotated[date, Field(strict=False)]


class PlannerRequest(Input):
    date_start: Day | None = Field(default=None, description="Default: the first of this month")
    date_end: Day | None = Field(default=None, description="Default: yesterday")
    daily_dials_target: (
        Literal["BEST", "BETTER", "GOOD"] | Annotated[int, Field(ge=1, le=10_000)] | None
    ) = Field(
        default=None,
        description="Dials a day per number: BEST 50, BETTER 75 (the default), GOOD 100, or a "
        "number",
    )
    group_by: Literal["area_code", "ani", "zip"] = Field(
        default="area_code",
        description="area_code: the prospect's; ani: the calling number's; zip: the prospect's",
    )
    campaigns: list[Identifier] | None = Field(
        default=None, description="Only these campaigns' calls (unknown ids: 400)"
    )
    campaigns_exclude: list[Identifier] | None = Field(
        default=None, description="All campaigns' calls but these (unknown ids: 400)"
    )


class PlanRegion(Output):
    region: str = Field(description="Area code, ZIP, toll_free or unknown")
    state: str | None
    dials: int
    contacts: int
    successes: int
    contact_rate: float | None
    daily_dials_average: int = Field(description="Dials per business day, rounded up")
    current: int = Field(description="Numbers held")
    usable: int = Field(description="Of those, the ones in rotation now")
    proposed: int = Field(description="Numbers needed at the target; 0 under 20 dials a day")
    difference: int = Field(description="proposed - current: above 0 buy, below 0 surplus")
    healthy_capacity: int = Field(description="Healthy daily volumes of the usable numbers")
    overflow_per_day: int = Field(description="Dials a business day beyond that capacity")
    one_more_number_contacts_per_day: float = Field(
        description="Contacts a day one more local number would likely add"
    )


class PlanAddition(Output):
    region: str
    state: str | None
    one_more_number_contacts_per_day: float


class PlanTotals(Output):
    dials: int
    contacts: int
    current: int
    proposed: int
    difference: int


class PlanResponse(Output):
    date_start: date
    date_end: date
    business_days: int
    daily_dials_target: int
    group_by: Literal["area_code", "ani", "zip"]
    regions: list[PlanRegion]
    totals: PlanTotals
    best_additions: list[PlanAddition] = Field(
        description="Where one more number would earn the most contacts, best first"
    )


async def plan_in_thread(context: AppContext, company: Company, **choices: Any) -> Plan:
    """The planner's plan with the learner's current model, computed in a worker thread (it
    reads a range of results)."""
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    return await run_in_threadpool(lambda: context.planner.plan(company, model=model, **choices))


async def planner(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    unknown = [name for name in request.query_params if name != "format"]
    if unknown:
        raise ValidationFailed(
            {name: "unknown query parameter (known: format)" for name in unknown}
        )
    answer = request.query_params.get("format", "json")
    if answer not in ("json", "csv"):
        raise ValidationFailed({"format": "must be json or csv"})
    body = await read_json_object(request, context.settings.max_body_bytes)
    command = validate(PlannerRequest, body or {})
    plan = await plan_in_thread(
        context,
        company,
        date_start=command.date_start,
        date_end=command.date_end,
        daily_dials_target=command.daily_dials_target,
        group_by=command.group_by,
        campaigns=command.campaigns,
        campaigns_exclude=command.campaigns_exclude,
    )
    if answer == "csv":
        return Response(
            plan_csv(plan),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ani-plan.csv"'},
        )
    return JSONResponse(plan_body(plan, command.group_by))


OPERATIONS = [
    Operation(
        "POST",
        "/dialer/planner",
        "How many numbers are needed where, from the calls of a date range",
        planner,
        "planner",
        request_model=PlannerRequest,
        request_required=False,
        text_media="text/csv",
        query=(
            QueryParam(
                "format",
                {"type": "string", "enum": ["json", "csv"], "default": "json"},
                "csv: the plan as a spreadsheet",
            ),
        ),
        responses={200: PlanResponse, 400: ErrorResponse, **ERROR_RESPONSES},
        description=(
            "Business days are Monday to Friday. Per region, daily_dials_average = dials / "
            "business days and proposed = average / daily_dials_target, both rounded up; "
            "regions under 20 dials a business day propose 0 and stay listed so their numbers "
            "show as surplus. Toll-free numbers are their own region."
        ),
    ),
]
