"""Shedding load: past ``max_in_flight`` requests in a process, new ones get a quick 503.

Answering "come back in a second" costs microseconds; queueing the request behind hundreds of
others would make every dialer wait, and time out, together. Health checks are never shed.

What a slot protects is the work of serving a request, so three kinds of waiting hold none:

- ``/dialer/next`` (and its batch) have a budget of their own: nothing else, however slow or
  numerous, can take the slots of the calls a dialer is waiting on;
- a request that carries no credential at all (no API key or console cookie, and not the
  results callback, whose company GUID may be in its body) is refused at once and is not
  counted;
- a request waiting for its body gives its slot back until the body has arrived
  (``body_wait``): a client trickling a body in holds a connection, not a slot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

_EXEMPT = ("/healthz", "/readyz")
_HOT = ("/dialer/next", "/dialer/next/batch")
_CREDENTIALS = (b"x-apikey", b"authorization", b"cookie")  # the console signs in by cookie
_SLOT = "openani.slot"
_BODY = orjson.dumps(
    {"error": {"code": "overloaded", "message": "the server is busy; retry after 1 s"}}
)


class _Budget:
    __slots__ = ("in_flight",)

    def __init__(self) -> None:
        self.in_flight = 0


class _Slot:
    """A request's place in a budget, given back while it waits (see ``body_wait``)."""

    __slots__ = ("budget", "held")

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.held = True
        budget.in_flight += 1

    def give_back(self) -> None:
        if self.held:
            self.held = False
            self.budget.in_flight -= 1

    def retake(self) -> None:
        # Unconditionally: the request has been admitted, and its body has been paid for.
        if not self.held:
            self.held = True
            self.budget.in_flight += 1


@contextmanager
def body_wait(scope: dict[str, Any] | Any) -> Iterator[None]:
    """Around a wait for the request body: the request holds no in-flight slot meanwhile."""
    slot: _Slot | None = scope.get(_SLOT)
    if slot is None:
        yield
        return
    slot.give_back()
    try:
        yield
    finally:
        slot.retake()


def _carries_credential(scope: Scope, callback_path: str) -> bool:
    if scope["path"].startswith(callback_path):
        return True
    return any(name in _CREDENTIALS for name, _ in scope.get("headers", ()))


class InFlightLimit:
    def __init__(self, app: ASGIApp, max_in_flight: int, callback_path: str = "") -> None:
        """``callback_path``: the results callback, authenticated by a GUID rather than a key."""
        self.app = app
        self.max_in_flight = max_in_flight
        self.callback_path = callback_path or "\0"
        self.hot = _Budget()
        self.other = _Budget()

    @property
    def in_flight(self) -> int:
        return self.hot.in_flight + self.other.in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.max_in_flight <= 0
            or scope["path"] in _EXEMPT
            or not _carries_credential(scope, self.callback_path)
        ):
            await self.app(scope, receive, send)
            return
        budget = self.hot if scope["path"].rstrip("/") in _HOT else self.other
        if budget.in_flight >= self.max_in_flight:
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
        slot = _Slot(budget)
        scope[_SLOT] = slot
        try:
            await self.app(scope, receive, send)
        finally:
            slot.give_back()
