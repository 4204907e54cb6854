"""What sets campaigns, dispositions and ANIs apart: table, key, shapes and derived columns.

Everything else (storage, service, routes, OpenAPI) is one generic path driven by these specs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, Row, Table

from openani.errors import Conflict, ValidationFailed
from openani.geo.phone import InvalidPhoneNumber, normalize_number
from openani.inventory import models
from openani.lifecycle.status import STATUSES, status_view
from openani.store.resources import find
from openani.store.schema import anis, campaigns, dispositions
from openani.wire import Input, Output

FilterKind = Literal["text", "bool", "ani_status"]


@dataclass(frozen=True, slots=True)
class ListFilter:
    column: str
    kind: FilterKind = "text"
    description: str = ""


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    path: str  # "campaigns": the URL segment under /dialer
    singular: str  # "campaign": used in messages
    key_field: str  # the identifier field of the wire shape
    table: Table
    create_model: type[Input]
    update_model: type[Input]
    key_model: type[Input]
    public_model: type[Output]
    # Column values for a new row: (key columns, other columns).
    create_columns: Callable[[Any], tuple[dict[str, Any], dict[str, Any]]]
    # Column values changed by a partial update of an existing row.
    update_columns: Callable[[Any, Row[Any]], dict[str, Any]]
    # Which rows a key names (ANIs: one number may be written several ways).
    key_match: Callable[[Any], dict[str, Any]]
    to_public: Callable[[Row[Any]], dict[str, Any]]
    filters: Mapping[str, ListFilter] = field(default_factory=dict)
    # Extra query parameters, besides key_field, that GET and DELETE accept to identify one object.
    key_query_fields: tuple[str, ...] = ()
    # Whether a change may alter what /dialer/next picks (its caches are then refreshed).
    affects_selection: bool = True
    # Run in the writing transaction before a create or update: (conn, company id, id of the
    # row being updated or None, the column values about to be written); raises to refuse.
    check: Callable[[Connection, int, int | None, Mapping[str, Any]], None] | None = None

    def label(self, row_or_key: Mapping[str, Any] | BaseModel) -> str:
        value = (
            getattr(row_or_key, self.key_field)
            if isinstance(row_or_key, BaseModel)
            else row_or_key[self.key_field]
        )
        return f"{self.singular} {value}"


def _given(command: BaseModel, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields the caller actually sent, so a partial update leaves the others alone."""
    return {
        name: getattr(command, name) for name in command.model_fields_set if name not in exclude
    }


def _timestamps(row: Row[Any]) -> dict[str, Any]:
    public = {"created_at": row.created_at, "updated_at": row.updated_at}
    if row.deleted_at is not None:
        public["deleted_at"] = row.deleted_at
    return public


# Campaigns and dispositions: keyed by the caller's own id, stored as ext_id.


def _ext_key(command: Any) -> dict[str, Any]:
    return {"ext_id": command.id}


