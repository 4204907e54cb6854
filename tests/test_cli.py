"""The CLI in exactly the forms the README and automated acceptance checks use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from openani.store.engine import Database
from tests.support.postgres import _free_port


def openani(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openani.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_company_and_key_lifecycle(db: Database) -> None:
    created = openani("company", "create", "Acme", "--json", "--database-url", db.url)
    assert created.returncode == 0, created.stderr
    line = json.loads(created.stdout.strip())
    assert set(line) == {"company_guid", "api_key"}
    guid = line["company_guid"]

    second = openani("key", "create", "--company", guid, "--database-url", db.url)
    assert second.returncode == 0, second.stderr
    key_id = json.loads(second.stdout)["key_id"]

    listed = openani("key", "list", "--company", guid, "--database-url", db.url)
    rows = [json.loads(row) for row in listed.stdout.splitlines()]
    assert len(rows) == 2
    assert all("api_key" not in row and "secret" not in json.dumps(row) for row in rows)

    assert openani("key", "revoke", key_id, "--database-url", db.url).returncode == 0
    again = openani("key", "revoke", key_id, "--database-url", db.url)
    assert again.returncode != 0
    listed = openani("key", "list", "--company", guid, "--database-url", db.url)
    revoked = [json.loads(row) for row in listed.stdout.splitlines() if key_id in row]
    assert revoked[0]["revoked_at"] is not None


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/env.db"
    assert openani("db", "upgrade", env={"OPENANI_DATABASE_URL": url}).returncode == 0
    assert (tmp_path / "env.db").exists()


def test_unknown_company_is_a_clear_error(db: Database) -> None:
    result = openani("key", "list", "--company", "nope", "--database-url", db.url)
    assert result.returncode != 0
    assert "no company" in result.stderr


def test_serve_first_start_prints_a_working_key(db: Database, tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openani.cli",
            "serve",
            "--port",
            str(port),
            "--database-url",
            db.url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(3)]
        key = next(line.split(":", 1)[1].strip() for line in lines if "API key" in line)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        created = httpx.post(
            f"{base}/dialer/campaigns",
            json={"id": "c123", "name": "Sales 2025", "type": "Outbound"},
            headers={"X-ApiKey": key},
        )
        assert created.status_code == 201, created.text
    finally:
        server.terminate()
        server.wait(timeout=30)
