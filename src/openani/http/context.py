"""What every handler needs, built once per process and kept on the application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from openani.assign.log import AssignmentLog
from openani.assign.service import NextAniService
from openani.audit import AuditService
from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.responses import JSONResponse
from openani.inventory.ani_import import AniImportService
from openani.inventory.company_settings import CompanySettingsService
from openani.inventory.service import ResourceService
from openani.learning.service import LearningService
from openani.lifecycle.health import AniHealthService
from openani.lifecycle.service import LifecycleService
from openani.moments import in_range
from openani.observability.scrape import Exposition
from openani.planner.service import PlannerService
from openani.results.lists import ResultLists
from openani.results.service import ResultIngest
from openani.settings import Settings
from openani.stats.service import StatsService
from openani.store.companies import Company
from openani.store.engine import Database
from openani.tenancy import Authenticator
from openani.webhooks.outbox import WebhookOutbox
from openani.webhooks.service import WebhookService


@dataclass(slots=True)
class AppContext:
    settings: Settings
    db: Database
    authenticator: Authenticator
    company_settings: CompanySettingsService
    next_ani: NextAniService
    results: ResultIngest
    result_lists: ResultLists
    stats: StatsService
    audit: AuditService
    ani_health: AniHealthService
    learning: LearningService
    exposition: Exposition
    webhooks: WebhookService
    outbox: WebhookOutbox
    lifecycle: LifecycleService
    assignment_log: AssignmentLog
    ani_import: AniImportService
    planner: PlannerService
    resources: dict[str, ResourceService] = field(default_factory=dict)


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def api_key_of(request: Request) -> str | None:
    """``X-ApiKey``, or the newer edition's ``Authorization: Bearer <key>``."""
    key = request.headers.get("x-apikey")
    if key is None:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            key = credentials.strip()
    return key


def company_of(request: Request) -> Company:
    """The company whose API key the request carries; raises Unauthorized otherwise."""
    return context_of(request).authenticator.company_for_key(api_key_of(request))


SIMULATED_TIME_HEADER = "X-Simulated-Time"


def simulated_now(request: Request) -> datetime | None:
    """The simulated time of the request, when the server runs with --simulated-clock."""
    if not context_of(request).settings.simulated_clock:
        return None
    raw = request.headers.get(SIMULATED_TIME_HEADER)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed({SIMULATED_TIME_HEADER: "must be an ISO 8601 date-time"}) from None
    try:
        return in_range(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))
    except ValueError as exc:
        raise ValidationFailed({SIMULATED_TIME_HEADER: str(exc)}) from None


def json_handler(
    call: Callable[[AppContext, Company, dict[str, Any]], Any], *, status: int = 200
) -> Callable[[Request], Awaitable[Response]]:
    """A handler that authenticates, reads the JSON body and answers what ``call`` returns."""

    async def handler(request: Request) -> Response:
        company = company_of(request)
        context = context_of(request)
        body = await read_json_object(request, context.settings.max_body_bytes)
        return JSONResponse(call(context, company, body or {}), status_code=status)

    return handler
