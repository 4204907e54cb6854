"""GET /dialer/audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from openani.audit import RESOURCES
from openani.http.context import company_of, context_of
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.wire import Output


class AuditEntry(Output):
    at: datetime
    key_id: str | None
    action: str
    resource: str
    id: str | None
    changes: dict[str, Any]


class AuditPage(Output):
    items: list[AuditEntry]
    next_cursor: str | None


async def audit_log(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(context_of(request).audit.page, company, request.query_params)


OPERATIONS = [
    Operation(
        "GET",
        "/dialer/audit",
        "Who changed campaigns, dispositions, ANIs and settings, and when (newest first)",
        audit_log,
        "audit",
        query=(
            QueryParam("resource", {"type": "string", "enum": list(RESOURCES)}),
            *PAGE_QUERY,
        ),
        responses={200: AuditPage, **ERROR_RESPONSES},
    )
]
