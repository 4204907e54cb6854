"""The ASGI application: operations from every HTTP module, one error model, one context."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import AsyncIterator
from datetime import datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from openani import geo, paging
from openani.assign.log import AssignmentLog
from openani.assign.service import NextAniService
from openani.assign.snapshot import SnapshotCache
from openani.audit import AuditService
from openani.console.routes import ROUTES as CONSOLE_ROUTES
from openani.http import (
    ani_bulk,
    assignments,
    audit,
    company_settings,
    health,
    lifecycle,
    metrics,
    next_ani,
    planner,
    results,
    stats,
    unknown_campaigns,
    webhooks,
)
from openani.http.anchor import api as anchor_api
from openani.http.context import AppContext
from openani.http.errors import EXCEPTION_HANDLERS, already_logged
from openani.http.openapi import build_openapi, docs_page
from openani.http.operations import Operation, routes
from openani.http.overload import InFlightLimit
from openani.http.paths import TrailingSlash
from openani.http.query import RefuseNulQuery
from openani.http.resources import resource_operations
from openani.http.responses import JSONResponse
from openani.http.signals import AssignSignals
from openani.inventory.ani_import import AniImportService
from openani.inventory.company_settings import CompanySettingsService
from openani.inventory.service import AfterWrite, ResourceService
from openani.inventory.specs import ANIS, DISPOS, RESOURCES
from openani.learning.service import LearningService
from openani.lifecycle.health import AniHealthService, Detector
from openani.lifecycle.health_timer import run_periodically
from openani.lifecycle.service import LifecycleService, run_schedules
from openani.observability import logs
from openani.observability.metrics import JOB_SECONDS
from openani.observability.middleware import RequestObserver
from openani.observability.scrape import DatabaseGauges, Exposition
from openani.planner.service import PlannerService
from openani.ratelimit import RateLimiter
from openani.results.lists import ResultLists
from openani.results.service import ResultIngest, reclassify_after_dispo_change
from openani.selection.burn import BurnSignal
from openani.settings import Settings
from openani.stats.service import StatsService
from openani.store import installation
from openani.store.checkpoint import WalCheckpointer
from openani.store.companies import Company
from openani.store.engine import Database
from openani.tenancy import Authenticator
from openani.webhooks.delivery import Dispatcher, RetryPolicy, stop
from openani.webhooks.gauges import backlog_gauges
from openani.webhooks.outbox import WebhookOutbox
from openani.webhooks.service import WebhookService

SWITCH_INTERVAL_S = 0.001
# What follows a change of a resource in its transaction: statistics follow a disposition
# created, renamed, re-flagged or deleted after the fact.
AFTER_WRITE: dict[str, AfterWrite] = {DISPOS.path: reclassify_after_dispo_change}


def all_operations() -> list[Operation]:
    operations = list(health.OPERATIONS)
    operations.extend(metrics.OPERATIONS)
    for spec in RESOURCES:
        operations.extend(resource_operations(spec))
    operations.extend(unknown_campaigns.OPERATIONS)
    operations.extend(company_settings.OPERATIONS)
    operations.extend(lifecycle.OPERATIONS)
    operations.extend(ani_bulk.OPERATIONS)
    operations.extend(planner.OPERATIONS)
    operations.extend(next_ani.OPERATIONS)
    operations.extend(assignments.OPERATIONS)
    operations.extend(results.OPERATIONS)
    operations.extend(stats.OPERATIONS)
    operations.extend(audit.OPERATIONS)
    operations.extend(webhooks.OPERATIONS)
    operations.extend(anchor_api.OPERATIONS)
    return operations


def create_app(
    settings: Settings, db: Database | None = None, *, detect: Detector | None = None
) -> Starlette:
    """``detect`` replaces the burned-number detector behind POST /dialer/anis/health-check
    (tests inject fixed signals); by default it is the learner's test on the statistics."""
    db = db or Database(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        checkpoint_in_background=True,
    )
    with db.write() as conn:
        paging.use_cursor_secret(installation.secret(conn, "cursor"))
    snapshots = SnapshotCache(db)
    learning = LearningService(db)

    def detect_burned(company: Company, now: datetime) -> tuple[int, list[BurnSignal]]:
        return learning.detect(company.id, company.time_zone, now)

    authenticator = Authenticator(
        db,
        per_key=RateLimiter(settings.rate_per_key, settings.burst_per_key),
        per_company_guid=RateLimiter(
            settings.rate_per_company_guid, settings.burst_per_company_guid
        ),
    )

    def settings_changed(company_id: int) -> None:
        # The time zone travels with the authenticated company; drop it at once here (other
        # processes follow within the key cache's second).
        snapshots.invalidate(company_id)
        authenticator.forget()

    outbox = WebhookOutbox()
    dispatcher = Dispatcher(
        db,
        outbox,
        RetryPolicy(
            base_s=settings.webhook_retry_base_s,
            max_delay_s=settings.webhook_retry_max_s,
            window_s=settings.webhook_retry_window_s,
            timeout_s=settings.webhook_timeout_s,
        ),
        poll_s=settings.webhook_poll_s,
    )

    context = AppContext(
        settings=settings,
        db=db,
        authenticator=authenticator,
        company_settings=CompanySettingsService(db, on_change=settings_changed),
        next_ani=NextAniService(db, snapshots, learning, sink=AssignSignals(outbox)),
        results=ResultIngest(db, events=outbox),
        result_lists=ResultLists(db),
        stats=StatsService(db),
        audit=AuditService(db),
        ani_health=AniHealthService(
            db, detect=detect or detect_burned, on_change=snapshots.invalidate
        ),
        learning=learning,
        exposition=Exposition(DatabaseGauges(db, extra=lambda: backlog_gauges(db))),
        webhooks=WebhookService(db, outbox, development=settings.development),
        outbox=outbox,
        lifecycle=LifecycleService(db, ANIS.key_match),
        assignment_log=AssignmentLog(db),
        ani_import=AniImportService(db, on_change=snapshots.invalidate),
        planner=PlannerService(db, learning),
    )
    for spec in RESOURCES:
        context.resources[spec.path] = ResourceService(
            db, spec, on_change=snapshots.invalidate, after_write=AFTER_WRITE.get(spec.path)
        )

    operations = all_operations()
    document = build_openapi(operations)
    docs_html = docs_page(document)

    async def openapi_json(_request: Request) -> Response:
        return JSONResponse(document)

    async def docs(_request: Request) -> Response:
        return HTMLResponse(docs_html)

    @contextlib.asynccontextmanager
    async def lifespan(application: Starlette) -> AsyncIterator[None]:
        # Simulated time lives in requests only, so a simulation asks for its checks itself.
        timer = settings.health_check_s > 0 and not settings.simulated_clock
        task = (
            asyncio.create_task(run_periodically(db, context.ani_health, settings.health_check_s))
            if timer
            else None
        )
        delivery = asyncio.create_task(dispatcher.run()) if settings.webhook_poll_s > 0 else None
        schedules = (
            asyncio.create_task(
                run_schedules(db, settings.schedule_check_s, on_change=snapshots.invalidate)
            )
            if settings.schedule_check_s > 0
            else None
        )
        checkpointer = (
            WalCheckpointer(db, observe=JOB_SECONDS.labels("wal_checkpoint").observe)
            if db.checkpoint_in_background
            else None
        )
        application.state.checkpointer = checkpointer
        if checkpointer is not None:
            checkpointer.start()
        yield
        context.next_ani.close()
        if checkpointer is not None:
            checkpointer.stop()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for background in (delivery, schedules):
            if background is not None:
                await stop(background)

    app = Starlette(
        lifespan=lifespan,
        routes=[
            *routes(operations),
            Route("/openapi.json", openapi_json, methods=["GET"], include_in_schema=False),
            Route("/docs", docs, methods=["GET"], include_in_schema=False),
            *CONSOLE_ROUTES,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            Middleware(RequestObserver, access_log=settings.access_log),
            Middleware(
                InFlightLimit,
                max_in_flight=settings.max_in_flight,
                callback_path=results.CALLBACK_PATH,
            ),
            Middleware(RefuseNulQuery, exempt=results.CALLBACK_PATH, respond=anchor_api.refusal),
            Middleware(TrailingSlash, paths=[op.path for op in operations]),
        ],
    )
    app.state.context = context
    return app


class Served:
    """The application as a server runs it: an error the application logged and answered with
    500 is not raised on to the server, which would log the same traceback again."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            if not already_logged(exc):
                raise


def app_from_env() -> Served:
    """Factory for uvicorn workers, which each build their own app from the environment."""
    settings = Settings.from_env()
    logs.configure(settings.log_level, access_log=settings.access_log)
    app = create_app(settings)
    geo.warm_up()
    # The geo indexes and the imported modules live as long as the process: moved out of the
    # collector's view, full collections stop re-scanning them, which cut tail latency.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)
    # Worker threads (health checks, results batches, statistics) hand the interpreter back
    # every millisecond rather than every 5: a /dialer/next waiting for it waits less.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return Served(app)
