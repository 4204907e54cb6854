"""Shedding load: past ``max_in_flight`` requests in a process, new ones get a quick 503.

Answering "come back in a second" costs microseconds; queueing the request behind hundreds of
others would make every dialer wait, and time out, together. Health checks are never shed.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

_EXEMPT = ("/healthz", "/readyz")
_BODY = orjson.dumps(
    {"error": {"code": "overloaded", "message": "the server is busy; retry after 1 s"}}
)


class InFlightLimit:
    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _EXEMPT or self.max_in_flight <= 0:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"retry-after", b"1"),
                        (b"content-length", str(len(_BODY)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _BODY})
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
