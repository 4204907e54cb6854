"""POST /dialer/anis/import (CSV or a JSON list) and GET /dialer/anis/export (CSV)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field, RootModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from openani.errors import UnsupportedMediaType, ValidationFailed
from openani.http.body import read_body
from openani.http.context import company_of, context_of
from openani.http.operations import Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory import ani_export, ani_import
from openani.inventory.models import AniCreate
from openani.wire import Output

_CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/octet-stream", "")


class AniImportList(RootModel[list[AniCreate]]):
    """ANIs as POST /dialer/anis creates them, one object each."""


class ImportRow(Output):
    line: int = Field(description="Line of the file (header: line 1), or position in the list")
    outcome: Literal["created", "updated", "unchanged", "error"]
    number: str | None
    country_code: str | None
    fields: dict[str, str] | None = Field(default=None, description="Each refused field and why")
    warnings: list[str] | None = None


class ImportReport(Output):
    dry_run: bool
    layout: Literal["openani", "vicidial", "json"]
    rows: int
    created: int
    updated: int
    unchanged: int
    error: int
    report: list[ImportRow]


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise ValidationFailed({name: "must be true or false"})
    return raw in ("true", "1")


def parse_source(
    content_type: str | None, data: bytes, default_group: str | None
) -> ani_import.Source:
    """CSV or a JSON list, by the Content-Type (none: CSV)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return ani_import.read_json(data)
    if media_type in _CSV_TYPES:
        return ani_import.read_csv(data, default_group=default_group)
    raise UnsupportedMediaType("send CSV (Content-Type: text/csv) or a JSON list of ANIs")


async def import_anis(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    unknown = [name for name in request.query_params if name not in ("dry_run", "inbound_group_id")]
    if unknown:
        raise ValidationFailed(
            {name: "unknown query parameter (known: dry_run, inbound_group_id)" for name in unknown}
        )
    dry_run = _flag(request, "dry_run")
    group = request.query_params.get("inbound_group_id") or None
    data = await read_body(request, ani_import.MAX_BYTES)
    if not data.strip():
        raise ValidationFailed({"body": "is empty; send CSV with a header row or a JSON list"})
    source = await run_in_threadpool(parse_source, request.headers.get("content-type"), data, group)
    report = await run_in_threadpool(context.ani_import.run, company, source, dry_run=dry_run)
    return JSONResponse(report)


async def export_anis(request: Request) -> Response:
    company = company_of(request)
    context = context_of(request)
    filters = ani_export.check_filters(request.query_params)
    model = await context.learning.current(company.id, company.time_zone, datetime.now(UTC))
    day = datetime.now(UTC).date().isoformat()
    return StreamingResponse(
        ani_export.csv_pages(context.db, company, filters, model.healthy_volume),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="anis-{day}.csv"'},
    )


OPERATIONS = [
    Operation(
        "POST",
        "/dialer/anis/import",
        "Load many ANIs from CSV (text/csv) or a JSON list, with a report per row",
        import_anis,
        "anis",
        request_model=AniImportList,
        query=(
            QueryParam(
                "dry_run", {"type": "boolean", "default": False}, "Validate and report only"
            ),
            QueryParam(
                "inbound_group_id",
                {"type": "string"},
                "Inbound group of rows that name none (VICIdial files have no such column)",
            ),
        ),
        responses={200: ImportReport, **ERROR_RESPONSES},
        description=(
            "CSV with a header row: `country_code, number, inbound_group_id, is_branded, "
            "brand_name, carrier_id` (+ `daily_cap, hourly_cap`; the descriptive columns of an "
            "export are ignored), or VICIdial's `areacode, outbound_cid, description, active` "
            "(`active` N pauses a number, Y ends a pause). Up to 100,000 rows. Each row is "
            "created, updated, unchanged or an error naming the field; rows in error are "
            "skipped, the rest written together. A file that cannot be read is refused whole "
            "(422). Loading the same file again changes nothing."
        ),
    ),
    Operation(
        "GET",
        "/dialer/anis/export",
        "The inventory as CSV, with status and the figures of the last 30 days",
        export_anis,
        "anis",
        query=tuple(
            QueryParam(name, {"type": "string"}, description)
            for name, description in (
                ("area_code", "Only this area code"),
                ("state", "Only this state or province"),
                ("status", "Only numbers with this status"),
                ("number", "Prefix of the national number"),
            )
        ),
        responses={200: None, **ERROR_RESPONSES},
        text_media="text/csv",
        description="text/csv; the first columns are those the import reads.",
    ),
]
