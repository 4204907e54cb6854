"""Reading request bodies: size limit, time limit, content type, JSON object."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.requests import ClientDisconnect, Request

from openani.errors import (
    ClientDisconnected,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    ValidationFailed,
)
from openani.http.overload import body_wait
from openani.validation import plain_digits


async def read_body(request: Request, max_bytes: int, timeout_s: float | None = None) -> bytes:
    """The whole body, refused with 413 past ``max_bytes`` and 408 when it has not arrived
    within ``timeout_s`` (default: the application's ``body_timeout_s``; 0: no limit).

    While it waits for the body the request holds no in-flight slot (see http.overload).
    """
    declared = request.headers.get("content-length")
    if declared is not None and plain_digits(declared) and int(declared) > max_bytes:
        raise PayloadTooLarge(f"request body is over the limit of {max_bytes} bytes")
    if timeout_s is None:
        timeout_s = request.app.state.context.settings.body_timeout_s
    chunks: list[bytes] = []
    size = 0
    with body_wait(request.scope):
        try:
            async with asyncio.timeout(timeout_s or None):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > max_bytes:
                        raise PayloadTooLarge(
                            f"request body is over the limit of {max_bytes} bytes"
                        )
                    chunks.append(chunk)
        except ClientDisconnect:
            raise ClientDisconnected("the client closed the connection mid-body") from None
        except TimeoutError:
            raise RequestTimeout(
                f"the request body did not arrive within {timeout_s:g} s"
            ) from None
    return b"".join(chunks)


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def read_json_object(
    request: Request, max_bytes: int, *, require_content_type: bool = True
) -> dict[str, Any] | None:
    """The JSON object in the body, or None for an empty body.

    GET and DELETE bodies are read whatever their content type: clients that manage to send a
    body with GET often leave the header out.
    """
    raw = await read_body(request, max_bytes)
    if not raw.strip():
        return None
    if require_content_type and not _is_json(request.headers.get("content-type")):
        raise UnsupportedMediaType("the request body must be JSON (Content-Type: application/json)")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed({"body": f"is not valid JSON: {exc}"}) from None
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "must be a JSON object"})
    return data
