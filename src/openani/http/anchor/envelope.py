"""What every route of the anchor's current edition shares: its failure envelope and its names.

The vendor's SDKs read a failure's reason from a top-level ``message`` (and 401/403 as an
authentication error, 429 with ``Retry-After`` as a rate limit). A failure here therefore answers
``{"success": false, "message", "error": {...}}``: the SDK's two members around openani's one
error object, with the same status codes as the rest of the API. Field names in the error are
the SDK's (``dialer_campaign``, not ``outbound_campaign``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import OpenAniError, ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import AppContext, company_of, context_of
from openani.http.offload import in_worker
from openani.http.operations import ResponseShape
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse, error_object
from openani.store.companies import Company
from openani.wire import ErrorBody, Output

# The SDK's name of a field -> openani's name of the same field.
Names = Mapping[str, str]


class AnchorFailure(Output):
    success: bool = Field(description="false")
    message: str = Field(description="Why, as the SDKs read it")
    error: ErrorBody


# 503 (too many requests in flight) is answered before any route, in openani's own shape.
FAILURES: dict[int, ResponseShape] = {
    code: AnchorFailure if code != 503 else shape for code, shape in ERROR_RESPONSES.items()
}


def failure_body(exc: OpenAniError) -> dict[str, Any]:
    return {
        "success": False,
        "message": exc.message,
        "error": error_object(exc.code, exc.message, exc.fields, exc.extra),
    }


def failure(exc: OpenAniError) -> Response:
    return JSONResponse(failure_body(exc), status_code=exc.status, headers=exc.headers)


def in_sdk_names(text: str, names: Names) -> str:
    """``text`` with openani's field names replaced by the SDK's."""
    back = {ours: theirs for theirs, ours in names.items() if theirs != ours}
    if not back:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(name) for name in back) + r")\b")
    return pattern.sub(lambda match: back[match.group(1)], text)


def renamed(exc: OpenAniError, names: Names) -> OpenAniError:
    """``exc`` speaking the SDK's field names, in its fields and its message."""
    exc.fields = {
        in_sdk_names(name, names): in_sdk_names(reason, names)
        for name, reason in exc.fields.items()
    }
    exc.message = in_sdk_names(exc.message, names)
    return exc


def to_seed(body: Mapping[str, Any], names: Names) -> dict[str, Any]:
    """The SDK's body in openani's names; fields ``names`` does not list stay as they are, so
    the service behind refuses (or ignores) them by their own name."""
    return {names.get(name, name): value for name, value in body.items()}


Handler = Callable[[Request], Awaitable[Response]]
Call = Callable[[AppContext, Company, dict[str, Any]], Awaitable[Any] | Any]


def anchor_route(
    call: Call,
    *,
    names: Names | None = None,
    forgiving: bool = False,
    body_optional: bool = False,
) -> Handler:
    """A handler that authenticates, reads the JSON body, answers what ``call`` returns, and
    answers any refusal in the SDK's failure envelope (field names as the SDK sends them).
    ``forgiving`` (the routes a waiting call depends on) reads the body as JSON whatever its
    Content-Type; ``body_optional``: no body is the empty object."""

    async def handler(request: Request) -> Response:
        try:
            company = company_of(request)
            context = context_of(request)
            body = await read_json_object(
                request, context.settings.max_body_bytes, require_content_type=not forgiving
            )
            if body is None:
                if not body_optional:
                    raise ValidationFailed({"body": "is required: a JSON object"})
                body = {}
            if inspect.iscoroutinefunction(call):
                answer = await call(context, company, body)
            else:  # reads and writes of the database: in a worker, off the event loop
                answer = await in_worker(call, context, company, body)
        except OpenAniError as exc:
            return failure(renamed(exc, names or {}))
        return JSONResponse(answer)

    return handler


def guarded(handler: Handler) -> Handler:
    """Any handler whose refusals are answered in the SDK's failure envelope."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except OpenAniError as exc:
            return failure(exc)

    return wrapped
