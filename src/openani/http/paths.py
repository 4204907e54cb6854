"""Trailing slashes: ``/dialer/next/`` is ``/dialer/next``.

Starlette would answer a redirect, which many POST clients do not follow (a dialer's call then
goes out without a caller ID). Known paths with a trailing slash are served as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send


class TrailingSlash:
    def __init__(self, app: ASGIApp, paths: Iterable[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if len(path) > 1 and path.endswith("/") and path.rstrip("/") in self.paths:
                bare = path.rstrip("/")
                # In place, as the router itself does, so the request observer outside sees
                # the route it reached.
                scope["path"] = bare
                scope["raw_path"] = bare.encode()
        await self.app(scope, receive, send)
