"""One error shape for the whole API: ``{"error": {"code", "message", "fields"?}}``."""

from __future__ import annotations

import logging
import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import OpenAniError
from openani.http.responses import error_response
from openani.observability.logs import REQUEST_ID

log = logging.getLogger("openani.http")

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


async def openani_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OpenAniError)
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers, exc.extra)


async def http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(
        exc.status_code, code, str(exc.detail), headers=dict(exc.headers) if exc.headers else None
    )


# One traceback per kind of failure and route in this window; the others are counted and the
# count told with the next traceback: a failure repeated by every request must not bury the
# log (a test once wrote 130,000 lines of one).
TRACEBACK_EVERY_S = 60.0
_last_traceback: dict[tuple[str, str, str], tuple[float, int]] = {}


async def unexpected_error(request: Request, exc: Exception) -> Response:
    route = getattr(request.scope.get("route"), "path", "unmatched")
    key = (type(exc).__qualname__, request.method, route)
    now = time.monotonic()
    last, suppressed = _last_traceback.get(key, (-TRACEBACK_EVERY_S, 0))
    if now - last < TRACEBACK_EVERY_S:
        _last_traceback[key] = (last, suppressed + 1)
    else:
        if len(_last_traceback) > 1000:
            _last_traceback.clear()
        _last_traceback[key] = (now, 0)
        # The route template only: paths and query strings may carry numbers and GUIDs.
        log.exception(
            "unhandled error on %s %s", request.method, route, extra={"suppressed": suppressed}
        )
    # Logged: the server that runs the application need not log it again (see SERVED).
    exc.openani_logged = True  # type: ignore[attr-defined]
    # Answered outside the request observer, which adds the id to every other answer.
    request_id = REQUEST_ID.get()
    return error_response(
        500,
        "internal_error",
        "internal server error",
        headers={"X-Request-Id": request_id} if request_id else None,
    )


def already_logged(exc: BaseException) -> bool:
    """Whether ``unexpected_error`` logged and answered ``exc`` (Starlette raises it again
    afterwards, for servers and test clients; a served application swallows it then)."""
    return bool(getattr(exc, "openani_logged", False))


EXCEPTION_HANDLERS = {
    OpenAniError: openani_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
