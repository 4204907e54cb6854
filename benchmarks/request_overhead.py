"""Event-loop CPU that the request observer and the hot path's forgiving reader add per call.

    .venv/bin/python benchmarks/request_overhead.py

Each piece is timed alone, in process, as thread CPU time over 50,000 calls (median of 5
runs), so a busy machine inflates the figures less than a load test: a bare ASGI app; the same
behind the request observer (metrics, request id) without and with an access log line; the
trailing-slash check; reading a /dialer/next body leniently and counting the pick. Compare the
sum with a whole /dialer/next call (benchmarks/next_ani.py).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from typing import Any

from openani.assign.models import NEXT_RULES
from openani.http.paths import TrailingSlash
from openani.lenient import clean
from openani.observability import logs, metrics
from openani.observability.middleware import RequestObserver

CALLS = 50_000
RUNS = 5
BODY = {
    "outbound_campaign": "c123",
    "prospect_phone": "5617778888",
    "prospect_zip": "33432",
    "use_branded": True,
    "assignment_type": "zip",
}


class _Route:
    path = "/dialer/next"


async def routed(scope: Any, receive: Any, send: Any) -> None:
    scope["route"] = _Route
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(_message: Any) -> None:
    pass


def scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/dialer/next",
        "headers": [(b"x-apikey", b"k"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
    }


async def per_call(app: Any) -> float:
    for _ in range(2000):
        await app(scope(), receive, send)
    start = time.thread_time()
    for _ in range(CALLS):
        await app(scope(), receive, send)
    return (time.thread_time() - start) / CALLS * 1e6


def reading() -> float:
    start = time.thread_time()
    for _ in range(CALLS):
        clean(BODY, NEXT_RULES)
        metrics.picked("zip", "zip", False)
    return (time.thread_time() - start) / CALLS * 1e6


async def main() -> None:
    with open(os.devnull, "w") as sink:
        logs.configure("info", stream=sink, access_log=True)
        runs: dict[str, list[float]] = {}
        for _ in range(RUNS):
            runs.setdefault("bare ASGI app", []).append(await per_call(routed))
            observer = RequestObserver(routed, access_log=False)
            runs.setdefault("+ request observer", []).append(await per_call(observer))
            logged = RequestObserver(routed, access_log=True)
            runs.setdefault("+ observer and access log", []).append(await per_call(logged))
            slash = TrailingSlash(routed, ["/dialer/next"])
            runs.setdefault("+ trailing-slash check", []).append(await per_call(slash))
            runs.setdefault("lenient body + pick metric", []).append(reading())
        logs.shutdown()
    bare = statistics.median(runs["bare ASGI app"])
    for name, values in runs.items():
        value = statistics.median(values)
        added = f"  (+{value - bare:.2f} us)" if name.startswith("+") else ""
        print(f"{name:30s} {value:7.2f} us{added}")


if __name__ == "__main__":
    asyncio.run(main())
