"""A real webhook receiver: an HTTP server on 127.0.0.1 in a thread, recording every request.

It answers each POST with the next status of ``statuses`` (then ``default``), so a test can make
it fail a few times and then accept. Waiting helpers take a deadline that only guards against
hangs; nothing is timed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG_GUARD_S = 60.0


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]  # lower-cased names
    body: bytes
    status: int  # what the receiver answered

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data

    def signed_by(self, secret: str, header: str = "x-openani-signature") -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get(header, ""), expected)


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: list[int] = []
        self.default = 200
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._changed:
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                    receiver.received.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, status)
                    )
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(
        self, condition: Callable[[list[Received]], bool], what: str = "requests"
    ) -> list[Received]:
        deadline = time.monotonic() + HANG_GUARD_S
        with self._changed:
            while not condition(self.received):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"receiver never got {what}: {len(self.received)} so far")
                self._changed.wait(left)
            return list(self.received)

    def wait_count(self, count: int) -> list[Received]:
        return self.wait_for(lambda got: len(got) >= count, f"{count} requests")

    def accepted(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]

    def events(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Events of the deliveries it accepted, each delivery counted once."""
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for r in self.accepted():
            body = r.json
            if body["delivery_id"] in seen:
                continue
            seen.add(body["delivery_id"])
            out.extend(e for e in body["events"] if event_type in (None, e["type"]))
        return out

    def wait_events(self, event_type: str, count: int = 1) -> list[dict[str, Any]]:
        self.wait_for(lambda _: len(self.events(event_type)) >= count, f"{count} {event_type}")
        return self.events(event_type)


@contextmanager
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    server.start()
    try:
        yield server
    finally:
        server.stop()
