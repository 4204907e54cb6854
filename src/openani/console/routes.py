"""The operator's console under /console/: sign-in, then pages over the company's own data.

Handlers check the session (and, on every POST, its CSRF token), read through the same services
as the API (so the same validation and tenant scoping apply) in a worker thread, and render HTML.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import BaseRoute, Route

from openani import clock
from openani.console import admin_pages, pages, session
from openani.console.forms import Form, parse_form
from openani.console.html import Day, frame, percent, url
from openani.errors import NotFound, OpenAniError, Unauthorized, ValidationFailed
from openani.http.ani_bulk import parse_source
from openani.http.body import read_body
from openani.http.context import AppContext, context_of
from openani.inventory import ani_export, ani_import
from openani.lifecycle import changes
from openani.lifecycle.status import AFTER_END, STATUSES
from openani.moments import moment
from openani.paging import decode_cursor, encode_cursor
from openani.planner.service import plan_body, plan_csv
from openani.stats.service import parse_window
from openani.store import console as store
from openani.store import daily_stats as stats_store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.validation import plain_digits

STATIC = Path(__file__).parent / "static"
PAGE_SIZE = 50
FORM_MAX_BYTES = 1024 * 1024
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True, slots=True)
class Visitor:
    company: Company
    csrf: str
    context: AppContext


Page = Callable[[Request, Visitor], Awaitable[Response]]
Action = Callable[[Request, Visitor, Form], Awaitable[Response]]


def html(text: str, status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers={**HEADERS, **(headers or {})})


def redirect(to: str, **params: str) -> RedirectResponse:
    return RedirectResponse(url(to, params), status_code=303, headers=HEADERS)


def _visitor(request: Request) -> Visitor | None:
    context = context_of(request)
    value = request.cookies.get(session.COOKIE)
    claimed = session.read_cookie(value, time.time())
    if claimed is None or value is None:
        return None
    record = context.authenticator.key_record(claimed.key_id)
    if record is None:
        return None
    secret_hash, company = record
    if not session.verified(value, claimed, secret_hash):
        return None
    return Visitor(company, session.csrf_token(claimed, secret_hash), context)


def _render(
    request: Request, visitor: Visitor, title: str, body: str, active: str, error: str | None = None
) -> Response:
    return html(
        frame(
            title,
            body,
            active=active,
            company=visitor.company.name,
            csrf=visitor.csrf,
            notice=request.query_params.get("notice"),
            error=error or request.query_params.get("error"),
        )
    )


def page(handler: Page) -> Callable[[Request], Awaitable[Response]]:
    async def wrapped(request: Request) -> Response:
        visitor = await run_in_threadpool(_visitor, request)
        if visitor is None:
            return redirect("/console/sign-in")
        return await handler(request, visitor)

    return wrapped


def _back(form: Form, default: str) -> str:
    back = form.get("back")
    # Only back into the console: a form must not send the operator elsewhere.
    return back if back.startswith("/console/") and "//" not in back else default


def action(handler: Action, default_back: str) -> Callable[[Request], Awaitable[Response]]:
    """A POST: signed in, the CSRF token matching; OpenAniErrors come back as a message."""

    async def wrapped(request: Request) -> Response:
        visitor = await run_in_threadpool(_visitor, request)
        if visitor is None:
            return redirect("/console/sign-in")
        form = parse_form(
            request.headers.get("content-type"),
            await read_body(request, ani_import.MAX_BYTES),
        )
        if form.get("csrf") != visitor.csrf:
            return html(
                frame("Refused", "<p>The form was stale or did not come from this console. "
                      '<a href="/console/">Start again</a>.</p>'),
                status=403,
            )  # fmt: skip
        try:
            return await handler(request, visitor, form)
        except OpenAniError as exc:
            return redirect(_back(form, default_back), error=exc.message)

    return wrapped


# Sign-in and sign-out


async def sign_in_page(request: Request) -> Response:
    if await run_in_threadpool(_visitor, request) is not None:
        return redirect("/console/")
    token = secrets.token_hex(16)
    response = html(frame("Sign in", pages.sign_in(token), error=request.query_params.get("error")))
    _set_cookie(request, response, session.SIGN_IN_COOKIE, token, 3600)
    return response


async def sign_in(request: Request) -> Response:
    form = parse_form(request.headers.get("content-type"), await read_body(request, FORM_MAX_BYTES))
    expected = request.cookies.get(session.SIGN_IN_COOKIE)
    if not expected or form.get("csrf") != expected:
        return redirect("/console/sign-in", error="The sign-in form expired; please try again.")
    context = context_of(request)
    try:
        company = await run_in_threadpool(
            context.authenticator.company_for_key, form.get("api_key")
        )
    except Unauthorized:
        return redirect("/console/sign-in", error="That API key is not valid (or was revoked).")
    key_id = company.key_id or ""
    record = await run_in_threadpool(context.authenticator.key_record, key_id)
    if record is None:
        return redirect("/console/sign-in", error="That API key is not valid (or was revoked).")
    new = session.new_session(key_id, time.time())
    response = redirect("/console/")
    _set_cookie(
        request, response, session.COOKIE, session.cookie_value(new, record[0]), session.LIFETIME_S
    )
    response.delete_cookie(session.SIGN_IN_COOKIE, path="/console")
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/console",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


async def _sign_out(request: Request, visitor: Visitor, form: Form) -> Response:
    response = redirect("/console/sign-in")
    response.delete_cookie(session.COOKIE, path="/console")
    return response


# Overview


def _days_between(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]


def _today(company: Company) -> date:
    return clock.today(company.time_zone)


def _series(db: Database, company: Company, dimension: str, key: str | None) -> list[Day]:
    today = _today(company)
    start = today - timedelta(days=29)
    with db.read() as conn:
        rows = stats_store.daily_series(
            conn, company.id, dimension, key, start.isoformat(), today.isoformat()
        )
    return _filled(rows, start, today)


def _filled(rows: Sequence[Any], start: date, end: date) -> list[Day]:
    """One Day per calendar day, zero where no row is."""
    found = {r.day: r for r in rows}
    return [
        Day(d, int(found[d].dials), int(found[d].contacts)) if d in found else Day(d, 0, 0)
        for d in _days_between(start, end)
    ]


def _overview_body(context: AppContext, company: Company) -> str:
    today = _today(company)
    start = today - timedelta(days=29)
    with context.db.read() as conn:
        rows = stats_store.daily_series(
            conn, company.id, "campaign", None, start.isoformat(), today.isoformat()
        )
        statuses = store.status_counts(conn, company.id, datetime.now(UTC))
    windows: dict[str, dict[str, int]] = {}
    for label, span in (("Today", 1), ("7 days", 7), ("30 days", 30)):
        since = (today - timedelta(days=span - 1)).isoformat()
        chosen = [r for r in rows if r.day >= since]
        windows[label] = {
            name: sum(int(getattr(r, name)) for r in chosen)
            for name in ("dials", "contacts", "successes")
        }
    days = _filled(rows, start, today)
    by_status: dict[str, int] = {}
    for row in statuses:
        status = AFTER_END[row.status] if row.ended and row.status in AFTER_END else row.status
        by_status[status] = by_status.get(status, 0) + int(row.numbers)
    # The first page of each (the most results first).
    with context.db.read() as conn:
        unmapped = [
            {"dispo": r.dispo, "results": int(r.results)}
            for r in store.unmapped_dispositions(conn, company.id, 20)
        ]
    unknown = context.result_lists.unknown_anis(company, {})["items"]
    return pages.overview(windows, days, by_status, unmapped, unknown)


@page
async def overview(request: Request, visitor: Visitor) -> Response:
    body = await run_in_threadpool(_overview_body, visitor.context, visitor.company)
    return _render(request, visitor, "Overview", body, "overview")


# Numbers


def _number_filters(query: Mapping[str, str]) -> dict[str, Any]:
    known = ("number", "area_code", "state", "group", "status", "branded", "cursor")
    chosen = {k: query[k].strip() for k in known if query.get(k, "").strip()}
    if "status" in chosen and chosen["status"] not in STATUSES:
        raise ValidationFailed({"status": f"must be one of {', '.join(STATUSES)}"})
    if "number" in chosen and not chosen["number"].isdigit():
        raise ValidationFailed({"number": "must be digits"})
    if chosen.get("branded") not in (None, "true", "false"):
        raise ValidationFailed({"branded": "must be true or false"})
    return chosen


def _numbers_rows(
    context: AppContext, company: Company, filters: Mapping[str, Any], healthy: Callable[[int], int]
) -> tuple[list[dict[str, Any]], str | None]:
    window = parse_window({"window": "30d"}, company.time_zone)
    company_cap = int(context.company_settings.get(company)["daily_cap"])
    with context.db.read() as conn:
        rows = stats_store.ani_stats(
            conn, company.id, window,
            campaign=None, number_prefix=filters.get("number"),
            area_code=filters.get("area_code"), state=filters.get("state"),
            status=filters.get("status"),
            after_id=decode_cursor(company.id, filters.get("cursor")),
            limit=PAGE_SIZE + 1, inbound_group_id=filters.get("group"),
            branded=None if "branded" not in filters else filters["branded"] == "true",
        )  # fmt: skip
    now = datetime.now(UTC)
    items = []
    for row in rows[:PAGE_SIZE]:
        until = row.paused_until
        ended = row.status in AFTER_END and until is not None and until <= now
        items.append(
            {
                "country_code": row.country_code,
                "number": row.number,
                "area_code": row.area_code,
                "state": row.state,
                "inbound_group_id": row.inbound_group_id,
                "is_branded": row.is_branded,
                "status": AFTER_END[row.status] if ended else row.status,
                "dials_today": int(row.today_dials),
                "cap": row.daily_cap or company_cap,
                "contact_rate_today": percent(int(row.today_contacts), int(row.today_dials)),
                "contact_rate_30d": percent(int(row.contacts), int(row.dials)),
                "healthy_volume": healthy(row.id),
            }
        )
    more = len(rows) > PAGE_SIZE
    return items, encode_cursor(company.id, rows[PAGE_SIZE - 1].id) if more else None


@page
async def numbers(request: Request, visitor: Visitor) -> Response:
    context, company = visitor.context, visitor.company
    try:
        filters = _number_filters(request.query_params)
        decode_cursor(company.id, filters.get("cursor"))  # refused here, not in the worker
    except ValidationFailed as exc:
        return redirect("/console/numbers", error=exc.message)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    items, next_cursor = await run_in_threadpool(
        _numbers_rows, context, company, filters, model.healthy_volume
    )
    query = {k: v for k, v in filters.items() if k != "cursor"}
    back = url("/console/numbers", filters)
    body = pages.numbers(items, query, next_cursor, visitor.csrf, back)
    return _render(request, visitor, "Numbers", body, "numbers")


async def _number_action(request: Request, visitor: Visitor, form: Form) -> Response:
    context, company = visitor.context, visitor.company
    key = {"number": form.get("number"), "note": form.get("note") or None}
    if form.get("country_code"):
        key["country_code"] = form.get("country_code")
    anis = context.resources["anis"]
    what = form.get("action")
    if what == "pause":
        body = dict(key)
        if form.get("until"):
            body["until"] = moment("until", form.get("until"), company.time_zone).isoformat()
        if form.get("date"):
            body["date"] = form.get("date")
        await run_in_threadpool(changes.pause, anis, company, body)
        notice = f"{key['number']} paused"
    elif what == "activate":
        body = dict(key)
        if form.get("date"):
            body["date"] = form.get("date")
        result = await run_in_threadpool(changes.activate, anis, company, body)
        scheduled = result.get("scheduled")
        notice = (
            f"{key['number']} will be activated on {form.get('date')}"
            if scheduled
            else f"{key['number']} activated"
        )
    elif what == "rest":
        days = int(context.company_settings.get(company)["rest_days"])
        await run_in_threadpool(lambda: changes.rest(anis, company, key, days=days))
        notice = f"{key['number']} resting for {days} days"
    else:
        raise ValidationFailed({"action": "must be pause, activate or rest"})
    return redirect(_back(form, "/console/numbers"), notice=notice)


def _number_body(
    context: AppContext, company: Company, country_code: str, number: str, healthy: int, csrf: str
) -> str:
    ani = context.resources["anis"].get(company, {"number": number, "country_code": country_code})
    full = ani["country_code"] + ani["number"]
    days = _series(context.db, company, "ani", full)
    history = context.lifecycle.history(
        company, {"number": ani["number"], "country_code": ani["country_code"], "limit": "50"}
    )["items"]
    today = _today(company)
    with context.db.read() as conn:
        called = stats_store.areas_called(
            conn, company.id, full, (today - timedelta(days=29)).isoformat(), today.isoformat()
        )
    areas = [
        {
            "area_code": r.area_code,
            "dials": int(r.dials),
            "contacts": int(r.contacts),
            "contact_rate": percent(int(r.contacts), int(r.dials)),
        }
        for r in called
    ]
    return pages.number_page(ani, days, history, areas, healthy, csrf)


@page
async def number_detail(request: Request, visitor: Visitor) -> Response:
    context, company = visitor.context, visitor.company
    country_code = "+" + str(request.path_params["country"])
    number = str(request.path_params["number"])
    if country_code not in ("+1", "+44") or not number.isdigit():
        return html(frame("Not found", "<p>No such number.</p>"), status=404)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    try:
        ani_id = await run_in_threadpool(_ani_id, context.db, company, country_code, number)
        body = await run_in_threadpool(
            _number_body, context, company, country_code, number,
            model.healthy_volume(ani_id), visitor.csrf,
        )  # fmt: skip
    except NotFound:
        return html(frame("Not found", "<p>No such number in your inventory.</p>"), status=404)
    return _render(request, visitor, f"{country_code} {number}", body, "numbers")


def _ani_id(db: Database, company: Company, country_code: str, number: str) -> int:
    with db.read() as conn:
        found = store.ani_id(conn, company.id, country_code, number)
    if found is None:
        raise NotFound(f"ANI {number} not found")
    return found


# Import and export


@page
async def import_page(request: Request, visitor: Visitor) -> Response:
    return _render(request, visitor, "Load numbers", pages.import_form(visitor.csrf), "numbers")


async def _import(request: Request, visitor: Visitor, form: Form) -> Response:
    data = form.files.get("file", b"")
    if not data.strip():
        raise ValidationFailed({"file": "choose a CSV file with a header row"})
    source = await run_in_threadpool(
        parse_source, "text/csv", data, form.get("inbound_group_id") or None
    )
    report = await run_in_threadpool(
        lambda: visitor.context.ani_import.run(
            visitor.company, source, dry_run=form.get("dry_run") == "true"
        )
    )
    return _render(
        request, visitor, "Load numbers", pages.import_report(report, visitor.csrf), "numbers"
    )


@page
async def export(request: Request, visitor: Visitor) -> Response:
    context, company = visitor.context, visitor.company
    filters = ani_export.check_filters(request.query_params)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    return StreamingResponse(
        ani_export.csv_pages(context.db, company, filters, model.healthy_volume),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="anis.csv"', **HEADERS},
    )


# Coverage


def _coverage_body(context: AppContext, company: Company) -> str:
    today = _today(company)
    start, end = (today - timedelta(days=29)).isoformat(), today.isoformat()
    window = parse_window({"window": "30d"}, company.time_zone)
    with context.db.read() as conn:
        areas = stats_store.grouped_stats(
            conn, company.id, window, dimension="area", by_state=False, after=None, limit=10_000
        )
        held = store.numbers_by_area(conn, company.id)
        local = {
            r.area_code: r for r in stats_store.local_dials_by_area(conn, company.id, start, end)
        }
        states = {
            r.area_code: r.state for r in stats_store.area_states(conn, company.id, start, end)
        }
    numbers_held: dict[str, int] = {}
    held_state: dict[str, str | None] = {}
    for row in held:
        if row.area_code is not None:
            numbers_held[row.area_code] = numbers_held.get(row.area_code, 0) + int(row.numbers)
            held_state[row.area_code] = row.state
    by_area: dict[str, dict[str, Any]] = {}
    for row in areas:
        found = local.get(row.key)
        by_area[row.key] = {
            "area_code": row.key,
            "state": states.get(row.key) or held_state.get(row.key),
            "dials": int(row.dials),
            "contacts": int(row.contacts),
            "local": int(found.dials) if found else 0,
            "local_contacts": int(found.contacts) if found else 0,
            "numbers": numbers_held.get(row.key, 0),
        }
    for area, count in numbers_held.items():
        by_area.setdefault(
            area,
            {"area_code": area, "state": held_state.get(area), "dials": 0, "contacts": 0,
             "local": 0, "local_contacts": 0, "numbers": count},
        )  # fmt: skip
    by_state: dict[str, dict[str, Any]] = {}
    for item in by_area.values():
        state = item["state"] or "-"
        total = by_state.setdefault(
            state,
            dict.fromkeys(("dials", "contacts", "local", "local_contacts", "numbers"), 0),
        )
        total["state"] = state
        for name in ("dials", "contacts", "local", "local_contacts", "numbers"):
            total[name] += item[name]
    for item in (*by_area.values(), *by_state.values()):
        item["contact_rate"] = percent(item["contacts"], item["dials"])
        item["local_share"] = percent(item["local"], item["dials"])
        item["local_answered"] = percent(item["local_contacts"], item["contacts"])
    ordered = sorted(by_area.values(), key=lambda i: (-i["dials"], i["area_code"]))
    states_ordered = sorted(by_state.values(), key=lambda i: (-i["dials"], i["state"]))
    return pages.coverage(states_ordered, ordered)


@page
async def coverage(request: Request, visitor: Visitor) -> Response:
    body = await run_in_threadpool(_coverage_body, visitor.context, visitor.company)
    return _render(request, visitor, "Coverage", body, "coverage")


# Planner


def _plan_arguments(query: Mapping[str, str]) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for name in ("date_start", "date_end"):
        if query.get(name):
            try:
                arguments[name] = date.fromisoformat(query[name])
            except ValueError:
                raise ValidationFailed({name: "must be a date YYYY-MM-DD"}) from None
    if query.get("daily_dials_target"):
        arguments["daily_dials_target"] = query["daily_dials_target"]
    group_by = query.get("group_by") or "area_code"
    if group_by not in ("area_code", "ani", "zip"):
        raise ValidationFailed({"group_by": "must be area_code, ani or zip"})
    arguments["group_by"] = group_by
    named = [c.strip() for c in query.get("campaigns", "").split(",") if c.strip()]
    if named:
        arguments["campaigns"] = named
    return arguments


async def _plan(visitor: Visitor, query: Mapping[str, str]) -> Any:
    context, company = visitor.context, visitor.company
    arguments = _plan_arguments(query)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    return await run_in_threadpool(
        lambda: context.planner.plan(company, model=model, **arguments)
    ), arguments["group_by"]


@page
async def planner(request: Request, visitor: Visitor) -> Response:
    query = dict(request.query_params)
    try:
        plan, group_by = await _plan(visitor, query)
    except OpenAniError as exc:
        return _render(
            request, visitor, "Planner", pages.planner_form(query), "planner", exc.message
        )
    body = pages.planner(plan_body(plan, group_by), query)
    return _render(request, visitor, "Planner", body, "planner")


@page
async def planner_csv(request: Request, visitor: Visitor) -> Response:
    try:
        plan, _ = await _plan(visitor, dict(request.query_params))
    except OpenAniError as exc:
        return redirect("/console/planner", error=exc.message)
    return Response(
        plan_csv(plan),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ani-plan.csv"', **HEADERS},
    )


# Campaigns, dispositions, settings, audit


def _all(context: AppContext, company: Company, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        chunk = context.resources[path].list(company, {}, limit=1000, cursor=cursor)
        items.extend(chunk.items)
        if chunk.next_cursor is None or len(items) >= 5000:
            return items
        cursor = chunk.next_cursor


def _editing(context: AppContext, company: Company, path: str, ident: str) -> dict[str, Any] | None:
    if not ident:
        return None
    try:
        return context.resources[path].get(company, {"id": ident})
    except OpenAniError:
        return None


@page
async def campaigns(request: Request, visitor: Visitor) -> Response:
    context, company = visitor.context, visitor.company
    items = await run_in_threadpool(_all, context, company, "campaigns")
    editing = await run_in_threadpool(
        _editing, context, company, "campaigns", request.query_params.get("edit", "")
    )
    body = admin_pages.campaigns(items, visitor.csrf, editing)
    return _render(request, visitor, "Campaigns", body, "campaigns")


def _optional_int(form: Form, name: str) -> int | None:
    text = form.get(name)
    if not text:
        return None
    if not plain_digits(text):
        raise ValidationFailed({name: "must be a whole number"})
    return int(text)


def _campaign_body(form: Form) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": form.get("id"),
        "name": form.get("name"),
        "type": form.get("type"),
        "inbound_pool_id": form.get("inbound_pool_id") or None,
        "daily_cap": _optional_int(form, "daily_cap"),
        "hourly_cap": _optional_int(form, "hourly_cap"),
        "cap_mode": form.get("cap_mode") or None,
        "default_assignment_type": form.get("default_assignment_type") or None,
        "sticky_ani": form.get("sticky_ani") == "true",
    }
    return body


async def _save(visitor: Visitor, form: Form, path: str, body: dict[str, Any]) -> None:
    service = visitor.context.resources[path]
    if form.get("mode") == "update":
        await run_in_threadpool(service.update, visitor.company, body)
    else:
        await run_in_threadpool(service.create, visitor.company, body)


async def _campaign_action(request: Request, visitor: Visitor, form: Form) -> Response:
    await _save(visitor, form, "campaigns", _campaign_body(form))
    return redirect("/console/campaigns", notice=f"campaign {form.get('id')} saved")


@page
async def dispositions(request: Request, visitor: Visitor) -> Response:
    context, company = visitor.context, visitor.company
    items = await run_in_threadpool(_all, context, company, "dispos")
    editing = await run_in_threadpool(
        _editing, context, company, "dispos", request.query_params.get("edit", "")
    )
    new_name = request.query_params.get("new", "")[:64]
    body = admin_pages.dispositions(items, visitor.csrf, editing, new_name)
    return _render(request, visitor, "Dispositions", body, "dispositions")


async def _dispo_action(request: Request, visitor: Visitor, form: Form) -> Response:
    body = {
        "id": form.get("id"),
        "name": form.get("name"),
        "type": form.get("type"),
        "contact": form.get("contact") == "true",
        "success": form.get("success") == "true",
        "category": form.get("category") or None,
    }
    await _save(visitor, form, "dispos", body)
    return redirect("/console/dispositions", notice=f"disposition {form.get('id')} saved")


@page
async def settings_page(request: Request, visitor: Visitor) -> Response:
    values = await run_in_threadpool(visitor.context.company_settings.get, visitor.company)
    return _render(
        request, visitor, "Settings", admin_pages.settings(values, visitor.csrf), "settings"
    )


def _number(form: Form, name: str) -> float:
    try:
        return float(form.get(name))
    except ValueError:
        raise ValidationFailed({name: "must be a number"}) from None


async def _settings_action(request: Request, visitor: Visitor, form: Form) -> Response:
    body: dict[str, Any] = {
        "time_zone": form.get("time_zone"),
        "daily_cap": _optional_int(form, "daily_cap"),
        "hourly_cap": _optional_int(form, "hourly_cap"),
        "cap_mode": form.get("cap_mode"),
        "nearest_radius_km": _number(form, "nearest_radius_km"),
        "automation": form.get("automation"),
        "rest_days": _optional_int(form, "rest_days"),
        "max_resting_share": _number(form, "max_resting_share"),
        "probation_days": _optional_int(form, "probation_days"),
        "unknown_campaign": form.get("unknown_campaign"),
    }
    if body["daily_cap"] is None:
        raise ValidationFailed({"daily_cap": "is required"})
    await run_in_threadpool(visitor.context.company_settings.update, visitor.company, body)
    return redirect("/console/settings", notice="settings saved")


@page
async def audit(request: Request, visitor: Visitor) -> Response:
    resource = request.query_params.get("resource", "")
    query = {"limit": "100"}
    if resource:
        query["resource"] = resource
    if request.query_params.get("cursor"):
        query["cursor"] = request.query_params["cursor"]
    try:
        found = await run_in_threadpool(visitor.context.audit.page, visitor.company, query)
    except ValidationFailed as exc:
        return redirect("/console/audit", error=exc.message)
    body = pages.audit(found["items"], found["next_cursor"], resource)
    return _render(request, visitor, "Audit log", body, "audit")


async def static(request: Request) -> Response:
    name = str(request.path_params["name"])
    path = STATIC / name
    if "/" in name or not path.is_file():
        return Response("not found", status_code=404)
    return FileResponse(path, headers={"Cache-Control": "max-age=3600"})


async def root(_request: Request) -> Response:
    return RedirectResponse("/console/", status_code=307)


def _route(path: str, endpoint: Callable[[Request], Awaitable[Response]], method: str) -> Route:
    # HTML pages, not part of the API: left out of the OpenAPI document.
    return Route(path, endpoint, methods=[method], include_in_schema=False)


ROUTES: list[BaseRoute] = [
    _route("/", root, "GET"),
    _route("/console", root, "GET"),
    _route("/console/", overview, "GET"),
    _route("/console/sign-in", sign_in_page, "GET"),
    _route("/console/sign-in", sign_in, "POST"),
    _route("/console/sign-out", action(_sign_out, "/console/"), "POST"),
    _route("/console/numbers", numbers, "GET"),
    _route("/console/numbers/action", action(_number_action, "/console/numbers"), "POST"),
    _route("/console/numbers/import", import_page, "GET"),
    _route("/console/numbers/import", action(_import, "/console/numbers/import"), "POST"),
    _route("/console/numbers/export", export, "GET"),
    _route("/console/numbers/{country:int}/{number}", number_detail, "GET"),
    _route("/console/coverage", coverage, "GET"),
    _route("/console/planner", planner, "GET"),
    _route("/console/planner.csv", planner_csv, "GET"),
    _route("/console/campaigns", campaigns, "GET"),
    _route("/console/campaigns", action(_campaign_action, "/console/campaigns"), "POST"),
    _route("/console/dispositions", dispositions, "GET"),
    _route("/console/dispositions", action(_dispo_action, "/console/dispositions"), "POST"),
    _route("/console/settings", settings_page, "GET"),
    _route("/console/settings", action(_settings_action, "/console/settings"), "POST"),
    _route("/console/audit", audit, "GET"),
    _route("/console/static/{name}", static, "GET"),
]
