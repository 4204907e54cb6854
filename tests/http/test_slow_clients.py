"""Clients that trickle a body in, or never send it, cannot make the service answer 503.

Regression: on the main of the time, POSTs announcing a large body and sending one byte held
the process's in-flight slots for as long as they liked (no body-read timeout; the callback read
its body before checking its GUID; unauthenticated requests counted), so every /dialer/next
was shed with 503 while /healthz stayed 200. Fails there; passes with a body-read timeout, body
waits holding no slot, a budget of /dialer/next's own and the GUID checked first.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager

import httpx2 as httpx
from starlette.testclient import TestClient

from openani.store.engine import Database
from tests.conftest import Tenant, make_tenant
from tests.http.test_results import seed_params
from tests.support.seed import CALLBACK, COMPANY
from tests.support.server import running_server

MAX_IN_FLIGHT = 8
SLOW_EACH = 3 * MAX_IN_FLIGHT  # more than any budget holds


def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


@contextmanager
def _slow_request(base: str, path: str, headers: dict[str, str]) -> Iterator[socket.socket]:
    """A POST announcing 100,000 bytes of body and sending one."""
    sock = socket.create_connection(("127.0.0.1", _port(base)), timeout=30)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 100000"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + b"{")
    try:
        yield sock
    finally:
        sock.close()


def _status(sock: socket.socket) -> int:
    """The status of the answer on ``sock`` (waits for it; the socket's timeout bounds it)."""
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed without an answer: {head!r}")
        head += chunk
    return int(head.split(b" ", 2)[1])


def test_slow_bodies_neither_starve_next_nor_stay_forever(db: Database) -> None:
    tenant = make_tenant(db)
    env = {"OPENANI_MAX_IN_FLIGHT": str(MAX_IN_FLIGHT), "OPENANI_BODY_TIMEOUT_S": "3"}
    with running_server(db.url, env=env) as base, ExitStack() as stack:
        unknown = f"{CALLBACK}?{COMPANY}=00000000-0000-0000-0000-000000000000"
        slow = [
            # The results callback naming its company in the body only: the body must be read.
            *(stack.enter_context(_slow_request(base, CALLBACK, {})) for _ in range(SLOW_EACH)),
            # Authenticated requests, to another endpoint and to /dialer/next itself.
            *(
                stack.enter_context(_slow_request(base, path, tenant.headers))
                for path in ("/dialer/anis", "/dialer/next")
                for _ in range(SLOW_EACH)
            ),
            # No credential at all.
            *(stack.enter_context(_slow_request(base, "/dialer/next", {})) for _ in range(3)),
        ]
        # A GUID in the query string that names no company: refused before the body is read.
        with _slow_request(base, unknown, {}) as refused_early:
            assert _status(refused_early) == 401

        def next_status(n: int) -> int:
            body = {"outbound_campaign": "c1", "prospect_phone": f"561777{n:04d}"}
            with httpx.Client(base_url=base, headers=tenant.headers, timeout=30) as client:
                return client.post("/dialer/next", json=body).status_code

        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(next_status, range(2 * MAX_IN_FLIGHT)))
        assert 503 not in statuses
        assert set(statuses) <= {200, 404}

        # Every slow request is answered once its time is up: 408, or 401 without a key.
        answers = [_status(sock) for sock in slow]
    assert answers.count(401) == 3
    assert answers.count(408) == len(slow) - 3


def test_a_huge_form_of_repeated_pairs_is_refused_before_it_is_parsed(
    client: TestClient, tenant: Tenant
) -> None:
    """Regression: 262,000 pairs were all parsed (about 0.2 s of CPU) before the GUID check."""
    form = "&".join(["a=b"] * 262_000)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    unknown = client.post(
        CALLBACK, params={COMPANY: "00000000-0000-0000-0000-000000000000"}, content=form,
        headers=headers,
    )  # fmt: skip
    assert unknown.status_code == 401
    in_body = client.post(CALLBACK, content=form, headers=headers)
    assert in_body.status_code == 400
    assert "too many parameters" in in_body.json()["reason"]
    # A complete callback with its KPIs still fits.
    params = seed_params(tenant)
    kpis = "&".join(f"kpi{i}=1" for i in range(50))
    body = "&".join(f"{name}={value}" for name, value in params.items()) + "&" + kpis
    assert client.post(CALLBACK, content=body, headers=headers).json() == {"result": "SUCCESS"}
