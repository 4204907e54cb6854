"""GET /metrics: Prometheus text format (no API key; optionally a bearer token of its own)."""

from __future__ import annotations

import asyncio
import hmac

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import Unauthorized
from openani.http.context import context_of
from openani.http.operations import Operation
from openani.wire import ErrorResponse


async def metrics(request: Request) -> Response:
    context = context_of(request)
    token = context.settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("/metrics needs Authorization: Bearer <OPENANI_METRICS_TOKEN>")
    body = await asyncio.to_thread(context.exposition.render)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


OPERATIONS = [
    Operation(
        "GET",
        "/metrics",
        "Prometheus metrics of the server (and of the database: numbers per status, webhook "
        "deliveries waiting)",
        metrics,
        "health",
        authenticated=False,
        responses={200: None, 401: ErrorResponse},
        description="Text exposition format. Needs `Authorization: Bearer <token>` when the "
        "server has OPENANI_METRICS_TOKEN set.",
    )
]
