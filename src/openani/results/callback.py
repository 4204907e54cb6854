"""The seed's dial-results callback: GUID-named parameters to a readable dial result.

Dialers fire it as a URL (GET) or a form POST, with the parameters in the query string, the
body, or both. Every name that is not one of the seed's parameters is a KPI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openani.results.models import MAX_KPIS
from openani.validation import plain_digits

COMPANY_PARAM = "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
# The seed lists this one parameter twice: for the call type (Inbound/Outbound/SMS/...) and for
# the call duration. A number of seconds is a duration; anything else is a call type.
TYPE_OR_DURATION_PARAM = "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"

FIELD_OF_PARAM: dict[str, str] = {
    "ec4e634b-aa92-4859-9d16-46aece2b780b": "campaign_id",
    "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7": "agent_id",
    "0be372ee-d1bf-42a4-8891-dbc5ee547a7c": "ani",
    "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583": "call_id",
    "e8ca4a68-d96e-4be8-8ac1-1114fec52cde": "dispo",
    "12929e99-3266-4350-b2c8-592119ffd558": "prospect_phone",
    "9a1f5867-157f-4620-ae43-b824bc4d81ee": "call_datetime",
    "82d8779e-ce8f-4e8c-928f-280a45fe1c02": "zip",
    "514167c4-1011-4cc8-bbed-3708e0a4b772": "lead_created",
    "1ac05504-659d-4e8c-ad1d-c4d2da3ab1be": "attempts",
    "b6fd9680-7f93-44e0-a534-a3b9e717b7c7": "skill",
    "ea9aec00-4170-47c6-a187-b0c0f71b4400": "lead_source",
}
PARAM_OF_FIELD = {name: param for param, name in FIELD_OF_PARAM.items()}
PARAM_OF_FIELD["call_type"] = PARAM_OF_FIELD["duration_s"] = TYPE_OR_DURATION_PARAM
REQUIRED_FIELDS = ("campaign_id", "ani", "call_id", "dispo", "prospect_phone", "call_datetime")


class CallbackError(ValueError):
    """A FAIL answer; str(exc) is the reason, naming the parameter."""


@dataclass(slots=True)
class CallbackResult:
    company_guid: str
    fields: dict[str, Any] = field(default_factory=dict)


def describe(name: str) -> str:
    """A field as the seed callback names it: ``<guid> (readable name)``."""
    param = PARAM_OF_FIELD.get(name.split(".")[0])
    return f"{param} ({name})" if param else name


def parse_callback(pairs: Iterable[tuple[str, str]]) -> CallbackResult:
    company_guid: str | None = None
    fields: dict[str, Any] = {}
    kpis: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        name, value = raw_name.strip(), raw_value.strip()
        if "\x00" in name or "\x00" in value:
            shown = describe(FIELD_OF_PARAM.get(name, name)).replace("\x00", "\\u0000")
            raise CallbackError(f"{shown}: must not contain NUL characters (\\u0000)")
        if name == COMPANY_PARAM:
            company_guid = value
        elif name == TYPE_OR_DURATION_PARAM:
            if plain_digits(value):
                fields["duration_s"] = value
            elif value:
                fields["call_type"] = value
        elif name in FIELD_OF_PARAM:
            if value:
                fields[FIELD_OF_PARAM[name]] = value
        elif name:
            if len(kpis) >= MAX_KPIS and name not in kpis:
                raise CallbackError(f"too many KPI parameters: at most {MAX_KPIS}")
            kpis[name] = value
    if not company_guid:
        raise CallbackError(f"{COMPANY_PARAM} (company GUID) is required")
    missing = [describe(name) for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        raise CallbackError(f"missing required parameter: {', '.join(missing)}")
    if kpis:
        fields["kpis"] = kpis
    return CallbackResult(company_guid, fields)
