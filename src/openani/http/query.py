"""Query strings with NUL characters are refused before any handler sees them.

No identifier, filter or date has a NUL, and PostgreSQL cannot compare text with one: rather
than each of the many query-reading handlers checking, the request is answered 422 here, naming
the parameters. The results callback answers in its own shape and checks its parameters itself;
``respond`` may answer other paths in their own shape.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from openani.errors import OpenAniError, ValidationFailed
from openani.http.responses import error_response
from openani.validation import nul_fields


def _refused(_path: str, exc: OpenAniError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.fields)


class RefuseNulQuery:
    def __init__(
        self,
        app: ASGIApp,
        exempt: str = "",
        respond: Callable[[str, OpenAniError], Response] = _refused,
    ) -> None:
        self.app = app
        self.exempt = exempt or "\0"
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # "%00" has no letters, so the raw bytes are enough to tell; parsing only when present.
        if (
            scope["type"] == "http"
            and b"%00" in scope.get("query_string", b"")
            and not scope["path"].startswith(self.exempt)
        ):
            query = scope["query_string"].decode("latin-1")
            fields: dict[str, str] = {}
            for name, value in parse_qsl(query, keep_blank_values=True):
                fields.update(nul_fields({name: value}))
            if fields:
                response = self.respond(scope["path"], ValidationFailed(fields))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
