"""Webhook tests run a server in development mode (http:// to the loopback receiver) with
retries a few milliseconds apart instead of minutes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api
from tests.support.receiver import Receiver, receiver


def fast_settings(db: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url,
        "development": True,
        "webhook_poll_s": 0.05,
        "webhook_retry_base_s": 0.05,
        "webhook_retry_max_s": 0.2,
        "webhook_timeout_s": 2.0,
        "health_check_s": 0,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def app_settings(db: Database) -> Settings:
    return fast_settings(db)


@pytest.fixture
def sink() -> Iterator[Receiver]:
    with receiver() as server:
        yield server


def create_webhook(api: Api, url: str, **extra: Any) -> dict[str, Any]:
    response = api.post("/dialer/webhooks", json={"url": url, **extra})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created
