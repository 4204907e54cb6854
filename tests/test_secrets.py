"""API keys and company GUIDs never reach the server's log, whatever the request did."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx2 as httpx

from openani.store.engine import Database
from tests.conftest import make_tenant
from tests.http.test_results import seed_params
from tests.support.postgres import _free_port
from tests.support.seed import CALL_TIME, CALLBACK


def test_secrets_stay_out_of_the_log(db: Database) -> None:
    tenant = make_tenant(db)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "openani.cli", "serve", "--port", str(port), "--database-url",
         db.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "OPENANI_RATE_PER_KEY": "1", "OPENANI_BURST_PER_KEY": "3"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        with httpx.Client(base_url=base, timeout=10) as client:
            headers = tenant.headers
            client.post("/dialer/campaigns", json={"id": "c1", "name": "x", "type": "Outbound"},
                        headers=headers)  # fmt: skip
            client.post("/dialer/next", json={"outbound_campaign": "c1", "prospect_phone": "1"},
                        headers=headers)  # fmt: skip
            for _ in range(5):  # past the rate limit
                client.get("/dialer/campaigns", headers=headers)
            client.get("/dialer/campaigns", headers={"X-ApiKey": tenant.api_key + "x"})
            client.get(CALLBACK, params=seed_params(tenant))
            client.get(CALLBACK, params=seed_params(tenant, **{CALL_TIME: "not a time"}))
            client.get(f"{CALLBACK}?{tenant.company.guid}=%ff%fe")
            client.post("/dialer/results", content=b"{", headers={**headers,
                        "Content-Type": "application/json"})  # fmt: skip
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=30)
    secret = tenant.api_key.split("_", 2)[2]
    assert secret not in output
    assert tenant.company.guid not in output
