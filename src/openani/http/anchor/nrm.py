"""/nrm: the anchor edition's number reputation calls over openani's inventory, statistics and
lifecycle services.

``GET /nrm/anis`` pages the inventory by page number with each number's figures (the last 30
days, and since the number was added); ``POST /nrm/pause`` and ``/nrm/activate`` are the pause
and activation of /dialer/anis/pause and /activate (a later ``date`` schedules them);
``POST /nrm/remediate`` is /dialer/anis/remediate, whose 30-day cooldown the SDK expects as
HTTP 200 ``{"status": "within cooldown"}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.anchor.envelope import FAILURES, anchor_route, guarded
from openani.http.context import AppContext, company_of, context_of
from openani.http.offload import in_worker
from openani.http.operations import Operation, QueryParam
from openani.http.responses import JSONResponse
from openani.lifecycle import changes
from openani.lifecycle import service as lifecycle
from openani.lifecycle.models import ScheduledChange
from openani.lifecycle.status import StatusView
from openani.paging import whole_number
from openani.store.companies import Company
from openani.wire import Input, Output

MAX_PAGE_SIZE = 1000
# Beyond any inventory (a million pages of a thousand), and within what SQL offsets hold.
MAX_PAGE = 1_000_000
STATUS_LABELS = {
    "active": "Active",
    "paused": "Paused",
    "suspected_label": "Suspected label",
    "resting": "Resting",
    "probation": "Probation",
}
OUT_OF_ROTATION = ("paused", "resting")
# A remediation asked without a carrier, of a number with no carrier_id on record.
UNSPECIFIED_CARRIER = "unspecified"


class NrmAni(Output):
    """One number as the SDK's NrmAni: camelCase, as the anchor answers it."""

    id: int
    phone: str
    brand: str | None
    status: str = Field(description="active, paused, suspected_label, resting or probation")
    statusLabel: str
    campaignName: str | None = Field(description="Always null: a number serves every campaign")
    areaCode: str | None
    region: str | None
    state: str | None
    locality: str | None
    frequencyAssigned: int = Field(description="Assignments since the number was added")
    frequencyDialed: int
    frequencyContacted: int
    dateLastDialed: str | None
    dateActivated: str | None
    dateDeactivated: str | None
    dateInventoried: str
    createdAt: str
    last30DaysDials: int
    last30DaysContacts: int
    contactRate: float = Field(description="Percent of the last 30 days' dials; 0 without dials")
    successRate: float
    blockRate: float
    noAnswerRate: float
    countryCode: str


class NrmAniPage(Output):
    result: str
    count: int
    total_anis: int
    can_next_page: bool
    can_prev_page: bool
    total_pages: int
    data: list[NrmAni]


class NrmPause(Input):
    ani: str
    carrier: str | None = Field(default=None, description="Kept in the note")
    note: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD or ISO 8601; later: scheduled")


class NrmActivate(NrmPause):
    pass


class NrmRemediate(Input):
    ani: str
    carrier: str | None = Field(
        default=None, description="Absent: the number's carrier_id, else unspecified"
    )
    note: str | None = None


class NrmAction(Output):
    status: str = Field(description="paused, active, received request or within cooldown")
    ani: str
    message: str | None = None
    carrier: str | None = None
    next_allowed_at: datetime | None = None
    scheduled: ScheduledChange | None = None


