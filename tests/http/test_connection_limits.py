"""Request heads are bounded in size and time; silent connections are closed.

Regression: on the main of the time an 8 MB ``X-ApiKey`` was read in full, unfinished 48 MB
heads cost ~90 MB per worker, and 3,000 connections that never sent a byte stayed open. Fails
there (the oversized head is read on, the silent connections never hear from the server);
passes with a 32 KiB head limit (431) and a head timeout (408, then closed).
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

from openani.store.engine import Database
from tests.conftest import make_tenant
from tests.support.server import running_server

HEAD_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    path = tmp_path_factory.mktemp("limits") / "openani.db"
    shutil.copy(sqlite_template, path)
    env = {"OPENANI_HEADER_TIMEOUT_S": str(HEAD_TIMEOUT_S)}
    with running_server(f"sqlite:///{path}", env=env) as base:
        yield base


def _connect(base: str) -> socket.socket:
    return socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30)


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_an_oversized_header_is_refused_before_it_is_read_on(served: str) -> None:
    with _connect(served) as sock:
        sock.sendall(b"GET /dialer/campaigns HTTP/1.1\r\nHost: x\r\nX-ApiKey: oak_")
        sock.sendall(b"A" * 64 * 1024)  # twice the limit, and no end of the head in sight
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
    assert b"request_header_fields_too_large" in answer


def test_silent_and_trickling_connections_are_closed(served: str) -> None:
    silent = [_connect(served) for _ in range(50)]
    trickling = _connect(served)
    trickling.sendall(b"GET /healthz HTTP/1.1\r\n")
    deadline = time.monotonic() + 4 * HEAD_TIMEOUT_S
    try:
        while time.monotonic() < deadline:  # one header byte a while, the head never ends
            try:
                trickling.sendall(b"X")
            except OSError:
                break
            time.sleep(0.2)
        answers = [_answer(sock) for sock in [*silent, trickling]]
    finally:
        for sock in [*silent, trickling]:
            sock.close()
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer in answers), {a[:40] for a in answers}


def test_ordinary_requests_are_served(served: str) -> None:
    with httpx.Client(base_url=served, timeout=30) as client:
        assert client.get("/healthz").status_code == 200
        # A body far larger than the head limit, sent with the head: still a request.
        padding = {"outbound_campaign": "c1", "prospect_phone": "5617778888", "x": "y" * 100_000}
        response = client.post("/dialer/next", json=padding, headers={"X-ApiKey": "oak_x"})
        assert response.status_code == 401
        # Keep-alive: a second request on the same connection after a pause shorter than the
        # head timeout.
        time.sleep(HEAD_TIMEOUT_S / 2)
        assert client.get("/healthz").status_code == 200


def test_the_head_limit_holds_on_both_databases(db: Database) -> None:
    """The limits live in the HTTP layer; served on either database, a valid request with
    many ordinary headers is served and an oversized one refused."""
    tenant = make_tenant(db)
    with running_server(db.url) as base:
        headers = {**tenant.headers, **{f"X-Trace-{i}": "v" * 100 for i in range(50)}}
        assert httpx.get(f"{base}/dialer/campaigns", headers=headers).status_code == 200
        with _connect(base) as sock:
            sock.sendall(b"GET /dialer/campaigns HTTP/1.1\r\nHost: x\r\nX-Big: " + b"B" * 40_000)
            assert _answer(sock).startswith(b"HTTP/1.1 431 ")
