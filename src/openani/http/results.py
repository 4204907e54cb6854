"""Dial results: the seed's GUID-parameter callback and the JSON API, plus operator lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import orjson
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import OpenAniError, PayloadTooLarge, RequestTimeout
from openani.http.body import read_body, read_json_object
from openani.http.context import AppContext, company_of, context_of
from openani.http.offload import in_worker, json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam, ResponseShape
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.lenient import clean
from openani.observability import metrics
from openani.ratelimit import RateLimited
from openani.results.callback import (
    COMPANY_PARAM,
    FIELD_OF_PARAM,
    REQUIRED_FIELDS,
    TYPE_OR_DURATION_PARAM,
    CallbackError,
    describe,
    parse_callback,
)
from openani.results.models import (
    BATCH_RULES,
    CallbackForm,
    CallbackResponse,
    DialResultBatch,
    DialResultBatchDoc,
    DialResultIn,
    ResultRows,
)
from openani.results.service import Outcome
from openani.store.companies import Company
from openani.validation import validate
from openani.wire import Output

CALLBACK_PATH = "/api/595F21A2-84D1-4984-818E-3758A8485CC8.php"


def _fail(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    metrics.results("callback", "refused")
    return JSONResponse({"result": "FAIL", "reason": reason}, status_code=status, headers=headers)


def _reason(error: OpenAniError) -> str:
    if error.fields:
        return "; ".join(f"{describe(name)}: {why}" for name, why in error.fields.items())
    return error.message


# The seed's parameters, the type/duration pair and MAX_KPIS KPIs fit many times over; a form of
# hundreds of thousands of pairs is refused before it is parsed.
MAX_CALLBACK_PARAMS = 200
_TOO_MANY = f"too many parameters: at most {MAX_CALLBACK_PARAMS}"


def _body_pairs(text: str, room: int) -> list[tuple[str, str]]:
    """Form-encoded pairs, or a JSON object of the same names (whatever the Content-Type):
    numbers and booleans in it are read as their text. At most ``room`` pairs."""
    if not text.lstrip().startswith("{"):
        if text.count("&") >= room:
            raise ValueError(_TOO_MANY)
        return parse_qsl(text, keep_blank_values=True)
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"the body is neither form data nor a JSON object: {exc}") from None
    if len(data) > room:
        raise ValueError(_TOO_MANY)
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        if isinstance(value, bool):
            value = str(value).lower()
        elif isinstance(value, int | float | str):
            value = str(value)
        else:
            raise ValueError(f"{name}: must be text or a number, not {type(value).__name__}")
        pairs.append((str(name), value))
    return pairs


def _company_for_guid(context: AppContext, guid: str) -> Company | Response:
    """The company a callback names, or the FAIL answer (401 unknown, 429 over its rate)."""
    try:
        company = context.authenticator.company_for_guid(guid)
    except RateLimited as exc:
        metrics.results("callback", "refused")
        return JSONResponse(
            {"result": "FAIL", "reason": exc.message}, status_code=429, headers=exc.headers
        )
    if company is None:
        return _fail(401, "unknown company GUID")
    return company


async def dial_results_callback(request: Request) -> Response:
    context = context_of(request)
    pairs = list(request.query_params.multi_items())
    if len(pairs) > MAX_CALLBACK_PARAMS:
        return _fail(400, _TOO_MANY)
    # The company first when the query string names it: an unknown GUID is refused before a
    # byte of the body is read.
    named = [value.strip() for name, value in pairs if name.strip() == COMPANY_PARAM]
    queried = named[-1] if named else ""
    company: Company | None = None
    if queried:
        found = _company_for_guid(context, queried)
        if isinstance(found, Response):
            return found
        company = found
    if request.method == "POST":
        try:
            raw = await read_body(request, context.settings.max_body_bytes)
        except (PayloadTooLarge, RequestTimeout) as exc:
            return _fail(exc.status, exc.message, exc.headers)
        if raw.strip():
            try:
                pairs += _body_pairs(raw.decode("utf-8"), MAX_CALLBACK_PARAMS - len(pairs))
            except UnicodeDecodeError:
                return _fail(400, "the body must be UTF-8 name=value pairs (form encoded)")
            except ValueError as exc:
                return _fail(400, str(exc))
    try:
        parsed = parse_callback(pairs)
    except CallbackError as exc:
        return _fail(400, str(exc))
    if company is None or parsed.company_guid != queried:  # the body named another
        found = _company_for_guid(context, parsed.company_guid)
        if isinstance(found, Response):
            return found
        company = found
    outcome = await context.results.ingest_one(company, parsed.fields, strict_types=False)
    if outcome.error is not None:
        return _fail(400, _reason(outcome.error))
    metrics.results("callback", outcome.status)
    return JSONResponse({"result": "SUCCESS"})


def _row(outcome: Outcome) -> dict[str, Any]:
    row: dict[str, Any] = {"call_id": outcome.call_id, "status": outcome.status}
    if outcome.warnings:
        row["warnings"] = list(outcome.warnings)
    if outcome.error is not None:
        error: dict[str, Any] = {"code": outcome.error.code, "message": outcome.error.message}
        if outcome.error.fields:
            error["fields"] = outcome.error.fields
        row["error"] = error
    return row


async def post_results(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    # Read as JSON whatever the Content-Type: the dialer's hot path forgives.
    body = (
        await read_json_object(request, context.settings.max_body_bytes, require_content_type=False)
        or {}
    )
    # Validating, storing and answering a batch of up to 1,000 rows takes a while: a worker does it.
    return await in_worker(_ingest, context, company, body)


def _ingest(context: AppContext, company: Company, body: dict[str, Any]) -> Response:
    if "results" in body:
        envelope, warnings = clean(body, BATCH_RULES)
        batch = validate(DialResultBatch, envelope)
        outcomes = context.results.ingest(company, batch.results, lenient=True)
        _count(outcomes)
        answer: dict[str, Any] = {"results": [_row(o) for o in outcomes]}
        if warnings:
            answer["warnings"] = warnings
        return JSONResponse(answer)
    (outcome,) = context.results.ingest(company, [body], lenient=True)
    _count([outcome])
    if outcome.error is not None:
        if outcome.warnings:
            outcome.error.extra["warnings"] = list(outcome.warnings)
        raise outcome.error
    return JSONResponse({"results": [_row(outcome)]})


def _count(outcomes: list[Outcome]) -> None:
    counted: dict[str, int] = {}
    for outcome in outcomes:
        status = "refused" if outcome.status == "error" else outcome.status
        counted[status] = counted.get(status, 0) + 1
    for status, count in counted.items():
        metrics.results("api", status, count)


class UnmappedDisposition(Output):
    dispo: str
    results: int
    first_call_at: str
    last_call_at: str


class UnknownAni(Output):
    country_code: str
    number: str
    results: int
    last_call_at: str


def _page_model(name: str, item: type[BaseModel]) -> type[BaseModel]:
    from pydantic import create_model

    return create_model(
        name,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, ...),
    )


async def unmapped_dispositions(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).result_lists.unmapped_dispositions, company, request.query_params
    )


async def list_results(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).result_lists.results, company, request.query_params
    )


class StoredResult(Output):
    call_id: str
    campaign: str
    agent_id: str | None
    ani: str
    country_code: str
    dispo: str
    mapped: bool = Field(description="The dispo matched one of the company's dispositions")
    contact: bool
    success: bool
    category: str | None
    prospect_phone: str
    call_at: datetime
    call_type: str | None
    duration_s: int | None
    zip: str | None
    lead_created: str | None
    attempts: int | None
    skill: str | None
    lead_source: str | None
    kpis: dict[str, str]
    received_at: datetime
    updated_at: datetime


class StoredResultPage(Output):
    items: list[StoredResult]
    next_cursor: str | None


async def unknown_anis(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).result_lists.unknown_anis, company, request.query_params
    )


def _callback_params() -> tuple[QueryParam, ...]:
    described = [(COMPANY_PARAM, "company GUID provided by openani (not the API key)", True)]
    described += [(param, name, name in REQUIRED_FIELDS) for param, name in FIELD_OF_PARAM.items()]
    described.append(
        (
            TYPE_OR_DURATION_PARAM,
            "call type (Inbound/Outbound/SMS/...) or call duration in "
            "seconds; may be sent twice, once for each",
            False,
        )
    )
    return tuple(
        QueryParam(param, {"type": "string"}, f"{text} (or in the form body)", required=False)
        for param, text, _required in described
    )


_CALLBACK_RESPONSES: dict[int, ResponseShape] = {
    200: CallbackResponse,
    400: CallbackResponse,
    401: CallbackResponse,
    413: CallbackResponse,
    429: CallbackResponse,
}
_CALLBACK_DESCRIPTION = (
    "The seed's dial-results callback. Parameters come in the query string and/or a form body; "
    f"required: {COMPANY_PARAM} (company GUID) and "
    + ", ".join(describe(name) for name in REQUIRED_FIELDS)
    + ". Any other name=value pair is kept as a KPI (at most 50). "
    'Answers {"result": "SUCCESS"} once stored, or {"result": "FAIL", "reason": ...}.'
)

OPERATIONS = [
    Operation(
        method,
        CALLBACK_PATH,
        "Dial result callback (seed format)",
        dial_results_callback,
        "results",
        query=_callback_params(),
        responses=_CALLBACK_RESPONSES,
        authenticated=False,
        description=_CALLBACK_DESCRIPTION,
        form_model=CallbackForm if method == "POST" else None,
    )
    for method in ("GET", "POST")
] + [
    Operation(
        "POST",
        "/dialer/results",
        'Report one dial result, or up to 1,000 as {"results": [...]}',
        post_results,
        "results",
        request_model=(DialResultIn, DialResultBatchDoc),
        responses={200: ResultRows, **ERROR_RESPONSES},
        description="Idempotent per call_id: a retry answers `duplicate` and counts nothing "
        "twice; the same call_id with another dispo replaces the earlier result (`updated`). "
        "In a batch each row succeeds or fails alone.",
    ),
    Operation(
        "GET",
        "/dialer/results",
        "Stored dial results, newest first, with the KPIs each was sent with",
        list_results,
        "results",
        query=(
            QueryParam("call_id", {"type": "string"}),
            QueryParam("campaign", {"type": "string"}),
            QueryParam("agent", {"type": "string"}, "Agent id"),
            QueryParam("dispo", {"type": "string"}, "The dispo as sent"),
            QueryParam("number", {"type": "string"}, "The ANI the call was placed with"),
            QueryParam("prospect_phone", {"type": "string"}),
            QueryParam("from", {"type": "string"}, "Calls from this moment (ISO 8601 or a date)"),
            QueryParam("to", {"type": "string"}, "Calls before this moment"),
            *PAGE_QUERY,
        ),
        responses={200: StoredResultPage, **ERROR_RESPONSES},
    ),
    Operation(
        "GET",
        "/dialer/results/unmapped-dispositions",
        "Dispositions the dialer reported that are not defined (counted as dials without contact)",
        unmapped_dispositions,
        "results",
        query=PAGE_QUERY,
        responses={
            200: _page_model("UnmappedDispositions", UnmappedDisposition),
            **ERROR_RESPONSES,
        },
    ),
    Operation(
        "GET",
        "/dialer/results/unknown-anis",
        "Numbers results were dialled with that are not in the inventory",
        unknown_anis,
        "results",
        query=PAGE_QUERY,
        responses={200: _page_model("UnknownAnis", UnknownAni), **ERROR_RESPONSES},
    ),
]
