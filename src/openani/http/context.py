"""What every handler needs, built once per process and kept on the application."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from openani.assign.service import NextAniService
from openani.inventory.company_settings import CompanySettingsService
from openani.inventory.service import ResourceService
from openani.results.queries import ResultQueries
from openani.results.service import ResultIngest
from openani.results.stats import StatsService
from openani.settings import Settings
from openani.store.companies import Company
from openani.store.engine import Database
from openani.tenancy import Authenticator


@dataclass(slots=True)
class AppContext:
    settings: Settings
    db: Database
    authenticator: Authenticator
    company_settings: CompanySettingsService
    next_ani: NextAniService
    results: ResultIngest
    result_queries: ResultQueries
    stats: StatsService
    resources: dict[str, ResourceService] = field(default_factory=dict)


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


def company_of(request: Request) -> Company:
    """The company whose API key the request carries; raises Unauthorized otherwise."""
    return context_of(request).authenticator.company_for_key(request.headers.get("x-apikey"))
