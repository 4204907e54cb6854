"""Wire shapes of /dialer/next and /dialer/next/batch (seed fields plus the explanation)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from openani.inventory.models import SeedAssignmentType
from openani.lenient import Rule, boolean, choice_of, keep, text, text_list, zip_code
from openani.selection.types import ASSIGNMENT_TYPES, AssignmentType, Match
from openani.wire import CountryCode, ErrorBody, Identifier, Input, Output, PhoneText

PostalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16)]
GroupIds = Annotated[list[Identifier], Field(max_length=100)]
MAX_BATCH_LEADS = 1000

# How the hot path reads what it is sent (see openani.lenient): anything else is ignored.
NEXT_RULES: dict[str, Rule] = {
    "outbound_campaign": text,
    "prospect_phone": text,
    "prospect_zip": zip_code,
    "inventory_group_ids": text_list,
    "use_branded": boolean,
    "assignment_type": choice_of(ASSIGNMENT_TYPES),
}
BATCH_RULES: dict[str, Rule] = {
    **{k: v for k, v in NEXT_RULES.items() if k not in ("prospect_phone", "prospect_zip")},
    "leads": keep,
}
LEAD_RULES: dict[str, Rule] = {"row_id": keep, "prospect_phone": text, "prospect_zip": zip_code}


class NextAniRequest(Input):
    outbound_campaign: Identifier = Field(description="Campaign id (must not be Inbound)")
    prospect_phone: PhoneText = Field(description="Number to be called")
    prospect_zip: PostalText | None = Field(
        default=None, description="US ZIP, Canadian postal code or UK postcode"
    )
    inventory_group_ids: GroupIds | None = Field(
        default=None,
        description="Only ANIs of these inbound groups; absent: the campaign's inbound_pool_id, "
        "else every ANI",
    )
    use_branded: bool | None = Field(
        default=None, description="true: branded only; false: unbranded only; absent: either"
    )
    assignment_type: AssignmentType | None = Field(
        default=None,
        description="null or absent: the campaign's default strategy (itself auto when unset)",
    )


class NextAni(Output):
    prospect_phone: str = Field(description="As sent")
    ani: str = Field(description="The caller ID to present, national digits")
    assignment_type: SeedAssignmentType = Field(
        description="The strategy that produced the ANI (highest_contact_rate for the learner)"
    )
    country_code: CountryCode
    requested_assignment_type: AssignmentType | None
    fallback: bool = Field(description="The first level of the requested strategy had no ANI")
    match: Match | str = Field(
        description="zip, area_code, overlay, state, nearest, tfn, any, sticky"
    )
    branded: bool
    over_cap: bool = Field(default=False, description="Soft cap mode had only capped numbers left")
    brand_filter_ignored: bool = Field(
        default=False, description="use_branded matched no ANI and was ignored"
    )
    warnings: list[str] | None = Field(
        default=None,
        description="What was ignored or read another way (unknown fields, a numeric ZIP, an "
        "unknown ZIP, a campaign served with the company's defaults); absent when nothing was",
    )


class BatchLead(Input):
    row_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | int
    prospect_phone: PhoneText
    prospect_zip: PostalText | None = None


class NextAniBatchRequest(Input):
    outbound_campaign: Identifier
    assignment_type: AssignmentType | None = None
    use_branded: bool | None = None
    inventory_group_ids: GroupIds | None = None
    leads: Annotated[list[BatchLead], Field(min_length=1, max_length=MAX_BATCH_LEADS)]


class BatchRow(Output):
    row_id: str | int
    prospect_phone: str | None = None
    ani: str | None = None
    assignment_type: AssignmentType | None = None
    country_code: CountryCode | None = None
    requested_assignment_type: AssignmentType | None = None
    fallback: bool | None = None
    match: str | None = None
    branded: bool | None = None
    over_cap: bool | None = None
    brand_filter_ignored: bool | None = None
    warnings: list[str] | None = None
    error: ErrorBody | None = None


class NextAniBatch(Output):
    results: list[BatchRow]
    warnings: list[str] | None = Field(
        default=None, description="About the batch as a whole (e.g. unknown fields)"
    )
