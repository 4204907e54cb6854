"""Test fixtures: every storage-touching test runs on real SQLite and on a real PostgreSQL.

PostgreSQL comes from OPENANI_TEST_POSTGRES_URL when set, else from a throwaway cluster started
on loopback for the session. Without PostgreSQL binaries the PostgreSQL cases are skipped locally
and fail under CI=true, so CI can never pass by silently testing SQLite alone.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store import companies as company_store
from openani.store import migrate
from openani.store.engine import Database
from openani.store.schema import metadata
from tests.support.postgres import PostgresCluster, PostgresUnavailable

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    configured = os.environ.get("OPENANI_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    try:
        cluster = PostgresCluster.start()
    except PostgresUnavailable as exc:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> Iterator[Database]:
    db = Database(postgres_url)
    migrate.upgrade(db)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test instead of migrating every time."""
    path = tmp_path_factory.mktemp("template") / "openani.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def _truncate_all(db: Database) -> None:
    tables = ", ".join(table.name for table in reversed(metadata.sorted_tables))
    with db.write() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "openani.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("migrated_postgres")
        _truncate_all(database)
        yield database


@pytest.fixture
def app_settings(db: Database) -> Settings:
    # Webhook delivery stays off unless a test turns it on (tests/webhooks does, to loopback).
    return Settings(database_url=db.url, webhook_poll_s=0)


@pytest.fixture
def client(app_settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings, db)) as test_client:
        yield test_client


@dataclass(frozen=True)
class Tenant:
    company: company_store.Company
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-ApiKey": self.api_key}


def make_tenant(db: Database, name: str = "Acme Dialing") -> Tenant:
    with db.write() as conn:
        company = company_store.create_company(conn, name)
        key = company_store.create_api_key(conn, company)
    return Tenant(company, key.plaintext)


@pytest.fixture
def tenant(db: Database) -> Tenant:
    return make_tenant(db)


@pytest.fixture
def other_tenant(db: Database) -> Tenant:
    return make_tenant(db, "Rival Calls")


class Api:
    """A test client bound to one tenant's API key."""

    def __init__(self, client: TestClient, tenant: Tenant) -> None:
        self.client = client
        self.tenant = tenant

    def request(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        headers = {**self.tenant.headers, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, json: object = None, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("POST", path, json=json, **kwargs)

    def put(self, path: str, json: object = None, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("PUT", path, json=json, **kwargs)

    def get(self, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("GET", path, **kwargs)

    def delete(self, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api(client: TestClient, tenant: Tenant) -> Api:
    return Api(client, tenant)


@pytest.fixture
def other_api(client: TestClient, other_tenant: Tenant) -> Api:
    return Api(client, other_tenant)
