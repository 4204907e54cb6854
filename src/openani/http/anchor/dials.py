"""POST /dials: the anchor edition's dial record, stored and counted as a dial result.

The record is read by the same ingestion as POST /dialer/results (stored in one transaction
before the answer, once per call id, statistics moved by the change). ``call_direction`` says
which number is the caller ID: ``to_number`` on inbound calls, ``from_number`` on every other.
``dial_id`` is the call id; a record without one gets an id made from its content, so the
same record sent twice is stored once.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import Field

from openani.http.anchor.envelope import FAILURES, anchor_route, in_sdk_names, renamed
from openani.http.context import AppContext
from openani.http.operations import Operation
from openani.observability import metrics
from openani.store.companies import Company
from openani.wire import Input, Output

QUEUED = "dial queued"
# The SDK's name -> the dial result's (the two numbers depend on the direction).
NAMES = {
    "dial_id": "call_id",
    "campaign_id": "campaign_id",
    "agent_name": "agent_id",
    "disposition_name": "dispo",
    "datetime": "call_datetime",
    "call_direction": "call_type",
    "zip": "zip",
    "sys_created_date_original": "lead_created",
    "total_dial_attempts": "attempts",
    "skill_name": "skill",
    "lead_source": "lead_source",
}
OUTBOUND = {"from_number": "ani", "to_number": "prospect_phone"}
INBOUND = {"from_number": "prospect_phone", "to_number": "ani"}
# Part of the SDK's record, not kept: the campaign's name is the campaign's own.
_NOT_KEPT = ("campaign_name",)


class DialRecord(Input):
    campaign_id: str
    campaign_name: str | None = None
    agent_name: str | None = None
    from_number: str = Field(description="The caller ID on outbound calls, the prospect inbound")
    to_number: str = Field(description="The prospect on outbound calls, the caller ID inbound")
    disposition_name: str = Field(description="Disposition id or name (case-insensitive)")
    datetime: str = Field(description="YYYY-MM-DD HH:MM:SS (company time zone) or ISO 8601")
    call_direction: str | None = Field(
        default=None, description="Inbound, Outbound, SMS, Preview, Transfer, Manual"
    )
    zip: str | None = None
    sys_created_date_original: str | None = None
    total_dial_attempts: int | str | None = None
    skill_name: str | None = None
    lead_source: str | None = None
    dial_id: str | None = Field(
        default=None, description="Unique per dial; the same id again is stored once"
    )


class DialQueued(Output):
    message: str = Field(description="dial queued")
    dial_id: str = Field(description="The call id the dial is stored under")
    status: str = Field(description="stored, duplicate (same dial again) or updated")
    warnings: list[str] | None = None


def _names(body: dict[str, Any]) -> dict[str, str]:
    direction = body.get("call_direction")
    inbound = isinstance(direction, str) and direction.strip().casefold() == "inbound"
    return {**NAMES, **(INBOUND if inbound else OUTBOUND)}


def _content_id(body: dict[str, Any]) -> str:
    return (
        "dial-" + hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]
    )


def create_dial(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    names = _names(body)
    result = {
        names.get(name, name): value
        for name, value in body.items()
        if name not in _NOT_KEPT and value is not None
    }
    result.setdefault("call_id", _content_id(body))
    (outcome,) = context.results.ingest(company, [result], lenient=True)
    metrics.results("api", "refused" if outcome.status == "error" else outcome.status)
    if outcome.error is not None:
        raise renamed(outcome.error, names)
    assert outcome.call_id is not None
    answer: dict[str, Any] = {
        "message": QUEUED,
        "dial_id": outcome.call_id,
        "status": outcome.status,
    }
    if outcome.warnings:
        answer["warnings"] = [in_sdk_names(w, names) for w in outcome.warnings]
    return answer


OPERATIONS = [
    Operation(
        "POST",
        "/dials",
        "Report one dial (the anchor's current edition): stored and counted as a dial result",
        anchor_route(create_dial),
        "anchor",
        request_model=DialRecord,
        responses={200: DialQueued, **FAILURES},
        description='Answered {"message": "dial queued"} once the dial is stored. The same '
        "dial_id again is answered duplicate (or updated, when its content changed).",
    ),
]
