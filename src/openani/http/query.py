"""Query strings with NUL characters are refused before any handler sees them.

No identifier, filter or date has a NUL, and PostgreSQL cannot compare text with one: rather
than each of the many query-reading handlers checking, the request is answered 422 here, naming
the parameters. The results callback answers in its own shape and checks its parameters itself.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from openani.errors import ValidationFailed
from openani.http.responses import error_response
from openani.validation import nul_fields


class RefuseNulQuery:
    def __init__(self, app: ASGIApp, exempt: str = "") -> None:
        self.app = app
        self.exempt = exempt or "\0"

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
                refused = ValidationFailed(fields)
                response = error_response(refused.status, refused.code, refused.message, fields)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