def _ext_create(command: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
    return _ext_key(command), command.model_dump(exclude={"id"})


def _ext_update(command: BaseModel, _row: Row[Any]) -> dict[str, Any]:
    return _given(command, exclude=("id",))


def _campaign_create(command: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
    key, values = _ext_create(command)
    return key, {**values, "auto_created": False}


def _campaign_update(command: BaseModel, row: Row[Any]) -> dict[str, Any]:
    values = _ext_update(command, row)
    # An operator's update defines a campaign /dialer/next created on its own.
    return {**values, "auto_created": False} if row.auto_created else values


def _dispo_create(command: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
    key, values = _ext_create(command)
    return key, {**values, "name_key": values["name"].casefold()}


def _dispo_update(command: BaseModel, row: Row[Any]) -> dict[str, Any]:
    values = _ext_update(command, row)
    if "name" in values:
        values["name_key"] = values["name"].casefold()
    return values


def _unique_dispo_name(
    conn: Connection, company_id: int, own_id: int | None, values: Mapping[str, Any]
) -> None:
    """Results match a dispo by name without regard to case: two such names would be
    ambiguous."""
    if "name_key" not in values:
        return
    for row in find(conn, dispositions, company_id, {"name_key": values["name_key"]}):
        if row.id != own_id:
            raise Conflict(
                f"a disposition named {row.name!r} already exists (id {row.ext_id}); names "
                "are unique without regard to case",
                fields={"name": f"taken by disposition {row.ext_id}"},
            )


def _campaign_public(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.ext_id,
        "name": row.name,
        "type": row.type,
        "inbound_pool_id": row.inbound_pool_id,
        "daily_cap": row.daily_cap,
        "hourly_cap": row.hourly_cap,
        "cap_mode": row.cap_mode,
        "default_assignment_type": row.default_assignment_type,
        "sticky_ani": row.sticky_ani,
        "auto_created": row.auto_created,
        **_timestamps(row),
    }


def _dispo_public(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.ext_id,
        "name": row.name,
        "type": row.type,
        "contact": row.contact,
        "success": row.success,
        "category": row.category,
        **_timestamps(row),
    }


CAMPAIGNS = ResourceSpec(
    path="campaigns",
    singular="campaign",
    key_field="id",
    table=campaigns,
    create_model=models.CampaignCreate,
    update_model=models.CampaignUpdate,
    key_model=models.CampaignKey,
    public_model=models.Campaign,
    create_columns=_campaign_create,
    update_columns=_campaign_update,
    key_match=_ext_key,
    to_public=_campaign_public,
    filters={
        "type": ListFilter("type", description="Inbound, Outbound or Blended"),
        "inbound_pool_id": ListFilter("inbound_pool_id"),
        "auto_created": ListFilter(
            "auto_created", "bool", "true: campaigns /dialer/next created for the dialer"
        ),
    },
)

DISPOS = ResourceSpec(
    path="dispos",
    singular="disposition",
    key_field="id",
    table=dispositions,
    create_model=models.DispoCreate,
    update_model=models.DispoUpdate,
    key_model=models.DispoKey,
    public_model=models.Dispo,
    create_columns=_dispo_create,
    update_columns=_dispo_update,
    key_match=_ext_key,
    to_public=_dispo_public,
    filters={
        "type": ListFilter("type", description="System or Agent"),
        "contact": ListFilter("contact", "bool"),
        "success": ListFilter("success", "bool"),
        "category": ListFilter("category"),
    },
    affects_selection=False,
    check=_unique_dispo_name,
)


# ANIs: keyed by (country code, national number), derived facts stored with the number.


def _ani_columns(country_code: str, number: str) -> dict[str, Any]:
    try:
        facts = normalize_number(number, country_code)
    except InvalidPhoneNumber as exc:
        raise ValidationFailed({"number": str(exc)}) from None
    return {
        "country_code": facts.country_code,
        "number": facts.number,
        "region": facts.region,
        "area_code": facts.area_code,
        "state": facts.state,
        "place": facts.place,
        "time_zone": facts.time_zone,
        "toll_free": facts.toll_free,
        "warnings": json.dumps(list(facts.warnings)),
    }


def _ani_create(command: models.AniCreate) -> tuple[dict[str, Any], dict[str, Any]]:
    derived = _ani_columns(command.country_code, command.number)
    key = {"country_code": derived.pop("country_code"), "number": derived.pop("number")}
    # A number deleted while paused and created again starts afresh, in rotation.
    fresh = {
        "status": "active",
        "paused_until": None,
        "status_reason": None,
        "status_changed_at": None,
    }
    return key, {**command.model_dump(exclude={"country_code", "number"}), **derived, **fresh}


def _ani_update(command: models.AniUpdate, _row: Row[Any]) -> dict[str, Any]:
    return _given(command, exclude=("number", "country_code"))


_FORMATTING = re.compile(r"[\s\-.()]")


def _ani_key(command: models.AniKey | models.AniUpdate) -> dict[str, Any]:
    """The stored digits a lookup may mean.

    Lookups tolerate the same formatting as creation; without a country code, a leading 1, 44 or
    0 may be a prefix or part of the number, so every reading is tried.
    """
    if command.country_code is not None:
        try:
            facts = normalize_number(command.number, command.country_code)
        except InvalidPhoneNumber as exc:
            raise ValidationFailed({"number": str(exc)}) from None
        return {"country_code": facts.country_code, "number": facts.number}
    digits = _FORMATTING.sub("", command.number).removeprefix("+")
    readings = {digits}
    for prefix in ("1", "44", "0"):
        if digits.startswith(prefix) and len(digits) > len(prefix):
            readings.add(digits[len(prefix) :])
    return {"number": sorted(readings)}


def _ani_public(row: Row[Any]) -> dict[str, Any]:
    status = status_view(
        row.status, row.paused_until, row.status_reason, row.status_changed_at, datetime.now(UTC)
    )
    return {
        "country_code": row.country_code,
        "number": row.number,
        "inbound_group_id": row.inbound_group_id,
        "is_branded": row.is_branded,
        "brand_name": row.brand_name,
        "carrier_id": row.carrier_id,
        "country": row.region,
        "area_code": row.area_code,
        "state": row.state,
        "place": row.place,
        "time_zone": row.time_zone,
        "toll_free": row.toll_free,
        "status": status.status,
        "paused_until": status.until,
        "status_reason": status.reason,
        "status_changed_at": status.changed_at,
        "daily_cap": row.daily_cap,
        "hourly_cap": row.hourly_cap,
        "warnings": json.loads(row.warnings),
        **_timestamps(row),
    }


ANIS = ResourceSpec(
    path="anis",
    singular="ANI",
    key_field="number",
    table=anis,
    create_model=models.AniCreate,
    update_model=models.AniUpdate,
    key_model=models.AniKey,
    public_model=models.Ani,
    create_columns=_ani_create,
    update_columns=_ani_update,
    key_match=_ani_key,
    to_public=_ani_public,
    filters={
        "country_code": ListFilter("country_code", description="+1 or +44"),
        "area_code": ListFilter("area_code"),
        "state": ListFilter("state", description="Two-letter state or province"),
        "inbound_group_id": ListFilter("inbound_group_id"),
        "branded": ListFilter("is_branded", "bool"),
        "status": ListFilter("status", "ani_status", description=", ".join(STATUSES)),
    },
    key_query_fields=("country_code",),
)

RESOURCES: tuple[ResourceSpec, ...] = (CAMPAIGNS, DISPOS, ANIS)
