"""Liveness (no database) and readiness (database reachable and migrated)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import context_of
from openani.http.operations import Operation
from openani.http.responses import JSONResponse, error_response
from openani.store import migrate
from openani.wire import ErrorResponse, Output


class HealthStatus(Output):
    status: str


async def healthz(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        up_to_date = migrate.is_up_to_date(context_of(request).db)
    except Exception as exc:  # any driver error means "not ready", never a 500
        return error_response(
            503, "database_unavailable", f"database unreachable: {type(exc).__name__}"
        )
    if not up_to_date:
        return error_response(503, "database_not_migrated", "run `openani db upgrade`")
    return JSONResponse({"status": "ready"})


OPERATIONS = [
    Operation(
        "GET",
        "/healthz",
        "Liveness: the process answers",
        healthz,
        "health",
        responses={200: HealthStatus},
        authenticated=False,
    ),
    Operation(
        "GET",
        "/readyz",
        "Readiness: the database is reachable and migrated",
        readyz,
        "health",
        responses={200: HealthStatus, 503: ErrorResponse},
        authenticated=False,
    ),
]
