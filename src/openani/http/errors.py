"""One error shape for the whole API: ``{"error": {"code", "message", "fields"?}}``."""

from __future__ import annotations

import logging

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


async def unexpected_error(request: Request, exc: Exception) -> Response:
    # The path only: query strings may carry a company GUID.
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    # Answered outside the request observer, which adds the id to every other answer.
    request_id = REQUEST_ID.get()
    return error_response(
        500,
        "internal_error",
        "internal server error",
        headers={"X-Request-Id": request_id} if request_id else None,
    )


EXCEPTION_HANDLERS = {
    OpenAniError: openani_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
