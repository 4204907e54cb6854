"""The console over HTTP on both databases: sign-in with a key into a signed cookie, CSRF on
every form, each page rendered from the company's own data, actions, uploads, and a second
company that sees none of it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store import companies as company_store
from openani.store.engine import Database
from tests.conftest import Api, Tenant

PAGES = (
    "/console/",
    "/console/numbers",
    "/console/coverage",
    "/console/planner",
    "/console/campaigns",
    "/console/dispositions",
    "/console/audit",
    "/console/settings",
    "/console/numbers/import",
)
# The console's pages show the last 30 days, so the calls of these tests happen yesterday, New York
# time (the tenant's zone), at 10:00 and 11:00.
_YESTERDAY = datetime.now(ZoneInfo("America/New_York")).date() - timedelta(days=1)
TEN, ELEVEN = (f"{_YESTERDAY.isoformat()}T{h}:00:00-05:00" for h in ("10", "11"))
NUMBERS_CSV = (
    "country_code,number,inbound_group_id,is_branded,brand_name,carrier_id\n"
    "+1,5617778888,ing1,true,BrandX,carr1\n"
    "+1,2125550143,ing1,false,,\n"
)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, page[:500]
    return found.group(1)


def signed_in(app_settings: Settings, db: Database, tenant: Tenant) -> TestClient:
    client = TestClient(create_app(app_settings, db), follow_redirects=False)
    client.__enter__()
    form = client.get("/console/sign-in")
    assert form.status_code == 200
    answer = client.post(
        "/console/sign-in", data={"csrf": csrf_of(form.text), "api_key": tenant.api_key}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert tenant.api_key not in cookie
    return client


@pytest.fixture
def console(app_settings: Settings, db: Database, tenant: Tenant):  # type: ignore[no-untyped-def]
    client = signed_in(app_settings, db, tenant)
    yield client
    client.__exit__(None, None, None)


@pytest.fixture
def other_console(app_settings: Settings, db: Database, other_tenant: Tenant):  # type: ignore[no-untyped-def]
    client = signed_in(app_settings, db, other_tenant)
    yield client
    client.__exit__(None, None, None)


def upload(console: TestClient, text: str) -> str:
    page = console.get("/console/numbers/import").text
    answer = console.post(
        "/console/numbers/import",
        data={"csrf": csrf_of(page)},
        files={"file": ("numbers.csv", text.encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    return answer.text


def test_signed_out_visitors_go_to_the_sign_in_page(client: TestClient, tenant: Tenant) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/console/"
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/console/sign-in"
    page = client.get("/console/sign-in")
    assert 'type="password"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # A wrong key, and a form without its token, are refused.
    token = csrf_of(page.text)
    wrong = client.post(
        "/console/sign-in", data={"csrf": token, "api_key": "oak_0000000000000000_nope"},
        follow_redirects=False,
    )  # fmt: skip
    assert "error=" in wrong.headers["location"]
    stale = client.post(
        "/console/sign-in", data={"csrf": "forged", "api_key": tenant.api_key},
        follow_redirects=False,
    )  # fmt: skip
    assert "error=" in stale.headers["location"]
    assert "set-cookie" not in stale.headers or "openani_session" not in stale.headers["set-cookie"]


def test_every_page_renders_and_never_shows_the_key(console: TestClient, tenant: Tenant) -> None:
    upload(console, NUMBERS_CSV)
    for path in (*PAGES, "/console/numbers/1/5617778888", "/console/planner.csv"):
        answer = console.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        assert tenant.api_key not in answer.text
        assert answer.headers["cache-control"] == "no-store"
    assert "Acme Dialing" in console.get("/console/").text
    assert console.get("/console/numbers/1/5610000000").status_code == 404
    assert console.get("/console/static/console.css").status_code == 200
    assert console.get("/console/static/../routes.py").status_code == 404


def test_upload_pause_and_audit(console: TestClient, api: Api) -> None:
    report = upload(console, NUMBERS_CSV)
    assert "2 created" in report
    assert "2 unchanged" in upload(console, NUMBERS_CSV)
    numbers = console.get("/console/numbers")
    assert "5617778888" in numbers.text and "2125550143" in numbers.text
    answer = console.post(
        "/console/numbers/action",
        data={"csrf": csrf_of(numbers.text), "number": "5617778888", "country_code": "+1",
              "action": "pause", "note": "carrier complaint", "back": "/console/numbers"},
    )  # fmt: skip
    assert answer.status_code == 303 and "notice=" in answer.headers["location"]
    assert api.get("/dialer/anis", params={"number": "5617778888"}).json()["status"] == "paused"
    audit = console.get("/console/audit").text
    assert "pause" in audit and "5617778888" in audit and "import" in audit
    paused = console.get("/console/numbers", params={"status": "paused"}).text
    assert "5617778888" in paused and "2125550143" not in paused
    detail = console.get("/console/numbers/1/5617778888").text
    assert "carrier complaint" in detail
    # Rest, then activate.
    token = csrf_of(detail)
    for what, status in (("activate", "active"), ("rest", "resting"), ("activate", "active")):
        console.post(
            "/console/numbers/action",
            data={"csrf": token, "number": "5617778888", "country_code": "+1", "action": what},
        )
        assert api.get("/dialer/anis", params={"number": "5617778888"}).json()["status"] == status


def test_forms_need_the_session_token(console: TestClient, api: Api) -> None:
    upload(console, NUMBERS_CSV)
    forged = console.post(
        "/console/numbers/action",
        data={"csrf": "0" * 40, "number": "5617778888", "action": "pause"},
    )
    assert forged.status_code == 403
    assert api.get("/dialer/anis", params={"number": "5617778888"}).json()["status"] == "active"
    # The token of another session does not do either.
    missing = console.post("/console/numbers/action", data={"number": "5617778888"})
    assert missing.status_code == 403


def test_campaigns_dispositions_and_settings(console: TestClient, api: Api) -> None:
    token = csrf_of(console.get("/console/campaigns").text)
    created = console.post(
        "/console/campaigns",
        data={"csrf": token, "mode": "create", "id": "c1", "name": "Spring", "type": "Outbound",
              "daily_cap": "60", "default_assignment_type": "area_code"},
    )  # fmt: skip
    assert "notice=" in created.headers["location"], created.headers["location"]
    campaign = api.get("/dialer/campaigns", params={"id": "c1"}).json()
    assert (campaign["daily_cap"], campaign["default_assignment_type"]) == (60, "area_code")
    edited = console.post(
        "/console/campaigns",
        data={"csrf": token, "mode": "update", "id": "c1", "name": "Summer", "type": "Outbound",
              "daily_cap": ""},
    )  # fmt: skip
    assert "notice=" in edited.headers["location"]
    campaign = api.get("/dialer/campaigns", params={"id": "c1"}).json()
    assert (campaign["name"], campaign["daily_cap"]) == ("Summer", None)
    assert "Summer" in console.get("/console/campaigns", params={"edit": "c1"}).text
    refused = console.post(
        "/console/campaigns",
        data={"csrf": token, "mode": "create", "id": "c2", "name": "x", "type": "Sideways"},
    )
    assert "error=" in refused.headers["location"]

    console.post(
        "/console/dispositions",
        data={"csrf": token, "mode": "create", "id": "sale", "name": "Sale", "type": "Agent",
              "contact": "true", "success": "true", "category": "human"},
    )  # fmt: skip
    dispo = api.get("/dialer/dispos", params={"id": "sale"}).json()
    assert (dispo["contact"], dispo["success"], dispo["category"]) == (True, True, "human")

    settings_page = console.get("/console/settings").text
    saved = console.post(
        "/console/settings",
        data={"csrf": csrf_of(settings_page), "time_zone": "America/Chicago", "daily_cap": "90",
              "hourly_cap": "", "cap_mode": "strict", "nearest_radius_km": "300",
              "automation": "recommend", "rest_days": "5", "max_resting_share": "0.3",
              "probation_days": "2", "unknown_campaign": "serve"},
    )  # fmt: skip
    assert "notice=" in saved.headers["location"], saved.headers["location"]
    values = api.get("/dialer/settings").json()
    assert (values["daily_cap"], values["cap_mode"], values["time_zone"]) == (
        90, "strict", "America/Chicago",
    )  # fmt: skip


def test_a_second_company_sees_none_of_it(console: TestClient, other_console: TestClient) -> None:
    upload(console, NUMBERS_CSV)
    for path in ("/console/numbers", "/console/audit", "/console/coverage", "/console/"):
        assert "5617778888" not in other_console.get(path).text, path
    assert other_console.get("/console/numbers/1/5617778888").status_code == 404
    # Its session cannot act on the first company's numbers either.
    token = csrf_of(other_console.get("/console/numbers").text)
    answer = other_console.post(
        "/console/numbers/action",
        data={"csrf": token, "number": "5617778888", "country_code": "+1", "action": "pause"},
    )
    assert "error=" in answer.headers["location"]


def test_a_tampered_or_revoked_session_ends(
    console: TestClient, db: Database, tenant: Tenant
) -> None:
    value = console.cookies["openani_session"]
    key_id, expires, nonce, signature = value.strip('"').split(".")

    def visit_with(cookie: str) -> int:
        console.cookies.clear()
        console.cookies.set("openani_session", cookie)
        return console.get("/console/", follow_redirects=False).status_code

    assert visit_with(f"{key_id}.{int(expires) + 999}.{nonce}.{signature}") == 303
    assert visit_with(f"{key_id}.{expires}.{nonce}.{'0' * 64}") == 303
    assert visit_with(f"{key_id}.{expires}.{nonce}") == 303
    assert visit_with(value) == 200
    with db.write() as conn:
        company_store.revoke_api_key(conn, key_id)
    console.app.state.context.authenticator.forget()
    assert console.get("/console/", follow_redirects=False).status_code == 303


def test_coverage_shows_the_share_called_from_a_local_number(console: TestClient, api: Api) -> None:
    upload(console, NUMBERS_CSV)
    api.post(
        "/dialer/dispos",
        json={"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True},
    )
    rows = [
        {"call_id": f"c{i}", "campaign_id": "c1", "ani": ani, "dispo": "sale",
         "prospect_phone": "5613334444", "call_datetime": TEN}
        for i, ani in enumerate(["5617778888", "5617778888", "5617778888", "2125550143"])
    ]  # fmt: skip
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200
    page = console.get("/console/coverage").text
    row = re.search(r"<tr><td>561 <small>FL</small></td>(.*?)</tr>", page)
    assert row is not None, page
    # 4 calls to 561 prospects, 3 of them from the 561 number: 75%, of dials and of contacts.
    assert row.group(1).count("75.0%") == 2
    assert "no local number" not in row.group(1)


def test_the_overview_lists_what_results_named_but_nobody_defined(
    console: TestClient, api: Api
) -> None:
    upload(console, NUMBERS_CSV)
    rows = [
        {"call_id": "u1", "campaign_id": "c1", "ani": "7185550199", "dispo": "XFER",
         "prospect_phone": "5613334444", "call_datetime": TEN},
        {"call_id": "u2", "campaign_id": "c1", "ani": "5617778888", "dispo": "XFER",
         "prospect_phone": "5613334444", "call_datetime": ELEVEN},
    ]  # fmt: skip
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200
    page = console.get("/console/").text
    unmapped = re.search(r'<table id="unmapped">(.*?)</table>', page)
    unknown = re.search(r'<table id="unknown-anis">(.*?)</table>', page)
    assert unmapped is not None and "XFER" in unmapped.group(1)
    assert "/console/dispositions?new=XFER" in unmapped.group(1)
    assert unknown is not None and "+1 7185550199" in unknown.group(1)
    assert "5617778888" not in unknown.group(1)


def test_an_activation_on_a_later_date_is_scheduled(console: TestClient, api: Api) -> None:
    upload(console, NUMBERS_CSV)
    token = csrf_of(console.get("/console/numbers").text)
    console.post(
        "/console/numbers/action",
        data={"csrf": token, "number": "2125550143", "country_code": "+1", "action": "pause"},
    )
    answer = console.post(
        "/console/numbers/action",
        data={"csrf": token, "number": "2125550143", "country_code": "+1", "action": "activate",
              "date": "2099-01-02", "note": "after the holidays"},
    )  # fmt: skip
    assert "will+be+activated" in answer.headers["location"]
    assert api.get("/dialer/anis", params={"number": "2125550143"}).json()["status"] == "paused"
    pending = api.get("/dialer/anis/scheduled").json()["items"]
    assert [(p["action"], p["note"]) for p in pending] == [("activate", "after the holidays")]
