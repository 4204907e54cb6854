"""POST /assignment and /assignment/batch: the anchor edition's next-ANI calls.

Each lead goes through the same service as POST /dialer/next (same strategies, caps, claims,
log and webhooks); only the names and the envelope differ. ``dialer_campaign`` is
``outbound_campaign``; without it the campaign ``default`` is used, which the company setting
``unknown_campaign`` serves (or refuses) like any campaign nobody defined. "No number" is the
SDK's HTTP 200 ``{"success": false, "message"}``; other refusals use the failure envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from openani.assign.models import MAX_BATCH_LEADS
from openani.assign.service import NoAvailableAni
from openani.errors import OpenAniError, ValidationFailed
from openani.http.anchor.envelope import (
    FAILURES,
    anchor_route,
    failure_body,
    in_sdk_names,
    renamed,
    to_seed,
)
from openani.http.context import AppContext
from openani.http.operations import Operation
from openani.lenient import boolean
from openani.store.companies import Company
from openani.wire import ErrorBody, Input, Output

DEFAULT_CAMPAIGN = "default"
ASSIGNED = "ANI assigned successfully"
NAMES = {"dialer_campaign": "outbound_campaign"}
_OPTIONS = ("real_time", "e164")


class AssignmentRequest(Input):
    prospect_phone: str = Field(description="Number to be called, 10 to 15 digits")
    prospect_zip: str | None = Field(default=None, description="ZIP or postal code")
    dialer_campaign: str | None = Field(
        default=None, description="Campaign id; absent: the campaign `default`"
    )
    real_time: bool | None = Field(
        default=None, description="Accepted; every assignment is made in real time"
    )
    e164: bool | None = Field(default=None, description="true: the ANI as +<country><number>")


class AssignmentAnswer(Output):
    success: bool = Field(description="false: no ANI could be given (message says why)")
    ani: str | None = None
    message: str
    warnings: list[str] | None = None
    error: ErrorBody | None = Field(
        default=None, description="With success false: the code and the counts behind it"
    )


class AssignmentBatchLead(Input):
    row_id: str
    prospect_phone: str
    prospect_zip: str | None = None
    dialer_campaign: str | None = None


class AssignmentBatchRequest(Input):
    leads: Annotated[list[AssignmentBatchLead], Field(min_length=1, max_length=MAX_BATCH_LEADS)]
    real_time: bool | None = None
    e164: bool | None = None


class AssignmentBatchRow(Output):
    row_id: str
    outboundani: str = Field(description="The ANI, or an empty string when the lead failed")
    error: str = Field(description="An empty string, or why the lead failed")


class AssignmentBatchAnswer(Output):
    success: bool
    results: list[AssignmentBatchRow]
    warnings: list[str] | None = None


def _flag(body: Mapping[str, Any], name: str, warnings: list[str]) -> bool:
    value, warning = boolean(name, body.get(name))
    if warning is not None:
        warnings.append(warning)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationFailed({name: "must be true or false"})
    return value


def _lead(body: Mapping[str, Any]) -> dict[str, Any]:
    """The body /dialer/next's service reads for one lead of the SDK."""
    seed = to_seed({k: v for k, v in body.items() if k not in _OPTIONS and v is not None}, NAMES)
    seed.setdefault("outbound_campaign", DEFAULT_CAMPAIGN)
    return seed


def _shown(answer: Mapping[str, Any], e164: bool) -> str:
    ani: str = answer["ani"]
    return answer["country_code"] + ani if e164 else ani


async def assign(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    warnings: list[str] = []
    e164 = _flag(body, "e164", warnings)
    _flag(body, "real_time", warnings)
    try:
        answer = await context.next_ani.next_ani(company, _lead(body))
    except NoAvailableAni as exc:
        return failure_body(exc)
    warnings += answer.get("warnings", [])
    reply: dict[str, Any] = {"success": True, "ani": _shown(answer, e164), "message": ASSIGNED}
    if warnings:
        reply["warnings"] = [in_sdk_names(warning, NAMES) for warning in warnings]
    return reply


async def assign_batch(
    context: AppContext, company: Company, body: dict[str, Any]
) -> dict[str, Any]:
    warnings: list[str] = []
    e164 = _flag(body, "e164", warnings)
    _flag(body, "real_time", warnings)
    leads = body.get("leads")
    if not isinstance(leads, list) or not 1 <= len(leads) <= MAX_BATCH_LEADS:
        raise ValidationFailed({"leads": f"must be a list of 1 to {MAX_BATCH_LEADS} leads"})
    warnings += [
        f"{name}: unknown field, ignored" for name in body if name not in ("leads", *_OPTIONS)
    ]
    results = []
    for index, lead in enumerate(leads):
        row_id = _row_id(lead, index)
        try:
            if not isinstance(lead, dict):
                raise ValidationFailed({f"leads.{index}": "must be an object"})
            answer = await context.next_ani.next_ani(
                company, _lead({k: v for k, v in lead.items() if k != "row_id"})
            )
        except OpenAniError as exc:
            results.append(
                {"row_id": row_id, "outboundani": "", "error": renamed(exc, NAMES).message}
            )
            continue
        results.append({"row_id": row_id, "outboundani": _shown(answer, e164), "error": ""})
    reply: dict[str, Any] = {"success": True, "results": results}
    if warnings:
        reply["warnings"] = warnings
    return reply


def _row_id(lead: Any, index: int) -> str:
    """The lead's row_id as text (the SDK's type), else its position in the list."""
    row_id = lead.get("row_id") if isinstance(lead, dict) else None
    if isinstance(row_id, str | int) and not isinstance(row_id, bool):
        return str(row_id)
    return str(index)


OPERATIONS = [
    Operation(
        "POST",
        "/assignment",
        "The next ANI for one prospect (the anchor's current edition)",
        anchor_route(assign, names=NAMES, forgiving=True),
        "anchor",
        request_model=AssignmentRequest,
        responses={200: AssignmentAnswer, **FAILURES},
        description="The service of POST /dialer/next under the names of the anchor's SDKs. "
        'No number is HTTP 200 {"success": false, "message"}; other refusals are '
        '{"success": false, "message", "error"} with their status code.',
    ),
    Operation(
        "POST",
        "/assignment/batch",
        "ANIs for up to 1,000 leads, each succeeding or failing alone",
        anchor_route(assign_batch, names=NAMES, forgiving=True),
        "anchor",
        request_model=AssignmentBatchRequest,
        responses={200: AssignmentBatchAnswer, **FAILURES},
        description='Each row: the ANI in outboundani and "" in error, or "" and the reason.',
    ),
]
