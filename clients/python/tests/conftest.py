"""A live openani server for the client's tests: `openani serve` on a fresh SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from tests.support.postgres import _free_port


@dataclass(frozen=True)
class Live:
    url: str
    api_key: str
    company_guid: str


def _serve(database: Path, env: dict[str, str]) -> Iterator[Live]:
    url = f"sqlite:///{database}"
    created = subprocess.run(
        [sys.executable, "-m", "openani.cli", "company", "create", "SDK tests", "--json",
         "--database-url", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    company = json.loads(created.stdout)
    port = _free_port()
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "openani.cli", "serve", "--port", str(port), "--database-url",
         url, "--development"],
        stdout=subprocess.DEVNULL, stderr=log, text=True,
        env={**os.environ, "OPENANI_HEALTH_CHECK_S": "0", "OPENANI_WEBHOOK_POLL_S": "0.1", **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"openani exited: {log.read()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "openani did not start in 60 s"
            time.sleep(0.1)
        yield Live(base, company["api_key"], company["company_guid"])
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from _serve(tmp_path_factory.mktemp("sdk") / "openani.db", {"OPENANI_RATE_PER_KEY": "0"})


@pytest.fixture(scope="session")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server allowing each key one request a second (bursts of two)."""
    env = {"OPENANI_RATE_PER_KEY": "1", "OPENANI_BURST_PER_KEY": "2"}
    yield from _serve(tmp_path_factory.mktemp("sdk-limited") / "openani.db", env)
