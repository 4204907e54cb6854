"""Work that can take more than a millisecond runs in worker threads, off the event loop.

The event loop of a server process also answers /dialer/next; a health check over thousands of
numbers, a 1,000-row results batch or a statistics read on it would hold every waiting call.
Such work runs here, in a pool of its own: the claim writer's threads and the default executor
are never taken by it, and at most ``WORKERS`` such jobs run at once per process (more wait
their turn without holding the loop). The response is rendered in the thread too, since
serialising a large page is itself slow.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from openani.http.responses import JSONResponse

P = ParamSpec("P")
T = TypeVar("T")

WORKERS = 4
_EXECUTOR = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="openani-work")


async def in_worker(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in a worker thread; the event loop serves others meanwhile."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_EXECUTOR, functools.partial(fn, *args, **kwargs))


async def json_in_worker(fn: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> JSONResponse:
    """A 200 JSON response of ``fn(*args, **kwargs)``, computed and rendered in a worker."""

    def render() -> JSONResponse:
        return JSONResponse(fn(*args, **kwargs))

    return await in_worker(render)
