"""GET /dialer/stats/{anis,campaigns,areas,states}."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pydantic import create_model
from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import company_of, context_of
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.wire import Output

_WINDOW_PARAMS = (
    QueryParam(
        "window",
        {"type": "string", "enum": ["today", "7d", "30d"], "default": "30d"},
        "Days counted, in the company's time zone (or use from/to)",
    ),
    QueryParam("from", {"type": "string", "format": "date"}, "First day of a range"),
    QueryParam("to", {"type": "string", "format": "date"}, "Last day of a range (default today)"),
    *PAGE_QUERY,
)


class Figures(Output):
    assigned: int
    dials: int
    contacts: int
    successes: int
    blocked: int
    no_answers: int
    talk_seconds: int
    short_calls: int
    contact_rate: float | None
    success_rate: float | None
    block_rate: float | None
    no_answer_rate: float | None


class WindowFigures(Figures):
    last_dialed: str | None
    today: Figures


class AniFigures(WindowFigures):
    number: str
    country_code: str
    area_code: str | None
    state: str | None
    status: str
    # Dials a day the learner keeps the number under today: 50 to start, lower while a new
    # number warms up, creeping up while it fills it (see selection/capacity.py).
    healthy_volume: int


def _page(name: str, item: type[Output]) -> type[Output]:
    model: type[Output] = create_model(
        name,
        __base__=Output,
        window=(dict[str, str], ...),
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, ...),
    )
    return model


async def ani_stats(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    return await json_in_worker(
        context.stats.anis, company, request.query_params, model.healthy_volume
    )


async def experiment(request: Request) -> Response:
    return await json_in_worker(
        context_of(request).stats.experiment, company_of(request), request.query_params
    )


class ArmFigures(Output):
    assigned: int
    dials: int
    contacts: int
    contact_rate: float | None
    contact_rate_95: list[float] | None


class ExperimentReport(Output):
    window: dict[str, str]
    holdout_share: float
    arms: dict[str, ArmFigures]
    uplift: float | None
    uplift_95: list[float] | None
    significant: bool


def _grouped(
    dimension: str, *, by_state: bool, label: str
) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        company = company_of(request)
        return await json_in_worker(
            context_of(request).stats.grouped,
            company,
            request.query_params,
            dimension=dimension,
            by_state=by_state,
            label=label,
        )

    return handler


def _grouped_model(name: str, label: str) -> type[Output]:
    item: type[Output] = create_model(  # type: ignore[call-overload]
        name, __base__=WindowFigures, **{label: (str, ...)}
    )
    return _page(f"{name}Page", item)


OPERATIONS = [
    Operation(
        "GET",
        "/dialer/stats/anis",
        "Statistics per ANI (window and today)",
        ani_stats,
        "stats",
        query=(
            *_WINDOW_PARAMS,
            QueryParam("number", {"type": "string"}, "Prefix of the national number"),
            QueryParam("area_code", {"type": "string"}),
            QueryParam("state", {"type": "string"}),
            QueryParam("campaign", {"type": "string"}, "Count only this campaign's calls"),
            QueryParam("status", {"type": "string", "enum": ["active", "paused"]}),
        ),
        responses={200: _page("AniStatsPage", AniFigures), **ERROR_RESPONSES},
    ),
    Operation(
        "GET",
        "/dialer/stats/experiment",
        "The default strategy against its holdout: contact rate per arm with 95% intervals, "
        "and the uplift (percent) with its interval and whether it is significant",
        experiment,
        "stats",
        query=_WINDOW_PARAMS,
        responses={200: ExperimentReport, **ERROR_RESPONSES},
    ),
    *(
        Operation(
            "GET",
            f"/dialer/stats/{path}",
            f"Statistics per {label.replace('_', ' ')}",
            _grouped(dimension, by_state=by_state, label=label),
            "stats",
            query=_WINDOW_PARAMS,
            responses={200: _grouped_model(model, label), **ERROR_RESPONSES},
        )
        for path, dimension, by_state, label, model in (
            ("campaigns", "campaign", False, "campaign", "CampaignStats"),
            ("areas", "area", False, "area_code", "AreaStats"),
            ("states", "area", True, "state", "StateStats"),
            ("agents", "agent", False, "agent_id", "AgentStats"),
        )
    ),
]
