"""Dial results as the JSON API receives them (readable names), and the seed callback's names."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from openani.lenient import Rule, keep, text, text_map, whole_number, zip_code
from openani.wire import ErrorBody, Input, Output, PhoneText

MAX_KPIS = 50
MAX_BATCH_RESULTS = 1000

Text64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=128)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]


class DialResultIn(Input):
    call_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
    campaign_id: Text64
    agent_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
    ani: PhoneText = Field(description="The caller ID the call was placed with")
    dispo: Text64 = Field(description="Disposition id, or name (case-insensitive)")
    prospect_phone: PhoneText
    call_datetime: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)
    ] = Field(description="YYYY-MM-DD HH:MM:SS in the company's time zone, or ISO 8601")
    call_type: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    duration_s: Count | None = Field(default=None, description="Call duration in seconds")
    zip: Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)] | None = None
    lead_created: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = (
        None
    )
    attempts: Count | None = None
    skill: OptionalText | None = None
    lead_source: OptionalText | None = None
    kpis: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=64)],
        Annotated[str, StringConstraints(max_length=256)],
    ] = Field(default_factory=dict, description=f"Up to {MAX_KPIS} name/value pairs")

    @field_validator("kpis")
    @classmethod
    def _at_most_max_kpis(cls, kpis: dict[str, str]) -> dict[str, str]:
        if len(kpis) > MAX_KPIS:
            raise ValueError(f"at most {MAX_KPIS} KPIs per result, got {len(kpis)}")
        return kpis


# How the JSON API reads a result (see openani.lenient): anything else is ignored.
RESULT_RULES: dict[str, Rule] = {
    "call_id": text,
    "campaign_id": text,
    "agent_id": text,
    "ani": text,
    "dispo": text,
    "prospect_phone": text,
    "call_datetime": keep,
    "call_type": text,
    "duration_s": whole_number,
    "zip": zip_code,
    "lead_created": text,
    "attempts": whole_number,
    "skill": text,
    "lead_source": text,
    "kpis": text_map,
}
BATCH_RULES: dict[str, Rule] = {"results": keep}


class DialResultBatch(Input):
    ROWS_VALIDATED_ALONE: ClassVar[frozenset[str]] = frozenset({"results"})

    results: Annotated[list[Any], Field(min_length=1, max_length=MAX_BATCH_RESULTS)]


class DialResultBatchDoc(Input):
    """The documented shape of a batch (each row is validated on its own)."""

    results: Annotated[list[DialResultIn], Field(min_length=1, max_length=MAX_BATCH_RESULTS)]


ResultStatus = Literal["stored", "duplicate", "updated", "error"]


class ResultRow(Output):
    call_id: str | None
    status: ResultStatus
    error: ErrorBody | None = None
    warnings: list[str] | None = Field(
        default=None, description="What was ignored or read another way in this row"
    )


class ResultRows(Output):
    results: list[ResultRow]
    warnings: list[str] | None = Field(
        default=None, description="About the request as a whole (unknown fields)"
    )


class CallbackResponse(Output):
    result: Literal["SUCCESS", "FAIL"]
    reason: str | None = None


class CallbackForm(BaseModel):
    """The seed callback's form body: its GUID-named parameters, plus any KPI name=value pairs."""

    model_config = ConfigDict(extra="allow")
