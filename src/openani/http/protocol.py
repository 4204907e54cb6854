"""The HTTP/1.1 protocol the server speaks: uvicorn's httptools protocol with bounded heads.

uvicorn reads a request's line and headers however long they are and however slowly they come:
an 8 MB ``X-ApiKey`` was read in full, unfinished heads of 48 MB cost ~90 MB per worker, and
thousands of connections that never sent a byte stayed open. Here a head (request line and
headers) may be at most ``max_header_bytes`` (past it: 431 and the connection is closed) and must
be complete ``header_timeout_s`` after the connection opened or the request's first byte came
(past it: 408 and closed). Between requests the keep-alive timeout closes idle connections.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from openani.settings import Settings


@cache
def _limits() -> tuple[int, float]:
    settings = Settings.from_env()
    return settings.max_header_bytes, settings.header_timeout_s


def _refusal(status: bytes, message: str) -> bytes:
    body = b'{"error":{"code":"%s","message":"%s"}}' % (
        status.split(b" ", 1)[1].lower().replace(b" ", b"_"),
        message.encode(),
    )
    return (
        b"HTTP/1.1 %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
        b"content-length: %d\r\n\r\n%s" % (status, len(body), body)
    )


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_head, self._head_timeout = _limits()
        self._in_head = True
        self._head_bytes = 0
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # A chunk that completed the head may carry body bytes too: only chunks after which the
        # head is still unfinished count, all of them head.
        if self._in_head and not self.transport.is_closing():
            self._head_bytes += len(data)
            if self._max_head and self._head_bytes > self._max_head:
                self._refuse(
                    b"431 Request Header Fields Too Large",
                    f"the request line and headers are over {self._max_head} bytes",
                )

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._disarm_head_timer()
        super().on_headers_complete()

    def _arm_head_timer(self) -> None:
        if self._head_timer is None and self._head_timeout > 0:
            self._head_timer = self.loop.call_later(self._head_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head and self.transport is not None and not self.transport.is_closing():
            message = f"the request headers did not arrive within {self._head_timeout:g} s"
            self._refuse(b"408 Request Timeout", message)

    def _refuse(self, status: bytes, message: str) -> None:
        self._disarm_head_timer()
        self.transport.write(_refusal(status, message))
        self.transport.close()
