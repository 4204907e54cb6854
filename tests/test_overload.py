"""Overload: an open-loop burst at 4x the measured throughput of POST /dialer/next.

A real single-process `openani serve` (SQLite, rate limits off, OPENANI_MAX_IN_FLIGHT=32 so that
shedding is reachable with a modest load on loopback) first gets a short closed-loop baseline;
then a burst at four times that rate is written on a fixed schedule over many pipelined
keep-alive connections, whatever the server answers. The server must stay up and answer every
request either 200 or with the deliberate 503 (Retry-After, code "overloaded"): no other 5xx,
no dropped connection, every request answered. After the burst a single request must succeed
again. The deadlines below only guard against a hang; they are generous so that a busy machine
does not fail the test.

No timed performance assertion: the figures (baseline, offered rate, answers, time to recover)
are printed (pytest -s) for the reader. Only 127.0.0.1; the traffic is a fixed number of
requests with deadlines, so the test stops by itself.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import orjson
import pytest

from openani.store.engine import Database
from tests.conftest import Tenant, make_tenant
from tests.support.burst import (
    Answer,
    LoadReport,
    RequestFactory,
    closed_loop,
    encode_request,
    open_loop,
    port_of,
    run,
)
from tests.support.load import killable_server

MAX_IN_FLIGHT = 32
BASELINE_CONNECTIONS = 8
BASELINE_S = 1.0
BURST_FACTOR = 4.0
BURST_CONNECTIONS = 256  # > MAX_IN_FLIGHT: pipelined, each may hold a request in the server
BURST_S = 3.0
# Hang guards, not speed bounds: for the answers still due after the burst's last request, and
# for the first 200 after it (the time it took is printed).
ANSWER_TIMEOUT_S = 60.0
RECOVERY_DEADLINE_S = 120.0
REQUEST_TIMEOUT_S = 30.0

AREAS = ("212", "305", "561", "415", "312")
ANIS = tuple(f"{area}55501{i:02d}" for area in AREAS for i in range(10))  # 50 numbers
CAMPAIGN = "burst"


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "openani.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def _setup_inventory(base: str, tenant: Tenant) -> None:
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=10) as api:
        settings = api.put("/dialer/settings", json={"daily_cap": 100_000, "cap_mode": "soft"})
        assert settings.status_code == 200, settings.text
        campaign = {"id": CAMPAIGN, "name": "Burst", "type": "Outbound"}
        response = api.post("/dialer/campaigns", json=campaign)
        assert response.status_code == 201, response.text
        for number in ANIS:
            ani = {"country_code": "+1", "number": number, "inbound_group_id": "g1"}
            response = api.post("/dialer/anis", json=ani)
            assert response.status_code == 201, response.text


def _next_body(n: int) -> dict[str, object]:
    return {
        "outbound_campaign": CAMPAIGN,
        "prospect_phone": f"{AREAS[n % len(AREAS)]}777{n % 10_000:04d}",
        "assignment_type": "area_code",
    }


def _next_requests(tenant: Tenant) -> RequestFactory:
    headers = {**tenant.headers, "Content-Type": "application/json"}

    def make(n: int) -> bytes:
        return encode_request("/dialer/next", headers, orjson.dumps(_next_body(n)))

    return make


def _judge(answer: Answer) -> str:
    """The label an answer is counted under; only "200" and "503" are acceptable."""
    try:
        body = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return f"{answer.status} (not JSON)"
    if answer.status == 200:
        return "200" if isinstance(body, dict) and body.get("ani") else "200 (no ani)"
    if answer.status == 503:
        error = body.get("error") if isinstance(body, dict) else None
        overloaded = isinstance(error, dict) and error.get("code") == "overloaded"
        retry_after = answer.headers.get("retry-after", "")
        if overloaded and retry_after.isdigit():
            return "503"
        return f"503 (Retry-After {retry_after!r}, body {body!r})"
    return str(answer.status)


def _recover(base: str, tenant: Tenant, since: float) -> tuple[float, int]:
    """Seconds from ``since`` (monotonic) until a single POST /dialer/next is answered 200 again,
    and the tries it took."""
    started = time.monotonic()
    tries = 0
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as api:
        while True:
            tries += 1
            try:
                response = api.post("/dialer/next", json=_next_body(tries))
                if response.status_code == 200:
                    return time.monotonic() - since, tries
            except httpx.TransportError:
                pass
            if time.monotonic() - started > RECOVERY_DEADLINE_S:
                pytest.fail(f"no 200 from /dialer/next within {RECOVERY_DEADLINE_S:.0f} s")
            time.sleep(0.05)


def _single_latencies_ms(base: str, tenant: Tenant, count: int = 20) -> list[float]:
    latencies: list[float] = []
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as api:
        for n in range(count):
            started = time.monotonic()
            response = api.post("/dialer/next", json=_next_body(n))
            latencies.append(1000 * (time.monotonic() - started))
            assert response.status_code == 200, response.text
    return sorted(latencies)


def _tracebacks(log: str) -> list[str]:
    lines = log.splitlines()
    return [" | ".join(lines[i : i + 3]) for i, line in enumerate(lines) if "Traceback" in line]


def test_burst_at_4x_throughput_is_shed_with_503_and_recovers(
    sqlite_db: Database, tmp_path: Path
) -> None:
    test_started = time.monotonic()
    tenant = make_tenant(sqlite_db)
    env = {"OPENANI_MAX_IN_FLIGHT": str(MAX_IN_FLIGHT)}
    with killable_server(
        sqlite_db.url, workers=1, env=env, log_path=tmp_path / "server.log"
    ) as server:
        _setup_inventory(server.base, tenant)
        port = port_of(server.base)
        make = _next_requests(tenant)

        baseline: LoadReport = run(
            closed_loop(port, make, _judge, connections=BASELINE_CONNECTIONS, duration_s=BASELINE_S)
        )
        assert not baseline.connection_errors, baseline.connection_errors[:5]
        assert set(baseline.labels) == {"200"}, baseline.examples
        baseline_rps = baseline.answered / baseline.elapsed_s
        offered_rps = BURST_FACTOR * baseline_rps

        burst: LoadReport = run(
            open_loop(
                port,
                make,
                _judge,
                connections=BURST_CONNECTIONS,
                rate=offered_rps,
                duration_s=BURST_S,
                answer_timeout_s=ANSWER_TIMEOUT_S,
            )
        )
        burst_ended = time.monotonic()
        alive = server.process.poll() is None
        recovered_s, tries = (
            _recover(server.base, tenant, burst_ended) if alive else (float("nan"), 0)
        )
        single_ms = _single_latencies_ms(server.base, tenant) if alive else []
        log = server.log_tail(20_000)

    print(  # shown with pytest -s
        f"\n[overload] baseline {baseline_rps:.0f} req/s ({BASELINE_CONNECTIONS} connections, "
        f"closed loop, p50 {baseline.percentile_ms(0.5):.1f} ms); "
        f"burst offered {offered_rps:.0f} req/s x {BURST_S:.0f} s over {BURST_CONNECTIONS} "
        f"connections = {burst.sent} requests (written in {burst.sending_s:.2f} s), "
        f"answered {burst.answered} in "
        f"{burst.elapsed_s:.2f} s: {dict(burst.labels)} "
        f"({burst.labels['200'] / max(burst.elapsed_s, 1e-9):.0f} x 200/s), "
        f"p50 {burst.percentile_ms(0.5):.1f} ms, "
        f"p99 {burst.percentile_ms(0.99):.1f} ms; {len(burst.connection_errors)} connection "
        f"errors; first 200 {recovered_s:.3f} s after the burst's last answer ({tries} tries); "
        f"single requests afterwards: p50 "
        f"{single_ms[len(single_ms) // 2] if single_ms else float('nan'):.1f} ms; "
        f"test {time.monotonic() - test_started:.1f} s"
    )

    assert alive, f"the server died under the burst: {log[-3000:]}"
    assert not burst.connection_errors, burst.connection_errors[:10]
    assert burst.unanswered == 0, (
        f"{burst.unanswered} of {burst.sent} requests unanswered {ANSWER_TIMEOUT_S:.0f} s "
        "after the burst"
    )
    unacceptable = {label: n for label, n in burst.labels.items() if label not in ("200", "503")}
    assert not unacceptable, (unacceptable, {k: burst.examples[k] for k in unacceptable})
    assert burst.labels["503"] > 0, (
        f"the burst never passed {MAX_IN_FLIGHT} requests in flight: {dict(burst.labels)}"
    )
    assert burst.labels["200"] > 0, "nothing was served during the burst"
    assert not _tracebacks(log), _tracebacks(log)[:5]
