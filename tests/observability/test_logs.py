"""JSON logs: what a real server writes, on both databases, and the scrubbing behind it."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any

import httpx2 as httpx

from openani.cli import shown_database
from openani.observability import logs
from openani.store.engine import Database
from tests.conftest import Tenant, make_tenant
from tests.http.test_results import seed_params
from tests.support.postgres import _free_port
from tests.support.seed import CALL_TIME, CALLBACK

PROSPECTS = ("5617778888", "3125550199", "2025550143")


def test_scrub_removes_keys_guids_and_numbers() -> None:
    text = (
        "key oak_0123456789abcdef_SeCrEt-_x guid 0504BD2B-f9eb-4a72-b497-7c8cac8692a0 "
        "phone 5617778888 +15617778888 secret whsec_abc-DEF_1 keep 2026-11-27 10:15 id 42"
    )
    cleaned = logs.scrub(text)
    for secret in ("SeCrEt", "0504BD2B", "5617778888", "whsec_abc"):
        assert secret not in cleaned
    assert "oak_0123456789abcdef_[redacted]" in cleaned  # the public key id stays
    assert "2026-11-27 10:15" in cleaned and "id 42" in cleaned


def test_formatter_writes_one_json_object_with_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger("openani.test.formatter")
    logger.addHandler(handler)
    logger.propagate = False
    token = logs.REQUEST_ID.set("req-1")
    try:
        logger.warning("number %s failed", "5617778888", extra={"route": "/dialer/next"})
        try:
            raise ValueError("boom for oak_0123456789abcdef_secret")
        except ValueError:
            logger.exception("crashed")
    finally:
        logs.REQUEST_ID.reset(token)
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "warning"
    assert first["logger"] == "openani.test.formatter"
    assert first["message"] == "number [number] failed"
    assert first["request_id"] == "req-1"
    assert first["route"] == "/dialer/next"
    assert "ValueError" in second["exception"] and "_secret" not in second["exception"]


def test_shown_database_has_no_credentials() -> None:
    shown = shown_database("postgresql://openani:pa55word@db.internal:5432/openani")
    assert shown == "postgresql://db.internal:5432/openani"
    assert shown_database("sqlite:///./data/openani.db") == "sqlite:///./data/openani.db"


def _serve(db: Database, *flags: str) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "openani.cli", "serve", "--port", str(port),
         "--database-url", db.url, *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OPENANI_HEALTH_CHECK_S": "0"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{base}/healthz")
            return server, base
        except httpx.TransportError:
            assert server.poll() is None, "server exited"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)


def _stop(server: subprocess.Popen[str]) -> list[dict[str, Any]]:
    server.send_signal(signal.SIGINT)
    _, output = server.communicate(timeout=30)
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def _traffic(base: str, tenant: Tenant) -> None:
    headers = tenant.headers
    with httpx.Client(base_url=base, timeout=10) as client:
        client.post("/dialer/campaigns", json={"id": "c1", "name": "x", "type": "Outbound"},
                    headers=headers)  # fmt: skip
        client.post("/dialer/anis", json={"country_code": "+1", "number": "5615550100",
                    "inbound_group_id": "g"}, headers=headers)  # fmt: skip
        traced = {**headers, "X-Request-Id": "dialer-req-7"}
        client.post("/dialer/next", json={"outbound_campaign": "c1",
                    "prospect_phone": PROSPECTS[0], "prospect_zip": "33432"},
                    headers=traced)  # fmt: skip
        client.post("/dialer/next", json={"outbound_campaign": "c1",
                    "prospect_phone": PROSPECTS[1], "inventory_group_ids": ["none"]},
                    headers=headers)  # fmt: skip
        client.post("/dialer/results", json={"call_id": "k1", "campaign_id": "c1",
                    "ani": "5615550100", "dispo": "x", "prospect_phone": PROSPECTS[2],
                    "call_datetime": "2026-11-20 10:00:00"}, headers=headers)  # fmt: skip
        client.get(CALLBACK, params=seed_params(tenant))
        client.get(CALLBACK, params=seed_params(tenant, **{CALL_TIME: "not a time"}))
        client.get(f"/dialer/anis/{PROSPECTS[0]}", headers=headers)
        client.get("/dialer/campaigns", headers={"Authorization": f"Bearer {tenant.api_key}x"})
        client.post("/dialer/results", content=b"{", headers={**headers,
                    "Content-Type": "application/json"})  # fmt: skip


def test_a_served_log_is_json_with_request_ids_and_no_secrets(db: Database) -> None:
    tenant = make_tenant(db)
    server, base = _serve(db)
    try:
        _traffic(base, tenant)
    finally:
        lines = _stop(server)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    (start,) = [line for line in lines if line["message"].startswith("openani listening")]
    assert start["address"].startswith("127.0.0.1:")
    assert start["workers"] == 1
    assert start["database"] == shown_database(db.url)
    assert "@" not in start["database"]
    access = [line for line in lines if line["logger"] == "openani.access"]
    assert len(access) >= 10
    assert all(len(line["request_id"]) > 0 for line in access)
    assert "dialer-req-7" in {line["request_id"] for line in access}
    assert {"/dialer/next", "/dialer/results", "unmatched"} <= {line["route"] for line in access}
    text = json.dumps(lines)
    assert tenant.api_key.split("_", 2)[2] not in text
    assert tenant.company.guid not in text
    for prospect in PROSPECTS:
        assert prospect not in text


def test_level_and_access_log_follow_the_flags(db: Database) -> None:
    tenant = make_tenant(db)
    server, base = _serve(db, "--log-level", "warning", "--no-access-log")
    try:
        _traffic(base, tenant)
    finally:
        lines = _stop(server)
    assert [line for line in lines if line["logger"] == "openani.access"] == []
    assert all(line["level"] in ("warning", "error") for line in lines)
