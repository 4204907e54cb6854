"""Run `openani serve` as a real subprocess for tests that need several server processes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2 as httpx

from tests.support.postgres import _free_port

# The process behind each running server's URL, for tests that kill it themselves.
PROCESSES: dict[str, subprocess.Popen[str]] = {}

# Load tests measure correctness under load, not the rate limits (tested on their own). Webhook
# delivery is off unless a test turns it on: a fuzzed webhook must never send anywhere.
UNLIMITED_ENV = {
    **os.environ,
    "OPENANI_RATE_PER_KEY": "0",
    "OPENANI_RATE_PER_GUID": "0",
    "OPENANI_WEBHOOK_POLL_S": "0",
}


@contextmanager
def running_server(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """``env``: more environment for the server. ``PROCESSES[url]`` is its process, for tests
    that kill it themselves (stopping an already dead server is fine)."""
    port = port or _free_port()
    # A file, not a pipe: nobody reads the log while the server runs, and a full pipe would
    # leave the server's log writer waiting.
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openani.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--database-url",
            database_url,
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        env={**UNLIMITED_ENV, **(env or {})},
    )
    PROCESSES[f"http://127.0.0.1:{port}"] = server
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a hang guard; a loaded CI machine may take a while
        while True:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read()[-4000:]}")
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("server did not become ready in 180 s")
            time.sleep(0.1)
        yield base
    finally:
        PROCESSES.pop(base, None)
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
