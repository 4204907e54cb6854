"""Per request: an id (taken from X-Request-Id or made), its metrics and its access log line.

A plain ASGI middleware rather than Starlette's BaseHTTPMiddleware, which would run every request
in a task of its own: this adds a few microseconds to /dialer/next, no more.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openani.observability import logs, metrics
from openani.observability.logs import REQUEST_ID, request_id_from

UNMATCHED = "unmatched"


class RequestObserver:
    def __init__(self, app: ASGIApp, *, access_log: bool = False) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        header = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                header = value.decode("latin-1")
                break
        request_id = request_id_from(header)
        token = REQUEST_ID.set(request_id)
        echoed = request_id.encode()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", echoed)]
            await send(message)

        failed = True
        try:
            await self.app(scope, receive, observed_send)
            failed = False
        finally:
            seconds = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", UNMATCHED) if route is not None else UNMATCHED
            metrics.observe_request(template, scope["method"], status, seconds)
            if self.access_log:
                client = scope.get("client")
                # The path only: query strings carry company GUIDs and numbers.
                logs.access(
                    (
                        time.time(),
                        scope["method"],
                        template,
                        scope["path"],
                        status,
                        seconds,
                        client[0] if client else None,
                        request_id,
                    )
                )
            if not failed:
                REQUEST_ID.reset(token)
            # else: the id stays set for the error handler outside, which logs the failure and
            # answers it (each request runs in a task, and so a context, of its own).
