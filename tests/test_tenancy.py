"""Authenticator: API keys and callback GUIDs to companies, with its caches on an explicit clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from openani.errors import Unauthorized
from openani.ratelimit import RateLimited, RateLimiter
from openani.store import companies as company_store
from openani.store.engine import Database
from openani.store.schema import companies
from openani.tenancy import Authenticator
from tests.conftest import Tenant

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
UNKNOWN_GUID = "8d7e9a52-5d0c-4f4e-9a43-4c1b5d2e6f70"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def auth(db: Database, clock: Clock) -> Authenticator:
    return Authenticator(db, clock=clock)


def key_id_of(tenant: Tenant) -> str:
    return tenant.api_key.split("_")[1]


def last_used(db: Database, tenant: Tenant) -> datetime | None:
    with db.read() as conn:
        (record,) = company_store.list_api_keys(conn, tenant.company)
    found = record.last_used_at
    return None if found is None else found.replace(tzinfo=UTC)


def revoke(db: Database, tenant: Tenant) -> None:
    with db.write() as conn:
        assert company_store.revoke_api_key(conn, key_id_of(tenant))


def test_a_key_names_its_company_and_itself(auth: Authenticator, tenant: Tenant) -> None:
    company = auth.company_for_key(f"  {tenant.api_key} ")
    assert (company.id, company.guid, company.name) == (
        tenant.company.id,
        tenant.company.guid,
        tenant.company.name,
    )
    assert company.key_id == key_id_of(tenant)
    record = auth.key_record(key_id_of(tenant))
    assert record is not None
    assert record[1] == company
    assert len(record[0]) == 64


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        (None, "missing API key: send X-ApiKey (or Authorization: Bearer <key>)"),
        ("", "missing API key: send X-ApiKey (or Authorization: Bearer <key>)"),
        ("not-a-key", "invalid API key"),
        ("oak_0123456789abcdef_secret", "invalid or revoked API key"),
    ],
)
def test_missing_malformed_and_unknown_keys_are_refused(
    auth: Authenticator, tenant: Tenant, key: str | None, reason: str
) -> None:
    with pytest.raises(Unauthorized) as caught:
        auth.company_for_key(key)
    assert str(caught.value) == reason


def test_a_wrong_secret_for_a_real_key_id_is_refused(auth: Authenticator, tenant: Tenant) -> None:
    with pytest.raises(Unauthorized, match=r"^invalid or revoked API key$"):
        auth.company_for_key(f"oak_{key_id_of(tenant)}_wrong")
    # Still refused once the key is remembered from a good request.
    auth.company_for_key(tenant.api_key)
    with pytest.raises(Unauthorized, match=r"^invalid or revoked API key$"):
        auth.company_for_key(f"oak_{key_id_of(tenant)}_wrong")


def test_a_revocation_made_elsewhere_is_seen_within_a_second(
    auth: Authenticator, db: Database, tenant: Tenant, clock: Clock
) -> None:
    clock.now = 100.0
    auth.company_for_key(tenant.api_key)
    revoke(db, tenant)
    clock.now = 100.99
    assert auth.company_for_key(tenant.api_key).id == tenant.company.id
    assert auth.key_record(key_id_of(tenant)) is not None
    clock.now = 101.0
    with pytest.raises(Unauthorized, match=r"^invalid or revoked API key$"):
        auth.company_for_key(tenant.api_key)
    assert auth.key_record(key_id_of(tenant)) is None


def test_forget_drops_remembered_keys_and_companies(
    auth: Authenticator, db: Database, tenant: Tenant
) -> None:
    auth.company_for_key(tenant.api_key)
    assert auth.company_for_guid(tenant.company.guid) == tenant.company
    revoke(db, tenant)
    with db.write() as conn:
        conn.execute(update(companies).values(name="Renamed"))
    auth.forget()
    with pytest.raises(Unauthorized):
        auth.company_for_key(tenant.api_key)
    found = auth.company_for_guid(tenant.company.guid)
    assert found is not None
    assert found.name == "Renamed"


def test_last_use_is_written_at_most_once_a_minute(
    auth: Authenticator, db: Database, tenant: Tenant, clock: Clock
) -> None:
    assert last_used(db, tenant) is None
    auth.company_for_key(tenant.api_key)  # the first use is written, even at clock 0
    first = last_used(db, tenant)
    assert first is not None
    with db.write() as conn:
        company_store.touch_api_key(conn, key_id_of(tenant), LONG_AGO)
    clock.now = 59.9
    auth.company_for_key(tenant.api_key)
    assert last_used(db, tenant) == LONG_AGO
    clock.now = 60.0
    auth.company_for_key(tenant.api_key)
    again = last_used(db, tenant)
    assert again is not None
    assert again >= first


def test_each_key_is_rate_limited(db: Database, tenant: Tenant) -> None:
    auth = Authenticator(db, per_key=RateLimiter(0.001, 1))
    with db.write() as conn:
        other = company_store.create_api_key(conn, tenant.company)
    auth.company_for_key(tenant.api_key)
    auth.company_for_key(other.plaintext)
    with pytest.raises(RateLimited):
        auth.company_for_key(tenant.api_key)


@pytest.mark.parametrize("guid", ["", "acme", "8d7e9a52-5d0c-4f4e-9a43-4c1b5d2e6f70x"])
def test_text_that_is_no_guid_names_no_company(
    auth: Authenticator, tenant: Tenant, guid: str
) -> None:
    assert auth.company_for_guid(guid) is None
    assert auth.company_for_guid(f"{tenant.company.guid}x") is None


def test_a_guid_names_its_company_in_any_case(auth: Authenticator, tenant: Tenant) -> None:
    assert auth.company_for_guid(tenant.company.guid) == tenant.company
    # GUIDs are stored lower case; the upper-case spelling passes the shape check, names none.
    assert auth.company_for_guid(tenant.company.guid.upper()) is None


def test_guids_are_remembered_for_a_second_even_when_unknown(
    auth: Authenticator, db: Database, tenant: Tenant, clock: Clock
) -> None:
    unknown = UNKNOWN_GUID
    clock.now = 50.0
    assert auth.company_for_guid(unknown) is None
    assert auth.company_for_guid(tenant.company.guid) == tenant.company
    with db.write() as conn:
        conn.execute(update(companies).values(guid=unknown, name="Moved"))
    clock.now = 50.99
    assert auth.company_for_guid(unknown) is None
    assert auth.company_for_guid(tenant.company.guid) == tenant.company
    clock.now = 51.0
    found = auth.company_for_guid(unknown)
    assert found is not None
    assert (found.id, found.name) == (tenant.company.id, "Moved")
    assert auth.company_for_guid(tenant.company.guid) is None


def test_each_company_guid_is_rate_limited_but_unknown_ones_cost_nothing(
    db: Database, tenant: Tenant
) -> None:
    auth = Authenticator(db, per_company_guid=RateLimiter(0.001, 1))
    unknown = UNKNOWN_GUID
    for _ in range(3):
        assert auth.company_for_guid(unknown) is None
    assert auth.company_for_guid(tenant.company.guid) == tenant.company
    with pytest.raises(RateLimited):
        auth.company_for_guid(tenant.company.guid)


def test_the_key_memo_is_emptied_only_past_its_bound(
    auth: Authenticator, db: Database, tenant: Tenant
) -> None:
    auth.MAX_REMEMBERED = 2
    with db.write() as conn:
        others = [company_store.create_api_key(conn, tenant.company) for _ in range(3)]
    auth.company_for_key(tenant.api_key)
    revoke(db, tenant)  # unseen while the key is remembered
    auth.company_for_key(others[0].plaintext)
    auth.company_for_key(others[1].plaintext)  # a third entry: more than the bound now
    assert auth.company_for_key(tenant.api_key).id == tenant.company.id
    auth.company_for_key(others[2].plaintext)  # past the bound: emptied, then remembered
    with pytest.raises(Unauthorized):
        auth.company_for_key(tenant.api_key)


def test_the_guid_memo_is_emptied_only_past_its_bound(
    auth: Authenticator, db: Database, tenant: Tenant
) -> None:
    auth.MAX_REMEMBERED = 2
    assert auth.company_for_guid(UNKNOWN_GUID) is None
    with db.write() as conn:
        conn.execute(update(companies).values(guid=UNKNOWN_GUID))
    assert auth.company_for_guid(UNKNOWN_GUID.replace("8", "1")) is None
    assert auth.company_for_guid(UNKNOWN_GUID.replace("8", "2")) is None
    assert auth.company_for_guid(UNKNOWN_GUID) is None  # still remembered as unknown
    assert auth.company_for_guid(UNKNOWN_GUID.replace("8", "3")) is None  # past the bound
    found = auth.company_for_guid(UNKNOWN_GUID)
    assert found is not None and found.id == tenant.company.id
