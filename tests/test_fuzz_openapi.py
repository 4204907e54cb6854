"""Schema fuzzing: schemathesis over the live server's own OpenAPI document.

Every documented operation (the seed's dial-results callback included) gets positive and
negative requests from schemathesis's coverage phase (boundaries and each constraint violated in
turn, plus undocumented methods) and then MAX_EXAMPLES generated cases (its examples phase is on
too, for when the document declares examples), against `openani serve` on a fresh SQLite file
and then on a fresh PostgreSQL database. A quarter of the cases have one value replaced by one
that once answered 500 (a NUL character, a year-1 or year-9999 date, a number beyond 64 bits,
a superscript digit): zero 5xx on both databases.
Every answer must: not be a 5xx, carry a documented status code, content type and body shape,
keep the error shapes the README promises (4xx under /dialer: {"error": {"code", "message"}};
the callback: {"result": "FAIL", "reason"}), and leave no traceback in the server's log.

Generation is derandomized, so a CI failure replays locally with the same requests.
OPENANI_FUZZ_MAX_EXAMPLES=300 runs a deeper search (about 10,000 requests, 90 s).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator

import httpx2 as httpx
import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from openani.http.app import all_operations
from openani.http.openapi import build_openapi
from tests.support.fuzz import (
    COMPANY_PARAM,
    AnyCase,
    LiveServer,
    ServerLog,
    anchor_failure_shape,
    callback_answer_shape,
    dialer_error_shape,
    fresh_postgres_database,
    live_server,
    seed_inventory,
    shape_case,
)
from tests.support.seed import CALLBACK

# Per operation, a bounded budget: the coverage phase's deterministic cases plus this many
# generated ones, about 2,800 requests in all, keep the module near 20 s on a 2-core machine.
MAX_EXAMPLES = int(os.environ.get("OPENANI_FUZZ_MAX_EXAMPLES", "25"))
REQUEST_TIMEOUT_S = 10


# The document the server serves, built from the same operation list (asserted equal to the live
# /openapi.json below). It is loaded at import so that each operation is its own test item:
# schemathesis's lazy `from_fixture` loader, which could read it from the live server, fails on
# pytest 9.2 (it sets `Function._nodeid`, which pytest 9.2 no longer has). The items made here
# carry `[METHOD /path]` in their names but, under pytest 9.2, share one node id: select one
# operation with -k, e.g. `-k "POST and /dialer/next/batch"`.
DOCUMENT = build_openapi(all_operations())
CONFIG = schemathesis.Config.from_dict(
    {
        "request-timeout": REQUEST_TIMEOUT_S,
        "generation": {
            "mode": "all",  # positive and negative cases
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
DOCUMENTED = {f"{op.method} {op.path}" for op in all_operations()}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server under fuzzing, on a fresh SQLite file and then on a fresh PostgreSQL
    database: values PostgreSQL refuses (NUL characters, numbers out of range) failed there
    only, so both are fuzzed."""
    directory = tmp_path_factory.mktemp("fuzz")
    if request.param == "sqlite":
        with live_server(directory) as server:
            seed_inventory(server)
            yield server
        return
    with (
        fresh_postgres_database(request.getfixturevalue("postgres_url")) as url,
        live_server(directory, url) as server,
    ):
        seed_inventory(server)
        yield server


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    dialer_error_shape,
    anchor_failure_shape,
    callback_answer_shape,
]


@schema.parametrize()
def test_openapi_fuzz(case: AnyCase, live: LiveServer) -> None:
    shape_case(case, live)
    log = ServerLog(live)
    log.mark()
    label = f"{case.operation.method.upper()} {case.operation.path}"
    response = case.call(base_url=live.base_url, timeout=REQUEST_TIMEOUT_S)
    live.statuses[label, response.status_code] += 1
    case.validate_response(response, checks=[*CHECKS, log.server_log_clean])


def test_fuzzing_reached_every_operation_and_its_success_path(
    live: LiveServer, request: pytest.FixtureRequest
) -> None:
    """Guards the fuzzing itself: every operation was sent requests and answered 2xx at least
    once, so generated requests did reach real objects (the callback's SUCCESS included)."""
    selected = {
        item.name
        for item in request.session.items
        # Named test_openapi_fuzz[METHOD /path][database].
        if isinstance(item, pytest.Function) and item.name.startswith("test_openapi_fuzz[")
    }
    if len(selected) < len(DOCUMENTED) or not live.statuses:
        pytest.skip("runs after the fuzzing of every operation, in the same session")
    assert {label for label, _status in live.statuses} == DOCUMENTED
    succeeded = {label for label, status in live.statuses if 200 <= status < 300}
    assert DOCUMENTED - succeeded == set(), "operations never answered 2xx"
    classes = Counter(f"{status // 100}xx" for (_label, status) in live.statuses.elements())
    print(
        f"\nschemathesis: {len(DOCUMENTED)} operations, {live.statuses.total()} requests, "
        + ", ".join(f"{count} {name}" for name, count in sorted(classes.items()))
    )


def test_live_document_describes_every_operation_and_the_callback(live: LiveServer) -> None:
    document = httpx.get(f"{live.base_url}/openapi.json").json()
    served = {
        f"{method.upper()} {path}"
        for path, methods in document["paths"].items()
        for method in methods
    }
    assert served == DOCUMENTED
    # What test_openapi_fuzz fuzzes is exactly what the server serves.
    assert document == json.loads(json.dumps(DOCUMENT))
    for method in ("get", "post"):
        callback = document["paths"][CALLBACK][method]
        assert "security" not in callback  # named by its company GUID parameter, no API key
        names = {parameter["name"] for parameter in callback["parameters"]}
        assert COMPANY_PARAM in names
    form = document["paths"][CALLBACK]["post"]["requestBody"]["content"]
    assert "application/x-www-form-urlencoded" in form
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-ApiKey",
    }


def test_live_document_parameters_are_unique(live: LiveServer) -> None:
    document = httpx.get(f"{live.base_url}/openapi.json").json()
    seen: Counter[tuple[str, str, str]] = Counter(
        (f"{method.upper()} {path}", parameter["in"], parameter["name"])
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        for parameter in operation.get("parameters", [])
    )
    duplicated = {key for key, count in seen.items() if count > 1}
    assert duplicated == set(), "duplicated parameters"
