"""The wire shapes of campaigns, dispositions and ANIs, exactly as the seed API names them.

Update models leave out what is not sent and refuse an explicit null (``wire.optional``).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from openani.lifecycle.models import Automation, ScheduledChange
from openani.lifecycle.status import AniStatus
from openani.selection.types import AssignmentType, CapMode
from openani.stats.counting import Category
from openani.wire import CountryCode, Identifier, Input, Name, Output, PhoneText, optional

DispoCategory = Category
CampaignType = Literal["Inbound", "Outbound", "Blended"]
DispoType = Literal["System", "Agent"]
# The seed's strategies; a response's assignment_type is always one of these.
SeedAssignmentType = Literal["zip", "area_code", "state", "tfn", "random", "highest_contact_rate"]
# Caps are per number per day/hour; no healthy number is dialled 100,000 times a day.
Cap = Annotated[int, Field(ge=0, le=100_000)]


# Campaigns


class CampaignCreate(Input):
    id: Identifier = Field(description="Your internal identifier")
    name: Name = Field(description="Campaign name")
    type: CampaignType = Field(description="Call direction")
    inbound_pool_id: Identifier | None = Field(
        default=None, description="Inbound group whose ANIs the campaign presents"
    )
    daily_cap: Cap | None = Field(
        default=None, description="Dials per ANI per day (overrides the company's)"
    )
    hourly_cap: Cap | None = Field(default=None, description="Dials per ANI per hour")
    cap_mode: CapMode | None = Field(
        default=None,
        description="soft: capped numbers are used, flagged, when nothing else is left; "
        "strict: 404 instead",
    )
    default_assignment_type: AssignmentType | None = Field(
        default=None, description="Strategy when /dialer/next names none"
    )
    sticky_ani: bool = Field(
        default=False, description="Show a prospect the ANI it was shown last, while eligible"
    )


class CampaignUpdate(Input):
    id: Identifier
    name: Name = optional()
    type: CampaignType = optional()
    inbound_pool_id: Identifier | None = Field(default=None)
    daily_cap: Cap | None = Field(default=None)
    hourly_cap: Cap | None = Field(default=None)
    cap_mode: CapMode | None = Field(default=None)
    default_assignment_type: AssignmentType | None = Field(default=None)
    sticky_ani: bool = optional()


class CampaignKey(Input):
    id: Identifier


class Campaign(Output):
    id: str
    name: str
    type: CampaignType
    inbound_pool_id: str | None
    daily_cap: int | None
    hourly_cap: int | None
    cap_mode: CapMode | None
    default_assignment_type: AssignmentType | None
    sticky_ani: bool
    auto_created: bool = Field(
        description="Created by /dialer/next because the dialer named it before anyone defined "
        "it (company setting unknown_campaign: serve); false once created or updated here"
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


# Dispositions


class DispoCreate(Input):
    id: Identifier = Field(description="Your internal identifier")
    name: Name = Field(description="Disposition name")
    type: DispoType = Field(description="Disposition trigger")
    contact: bool = Field(description="The prospect was reached")
    success: bool = Field(description="The goal, or a qualifying stage of it, was reached")
    category: DispoCategory | None = Field(
        default=None, description="What happened on the line; feeds block and no-answer rates"
    )


class DispoUpdate(Input):
    id: Identifier
    name: Name = optional()
    type: DispoType = optional()
    contact: bool = optional()
    success: bool = optional()
    category: DispoCategory | None = Field(default=None)


class DispoKey(Input):
    id: Identifier


class Dispo(Output):
    id: str
    name: str
    type: DispoType
    contact: bool
    success: bool
    category: DispoCategory | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


# ANIs


class AniCreate(Input):
    country_code: CountryCode = Field(description="+1 (USA/Canada) or +44 (UK)")
    number: PhoneText = Field(
        description="Phone number without country code; formatting is stripped"
    )
    inbound_group_id: Identifier = Field(description="Inbound group the number belongs to")
    is_branded: bool = Field(default=False, description="Managed by a number reputation company")
    brand_name: Name | None = Field(default=None, description="Reputation brand name")
    carrier_id: Identifier | None = Field(default=None, description="Carrier code")
    daily_cap: Cap | None = Field(default=None, description="Dials per day for this number")
    hourly_cap: Cap | None = Field(default=None, description="Dials per hour for this number")


class AniUpdate(Input):
    number: PhoneText = Field(description="Identifies the ANI")
    country_code: CountryCode = optional(
        "Selects the ANI when the same digits exist under +1 and +44; "
        "a number cannot move to another country (delete and create instead)"
    )
    inbound_group_id: Identifier = optional()
    is_branded: bool = optional()
    brand_name: Name | None = Field(default=None)
    carrier_id: Identifier | None = Field(default=None)
    daily_cap: Cap | None = Field(default=None)
    hourly_cap: Cap | None = Field(default=None)


class AniKey(Input):
    number: PhoneText
    country_code: CountryCode = optional()


class Ani(Output):
    country_code: CountryCode
    number: str
    inbound_group_id: str
    is_branded: bool
    brand_name: str | None
    carrier_id: str | None
    country: str | None = Field(description="ISO country of the number (US, CA, GB, ...)")
    area_code: str | None = Field(description="+1: NPA; +44: dialling code with trunk 0")
    state: str | None = Field(description="US state or Canadian province code")
    place: str | None
    time_zone: str | None
    toll_free: bool
    status: AniStatus = Field(
        description="active, paused (by hand), suspected_label (flagged by the burned-number "
        "test, still in rotation), resting (out of rotation until paused_until, then "
        "probation), probation (in rotation and watched)"
    )
    paused_until: datetime | None = Field(description="End of the pause or rest, while it lasts")
    status_reason: str | None = Field(description="Why the number has its status")
    status_changed_at: datetime | None = Field(description="When; null: never changed")
    daily_cap: int | None
    hourly_cap: int | None
    warnings: list[str] = Field(
        description="Why the number, though well-formed, may not work as caller ID"
    )
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


# Company-wide settings


def _known_time_zone(name: str) -> str:
    if name not in _time_zones():
        raise ValueError("is not an IANA time zone name (e.g. America/New_York)")
    return name


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


TimeZoneName = Annotated[str, AfterValidator(_known_time_zone)]
RadiusKm = Annotated[float, Field(gt=0, le=5000)]
RestDays = Annotated[int, Field(ge=1, le=365)]
ProbationDays = Annotated[int, Field(ge=0, le=365)]
Share = Annotated[float, Field(ge=0, le=1)]
HoldoutShare = Annotated[float, Field(ge=0, le=0.5)]
UnknownCampaign = Literal["serve", "reject"]


class CompanySettingsUpdate(Input):
    time_zone: TimeZoneName = optional("Day and hour of the caps are counted in this zone")
    daily_cap: Cap = optional("Dials per ANI per day unless a campaign or ANI says otherwise")
    hourly_cap: Cap | None = Field(default=None, description="Dials per ANI per hour; null: none")
    cap_mode: CapMode = optional("soft or strict, unless a campaign says otherwise")
    nearest_radius_km: RadiusKm = optional("How far the 'nearest area code' fallback looks")
    automation: Automation = optional(
        "Burned numbers: auto rests them, recommend only marks them suspected_label"
    )
    rest_days: RestDays = optional("How long a burned number rests")
    max_resting_share: Share = optional(
        "Largest share of the company's ANIs resting at once (0-1); beyond it a burned number "
        "is only marked suspected_label"
    )
    probation_days: ProbationDays = optional(
        "Days without a new signal after a rest before a number is active again"
    )
    unknown_campaign: UnknownCampaign = optional(
        "/dialer/next for a campaign that is not defined: serve (create it with the company's "
        "defaults, marked auto_created; the default) or reject (404)"
    )
    holdout_share: HoldoutShare = optional(
        "Share of prospects (0-0.5) whose default-strategy calls get the plain local-presence "
        "rule instead, to measure the default's uplift (GET /dialer/stats/experiment); 0 turns "
        "the holdout off"
    )


class CompanySettings(Output):
    company_guid: str
    name: str
    time_zone: str
    daily_cap: int
    hourly_cap: int | None
    cap_mode: CapMode
    nearest_radius_km: float
    automation: Automation
    rest_days: int
    max_resting_share: float
    probation_days: int
    unknown_campaign: UnknownCampaign
    holdout_share: float


# What POST /dialer/anis/pause and /activate answer


class AniActionResult(Ani):
    scheduled: ScheduledChange | None = Field(
        default=None, description="Set when the change was scheduled for a later date"
    )