def _whole(query: Mapping[str, str], name: str, default: int, top: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    return whole_number(name, raw, 1, top)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rate(value: float | None) -> float:
    return value if value is not None else 0.0


def _row(item: Mapping[str, Any]) -> dict[str, Any]:
    status: StatusView = item["status"]
    recent, ever = item["recent"], item["ever"]
    created = item["created_at"]
    return {
        "id": item["id"],
        "phone": item["number"],
        "brand": item["brand_name"],
        "status": status.status,
        "statusLabel": STATUS_LABELS.get(status.status, status.status),
        "campaignName": None,
        "areaCode": item["area_code"],
        "region": item["place"],
        "state": item["state"],
        "locality": item["place"],
        "frequencyAssigned": ever["assigned"],
        "frequencyDialed": ever["dials"],
        "frequencyContacted": ever["contacts"],
        "dateLastDialed": _iso(ever["last_dialed"]),
        "dateActivated": None
        if status.status in OUT_OF_ROTATION
        else _iso(status.changed_at or created),
        "dateDeactivated": _iso(status.changed_at) if status.status in OUT_OF_ROTATION else None,
        "dateInventoried": _iso(created),
        "createdAt": _iso(created),
        "last30DaysDials": recent["dials"],
        "last30DaysContacts": recent["contacts"],
        "contactRate": _rate(recent["contact_rate"]),
        "successRate": _rate(recent["success_rate"]),
        "blockRate": _rate(recent["block_rate"]),
        "noAnswerRate": _rate(recent["no_answer_rate"]),
        "countryCode": item["country_code"],
    }


async def list_anis(request: Request) -> Response:
    company = company_of(request)
    query = request.query_params
    unknown = [name for name in query if name not in ("page", "page_size", "number")]
    if unknown:
        raise ValidationFailed(
            {name: "unknown query parameter (known: page, page_size, number)" for name in unknown}
        )
    page = _whole(query, "page", 1, MAX_PAGE)
    size = _whole(query, "page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    prefix = query.get("number") or None
    if prefix is not None and not prefix.isdigit():
        raise ValidationFailed({"number": "must be digits (a prefix of the national number)"})
    total, items = await in_worker(
        context_of(request).stats.anis_by_page, company, prefix, page, size
    )
    pages = math.ceil(total / size)
    return JSONResponse(
        {
            "result": "success",
            "count": len(items),
            "total_anis": total,
            "can_next_page": page < pages,
            "can_prev_page": page > 1,
            "total_pages": pages,
            "data": [_row(item) for item in items],
        }
    )


def _note(body: Mapping[str, Any]) -> str | None:
    carrier, note = body.get("carrier"), body.get("note")
    if carrier is None:
        return note if isinstance(note, str) or note is None else str(note)
    return f"carrier {carrier}" + (f": {note}" if note else "")


def _acted(public: Mapping[str, Any], status: str) -> dict[str, Any]:
    answer: dict[str, Any] = {"status": status, "ani": public["number"]}
    scheduled = public.get("scheduled")
    if scheduled is not None:
        answer["scheduled"] = scheduled
        answer["message"] = f"{scheduled['action']} scheduled for {scheduled['at'].isoformat()}"
    return answer


def _lifecycle_body(body: Mapping[str, Any]) -> dict[str, Any]:
    """The SDK's pause or activation in the words of /dialer/anis/pause and /activate."""
    seed = {k: v for k, v in body.items() if k not in ("carrier", "note")}
    note = _note(body)
    if note is not None:
        seed["note"] = note
    return seed


def pause(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    public = changes.pause(context.resources["anis"], company, _lifecycle_body(body))
    return _acted(public, "paused")


def activate(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    public = changes.activate(context.resources["anis"], company, _lifecycle_body(body))
    return _acted(public, "active")


def remediate(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    anis = context.resources["anis"]
    seed = dict(body)
    if seed.get("carrier") is None:
        number = body.get("ani")
        if not isinstance(number, str):
            raise ValidationFailed({"ani": "is required: the number, as text"})
        on_record = anis.get(company, {"number": number}).get("carrier_id")
        seed["carrier"] = on_record or UNSPECIFIED_CARRIER
    try:
        done = lifecycle.remediate(anis, company, seed)
    except lifecycle.RemediationCooldown as exc:
        return {
            "status": "within cooldown",
            "ani": body.get("ani"),
            "message": exc.message,
            "next_allowed_at": exc.next_allowed_at,
        }
    return {
        "status": "received request",
        "ani": done["number"],
        "carrier": done["carrier"],
        "next_allowed_at": done["next_allowed_at"],
    }


OPERATIONS = [
    Operation(
        "GET",
        "/nrm/anis",
        "The ANI inventory by page, with each number's figures (the anchor's current edition)",
        guarded(list_anis),
        "anchor",
        query=(
            QueryParam(
                "page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}
            ),
            QueryParam(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 1000},
            ),
            QueryParam("number", {"type": "string"}, "Only numbers starting with these digits"),
        ),
        responses={200: NrmAniPage, **FAILURES},
    ),
    Operation(
        "POST",
        "/nrm/pause",
        "Take a number out of rotation (a later date schedules it)",
        anchor_route(pause),
        "anchor",
        request_model=NrmPause,
        responses={200: NrmAction, **FAILURES},
    ),
    Operation(
        "POST",
        "/nrm/activate",
        "Put a number back into rotation (a later date schedules it)",
        anchor_route(activate),
        "anchor",
        request_model=NrmActivate,
        responses={200: NrmAction, **FAILURES},
    ),
    Operation(
        "POST",
        "/nrm/remediate",
        "Record a remediation request; within 30 days of the last one: status within cooldown",
        anchor_route(remediate),
        "anchor",
        request_model=NrmRemediate,
        responses={200: NrmAction, **FAILURES},
    ),
]
