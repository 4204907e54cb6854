"""Schema fuzzing support: a live `openani serve` on a fresh SQLite file, its inventory, the
request shaping that lets generated cases reach real objects, and the checks of our error shapes.

Everything goes to 127.0.0.1 only; the server is a subprocess whose stderr goes to a file, so a
traceback it logs can be quoted in the failure that it explains.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from schemathesis import Case, CheckContext, Response

from tests.support import seed
from tests.support.postgres import _free_port
from tests.support.server import UNLIMITED_ENV

COMPANY_PARAM = seed.COMPANY
# The seed's GUID-named callback parameters (the three seed.py does not name spelled out here).
CALLBACK_FIELDS = {
    "campaign_id": seed.CAMPAIGN,
    "agent_id": seed.AGENT,
    "ani": seed.ANI,
    "call_id": seed.CALL_ID,
    "dispo": seed.DISPO,
    "prospect_phone": seed.PHONE,
    "call_datetime": seed.CALL_TIME,
    "zip": seed.ZIP,
    "lead_created": "514167c4-1011-4cc8-bbed-3708e0a4b772",
    "attempts": seed.ATTEMPTS,
    "skill": "b6fd9680-7f93-44e0-a534-a3b9e717b7c7",
    "lead_source": "ea9aec00-4170-47c6-a187-b0c0f71b4400",
    "type_or_duration": seed.TYPE_OR_DURATION,
}
SEED_PARAMS = {COMPANY_PARAM, *CALLBACK_FIELDS.values()}
AnyCase = Case[Any]

READY_TIMEOUT_S = 60.0
PROSPECT_PHONE = "5617778888"

# Inventory, one object per role so that a fuzzed update or delete of one cannot take away what
# another operation needs: GET and /dialer/next use the first, PUT the second, DELETE the third.
CAMPAIGNS = ("c1", "c2", "c3")
FUZZ_WEBHOOK = "https://hooks.fuzz.invalid"
_ACTIONS = (
    "/dialer/anis/pause",
    "/dialer/anis/activate",
    "/dialer/anis/remediate",
    "/nrm/pause",
    "/nrm/activate",
    "/nrm/remediate",
)
# The commercial service's current API, served beside /dialer (Bearer keys).
ANCHOR_PREFIXES = ("/assignment", "/dials", "/custom/", "/nrm/", "/ani-planner/")
DISPOS = ("d1", "d2", "d3")
ANIS = ("5612345678", "2125550123", "3055550142")
UK_ANI = "2079460000"  # so that UK prospects of /dialer/next have a number of their country
# Deleted by DELETE /custom/anis (the third of ANIS goes to DELETE /dialer/anis, which runs first).
CUSTOM_DELETE_ANI = "3055550143"
CUSTOM_DELETE_CAMPAIGN, CUSTOM_DELETE_DISPO = "c4", "d4"  # likewise for DELETE /custom/...


@dataclass
class LiveServer:
    base_url: str
    company_guid: str
    api_key: str
    log_path: Path
    # (operation label, status) -> number of answers, filled by the fuzzing test.
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    # Ids the server made for seeded objects: webhooks (for GET, PUT and DELETE), a delivery,
    # a scheduled pause.
    webhooks: tuple[str, ...] = ()
    delivery: str = ""
    scheduled: int = 0

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace")


def _openani(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "openani.cli", *args],
        capture_output=True,
        text=True,
        env=UNLIMITED_ENV,
        timeout=120,
    )
    assert done.returncode == 0, f"openani {' '.join(args)}: {done.stderr}"
    return done.stdout


@contextmanager
def live_server(directory: Path, database_url: str | None = None) -> Iterator[LiveServer]:
    """`openani serve` on a fresh database (a SQLite file unless ``database_url`` names an empty
    one, migrated here), with one company made by the CLI."""
    if database_url is None:
        database_url = f"sqlite:///{directory / 'openani.db'}"
    else:
        _openani("db", "upgrade", "--database-url", database_url)
    created = json.loads(
        _openani("company", "create", "Fuzz", "--json", "--database-url", database_url)
    )
    port = _free_port()
    log_path = directory / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "openani.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--database-url",
                database_url,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**UNLIMITED_ENV, "PYTHONUNBUFFERED": "1"},
        )
    live = LiveServer(
        base_url=f"http://127.0.0.1:{port}",
        company_guid=created["company_guid"],
        api_key=created["api_key"],
        log_path=log_path,
    )
    try:
        _wait_ready(server, live)
        yield live
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_ready(server: subprocess.Popen[bytes], live: LiveServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"server exited:\n{live.log_since(0)}")
        try:
            if httpx.get(f"{live.base_url}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"server not ready in {READY_TIMEOUT_S} s:\n{live.log_since(0)}")
        time.sleep(0.1)


def seed_inventory(live: LiveServer) -> None:
    """Campaigns, dispositions and ANIs for generated requests to find."""
    creates: list[tuple[str, dict[str, Any]]] = []
    for campaign in (*CAMPAIGNS, CUSTOM_DELETE_CAMPAIGN):
        creates.append(
            ("/dialer/campaigns", {"id": campaign, "name": f"Fuzz {campaign}", "type": "Outbound"})
        )
    for dispo in (*DISPOS, CUSTOM_DELETE_DISPO):
        creates.append(
            (
                "/dialer/dispos",
                {"id": dispo, "name": f"SALE {dispo}", "type": "Agent", "contact": True}
                | {"success": True, "category": "human"},
            )
        )
    for number in ANIS:
        creates.append(
            (
                "/dialer/anis",
                {"country_code": "+1", "number": number, "inbound_group_id": "ing1"}
                | {"is_branded": True, "brand_name": "BrandX"},
            )
        )
    creates.append(
        ("/dialer/anis", {"country_code": "+44", "number": UK_ANI, "inbound_group_id": "ing1"})
    )
    creates.append(
        (
            "/dialer/anis",
            {"country_code": "+1", "number": CUSTOM_DELETE_ANI, "inbound_group_id": "ing1"},
        )
    )
    with httpx.Client(base_url=live.base_url, headers={"X-ApiKey": live.api_key}) as client:
        for path, body in creates:
            response = client.post(path, json=body)
            assert response.status_code == 201, (path, response.status_code, response.text)
        # Webhooks to a reserved name that resolves nowhere; the fuzzing server never delivers.
        hooks = [
            client.post("/dialer/webhooks", json={"url": f"{FUZZ_WEBHOOK}/{i}"}).json()["id"]
            for i in range(3)
        ]
        delivery = client.post("/dialer/webhooks/test", json={"id": hooks[0]}).json()["id"]
        later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
        scheduled = client.post("/dialer/anis/pause", json={"ani": ANIS[2], "date": later})
    live.webhooks, live.delivery = tuple(hooks), delivery
    live.scheduled = scheduled.json()["scheduled"]["id"]


# Shaping of generated cases.
#
# Generated identifiers almost never name a real object, so every operation would be tested on
# its 404 path only. Each case is therefore shaped by a coin drawn from its own content (so a
# given case is always shaped the same way, and derandomized runs are reproducible): identifiers
# that are present are sometimes replaced by real ones, the API key is usually the real one, and
# the callback sometimes names the real company with valid required fields.


def _rng(case: AnyCase) -> random.Random:
    seed = repr((case.method, case.path, case.query, case.body, case.headers))
    return random.Random(zlib.crc32(seed.encode("utf-8", "surrogatepass")))


def _replace_present(values: dict[str, Any], rng: random.Random, real: dict[str, Any]) -> None:
    for name, value in real.items():
        if name in values and rng.random() < 0.5:
            values[name] = value


def _real_identifiers(case: AnyCase, rng: random.Random, live: LiveServer) -> dict[str, Any]:
    role = {"GET": 0, "PUT": 1, "DELETE": 2}.get(case.method.upper(), 0)
    path = case.path
    if path == "/dialer/webhooks" and case.method.upper() == "POST":
        return {"url": f"{FUZZ_WEBHOOK}/new"}
    if path in ("/dialer/webhooks", "/dialer/webhooks/test") and live.webhooks:
        return {"id": live.webhooks[role]}
    if path in ("/dialer/webhooks/deliveries", "/dialer/webhooks/deliveries/retry"):
        return {"id": live.delivery, "webhook": live.webhooks[0] if live.webhooks else ""}
    if path == "/dialer/anis/scheduled":
        return {"id": live.scheduled, "number": ANIS[2]}
    if path in ("/dialer/anis/remediate", "/dialer/anis/remediations"):
        return {"country_code": "+1", "number": ANIS[1], "ani": ANIS[1], "carrier": "carr1"}
    if path == "/custom/campaigns" and case.method.upper() == "DELETE":
        return {"id": CUSTOM_DELETE_CAMPAIGN}
    if path == "/custom/dispos" and case.method.upper() == "DELETE":
        return {"id": CUSTOM_DELETE_DISPO}
    if path in ("/dialer/campaigns", "/custom/campaigns"):
        return {"id": CAMPAIGNS[role]}
    if path in ("/dialer/dispos", "/custom/dispos"):
        return {"id": DISPOS[role]}
    if path in ("/dialer/anis", "/custom/anis") and case.method.upper() == "POST":
        # A fresh, valid number: creation succeeds (or meets a duplicate of an earlier one).
        return {"country_code": "+1", "number": f"56123{rng.randrange(10**5):05d}"}
    if path == "/custom/anis" and case.method.upper() == "DELETE":
        return {"country_code": "+1", "number": CUSTOM_DELETE_ANI}
    if path in ("/dialer/anis", "/custom/anis"):
        return {"country_code": "+1", "number": ANIS[role]}
    if path in ("/nrm/pause", "/nrm/activate", "/nrm/remediate"):
        return {"ani": ANIS[1], "carrier": "carr1"}
    if path == "/nrm/anis":
        return {"number": ANIS[0][:3]}
    if path in ("/assignment", "/assignment/batch"):
        return {"dialer_campaign": CAMPAIGNS[0], "prospect_phone": PROSPECT_PHONE}
    if path == "/dials":
        return {
            "dial_id": f"fuzz-{rng.getrandbits(48):012x}",
            "campaign_id": CAMPAIGNS[0],
            "from_number": ANIS[0],
            "to_number": PROSPECT_PHONE,
            "disposition_name": DISPOS[0],
            "datetime": "2025-01-02 10:00:00",
        }
    if path == "/ani-planner/generate":
        return {"dateStart": "2025-01-01", "dateEnd": "2025-01-31", "campaigns": [CAMPAIGNS[0]]}
    if path in ("/dialer/anis/pause", "/dialer/anis/activate"):
        return {"country_code": "+1", "number": ANIS[1]}
    if path in ("/dialer/next", "/dialer/next/batch"):
        return {"outbound_campaign": CAMPAIGNS[0], "prospect_phone": PROSPECT_PHONE}
    if path == "/dialer/results":
        return {
            "call_id": f"fuzz-{rng.getrandbits(48):012x}",
            "campaign_id": CAMPAIGNS[0],
            "ani": ANIS[0],
            "dispo": DISPOS[0],
            "prospect_phone": PROSPECT_PHONE,
            "call_datetime": "2025-01-02 10:00:00",
        }
    if path.startswith("/dialer/stats/"):
        return {"campaign": CAMPAIGNS[0], "number": ANIS[0][:3], "area_code": ANIS[0][:3]}
    return {}


def _shape_callback(case: AnyCase, live: LiveServer, rng: random.Random) -> None:
    query = dict(case.query or {})
    choice = rng.randrange(4)
    if choice >= 1:  # the real company, other parameters as generated
        query[COMPANY_PARAM] = live.company_guid
    if choice >= 2:  # ... with valid required fields (optional ones as generated)
        required = {
            "campaign_id": CAMPAIGNS[0],
            "ani": ANIS[0],
            "call_id": f"fuzz-cb-{rng.getrandbits(48):012x}",
            "dispo": DISPOS[0],
            "prospect_phone": PROSPECT_PHONE,
            "call_datetime": "2025-01-02 10:00:00",
        }
        query.update({CALLBACK_FIELDS[name]: value for name, value in required.items()})
    if choice == 3:  # ... and no optional seed parameter: the success path (KPIs as generated)
        keep = {COMPANY_PARAM} | {CALLBACK_FIELDS[name] for name in required}
        query = {name: value for name, value in query.items() if name not in SEED_PARAMS - keep}
    case.query = query


# Values that once answered 500: NUL characters (PostgreSQL cannot store them), dates at the ends
# of the calendar, numbers beyond 64 bits or written in other scripts' digits.
POISONED_TEXT = (
    "x\x00y",
    "\x00",
    "9999-12-31 23:59:59",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "1969-12-31 23:59:59",
    "²",
    "9223372036854775808",
    "9" * 400,
)
POISONED_NUMBERS = (2**63, 2**31, -(2**63), 10**30)


def _poison_value(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return rng.choice(POISONED_NUMBERS)
    if isinstance(value, str):
        poisoned = rng.choice(POISONED_TEXT)
        return value + poisoned if poisoned.startswith("x") else poisoned
    return value


def _poison(values: Any, rng: random.Random) -> None:
    """One field of a query, a body or a batch row, replaced by a value that once failed."""
    if not isinstance(values, dict) or not values:
        return
    name = rng.choice(sorted(values))
    value = values[name]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        _poison(value[0], rng)
    else:
        values[name] = _poison_value(value, rng)


def shape_case(case: AnyCase, live: LiveServer) -> None:
    rng = _rng(case)
    if case.path == seed.CALLBACK:
        _shape_callback(case, live, rng)
        if rng.random() < 0.25:
            _poison(case.query, rng)
        return
    real = _real_identifiers(case, rng, live)
    if case.path in _ACTIONS and isinstance(case.body, dict) and rng.random() < 0.3:
        # The number as either name takes, not both: a body that can succeed.
        case.body = {"ani": ANIS[1], **({"carrier": "carr1"} if "remediate" in case.path else {})}
        real = {}
    if real and isinstance(case.query, dict):
        _replace_present(case.query, rng, real)
    if real and isinstance(case.body, dict):
        _replace_present(case.body, rng, real)
        # Batches: the leads of /dialer/next/batch, the rows of /dialer/results.
        for name in ("leads", "results"):
            rows = case.body.get(name)
            for row in rows if isinstance(rows, list) else ():
                if isinstance(row, dict):
                    _replace_present(row, rng, _real_identifiers(case, rng, live))
    if case.path.startswith("/dialer"):  # every /dialer operation needs the key
        auth = rng.random()
        if auth < 0.9:
            case.headers["X-ApiKey"] = live.api_key
        elif auth < 0.95:
            case.headers.pop("X-ApiKey", None)
        else:
            case.headers["X-ApiKey"] = "oak_0000000000000000_" + "x" * 43
    elif case.path.startswith(ANCHOR_PREFIXES):  # as the commercial SDKs send the key
        # A generated X-ApiKey (the document's key scheme) would be read before the Bearer one.
        case.headers.pop("X-ApiKey", None)
        auth = rng.random()
        if auth < 0.9:
            case.headers["Authorization"] = f"Bearer {live.api_key}"
        elif auth < 0.95:
            case.headers.pop("Authorization", None)
        else:
            case.headers["Authorization"] = "Bearer oak_0000000000000000_" + "x" * 43
    if rng.random() < 0.25:
        _poison(
            case.body if isinstance(case.body, dict) and rng.random() < 0.7 else case.query, rng
        )


# Checks beyond schemathesis's own: the error shapes the README promises.


def _json_object(response: Response) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"a {response.status_code} answer is not JSON: {exc}") from None
    assert isinstance(body, dict), f"a {response.status_code} answer is not a JSON object"
    return body


def dialer_error_shape(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """Every 4xx under /dialer is {"error": {"code": str, "message": str, "fields"?: {...}}}."""
    if not case.path.startswith("/dialer") or not 400 <= response.status_code < 500:
        return None
    body = _json_object(response)
    error = body.get("error")
    assert set(body) == {"error"} and isinstance(error, dict), f"not an error object: {body}"
    assert isinstance(error.get("code"), str) and error["code"], f"no error code: {body}"
    assert isinstance(error.get("message"), str) and error["message"], f"no message: {body}"
    fields = error.get("fields")
    if fields is not None:
        assert isinstance(fields, dict) and all(
            isinstance(name, str) and isinstance(why, str) for name, why in fields.items()
        ), f"fields must name each field and why: {body}"
    return None


def anchor_failure_shape(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """Every 4xx of the commercial API's routes is {"success": false, "message": str, "error":
    {"code", "message", ...}}, as its SDKs read it."""
    if not case.path.startswith(ANCHOR_PREFIXES) or not 400 <= response.status_code < 500:
        return None
    if case.method.upper() != case.operation.method.upper():
        return None  # a coverage probe with an undocumented method: the router's 405
    body = _json_object(response)
    assert body.get("success") is False, f"a failure without success false: {body}"
    assert isinstance(body.get("message"), str) and body["message"], f"no message: {body}"
    error = body.get("error")
    assert isinstance(error, dict) and isinstance(error.get("code"), str), f"no error: {body}"
    return None


def callback_answer_shape(ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
    """The seed callback answers {"result": "SUCCESS"} or {"result": "FAIL", "reason": str}."""
    if case.path != seed.CALLBACK or case.method.upper() != case.operation.method.upper():
        return None  # another operation, or a coverage probe with an undocumented method
    body = _json_object(response)
    if response.status_code == 200:
        assert body == {"result": "SUCCESS"}, f"a 200 that is not SUCCESS: {body}"
    elif 400 <= response.status_code < 500:
        assert set(body) == {"result", "reason"}, f"not a FAIL answer: {body}"
        assert body["result"] == "FAIL", f"a {response.status_code} that is not FAIL: {body}"
        assert isinstance(body["reason"], str) and body["reason"], f"FAIL without reason: {body}"
    return None


@dataclass
class ServerLog:
    """Fails a case when the server logged a traceback while answering it, and quotes it."""

    live: LiveServer
    offset: int = 0

    def mark(self) -> None:
        self.offset = self.live.log_size()

    def server_log_clean(self, ctx: CheckContext, response: Response, case: AnyCase) -> bool | None:
        logged = self.live.log_since(self.offset)
        assert "Traceback (most recent call last)" not in logged, (
            f"the server logged an error while answering:\n{logged}"
        )
        return None


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """An empty database of its own on the test PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from openani.store.engine import sqlalchemy_url

    name = f"openani_fuzz_{os.getpid()}"
    admin = create_engine(sqlalchemy_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
