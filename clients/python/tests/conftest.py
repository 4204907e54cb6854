"""A live openani server for the client's tests: `openani serve` on a fresh SQLite database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.support.server import running_server


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
    settings = {"OPENANI_DEVELOPMENT": "1", "OPENANI_HEALTH_CHECK_S": "0",
                "OPENANI_WEBHOOK_POLL_S": "0.1", **env}  # fmt: skip
    with running_server(url, env=settings) as base:
        yield Live(base, company["api_key"], company["company_guid"])


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    yield from _serve(tmp_path_factory.mktemp("sdk") / "openani.db", {"OPENANI_RATE_PER_KEY": "0"})


@pytest.fixture(scope="session")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A server allowing each key one request a second (bursts of two)."""
    env = {"OPENANI_RATE_PER_KEY": "1", "OPENANI_BURST_PER_KEY": "2"}
    yield from _serve(tmp_path_factory.mktemp("sdk-limited") / "openani.db", env)
