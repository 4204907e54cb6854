"""The wire shapes of the ANI lifecycle: pause, activation, rest and remediation requests,
scheduled changes, the burned-number check and the status history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from openani.lifecycle.status import AniStatus
from openani.moments import in_range
from openani.wire import CountryCode, Identifier, Input, Output, PhoneText, optional

# What the burned-number check does (a company setting): auto rests a burned number,
# recommend only marks it suspected_label.
Automation = Literal["auto", "recommend"]


# Pause, re-activation, remediation

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
# ISO 8601 with an offset, or without one (the company's time zone), or a date (its midnight).
Moment = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class AniAction(Input):
    """A number, named as ``number`` or as the anchor's API names it, ``ani``."""

    number: PhoneText = optional("The ANI (or give it as ani)")
    ani: PhoneText = optional("The ANI, as the anchor's API names it (or give it as number)")
    country_code: CountryCode = optional("Selects the ANI when the same digits exist twice")
    note: Note | None = Field(default=None, description="Why; kept in the status history")


class AniPause(AniAction):
    date: Moment | None = Field(
        default=None,
        description="When the pause starts (ISO 8601; without an offset: the company's time "
        "zone; a date alone: its midnight). Absent or past: now. Later: scheduled.",
    )
    until: Annotated[AwareDatetime, Field(strict=False), AfterValidator(in_range)] | None = Field(
        default=None,
        description="ISO 8601 with offset; the ANI is active again from then on. "
        "Absent: paused until activated.",
    )


class AniActivate(AniAction):
    date: Moment | None = Field(
        default=None,
        description="When the number goes back into rotation (as date of a pause). Absent or "
        "past: now. Later: scheduled.",
    )


class AniRemediate(AniAction):
    carrier: Identifier = Field(description="The carrier (or analytics engine) asked to remediate")


class Remediation(Output):
    number: str
    country_code: CountryCode
    carrier: str
    note: str | None
    actor: str
    requested_at: datetime
    next_allowed_at: datetime = Field(description="No new request for this number before then")


class RemediationPage(Output):
    items: list[Remediation]
    next_cursor: str | None


class ScheduledChange(Output):
    id: int
    number: str
    country_code: CountryCode
    action: Literal["pause", "activate"]
    at: datetime
    until: datetime | None
    note: str | None
    actor: str
    created_at: datetime
    applied_at: datetime | None
    cancelled_at: datetime | None


class ScheduledPage(Output):
    items: list[ScheduledChange]
    next_cursor: str | None


# Burned numbers: the health check and the status history


class HealthSignal(Output):
    number: str
    country_code: CountryCode
    dials: int = Field(description="Recent dials tested")
    observed: int = Field(description="Contacts on those dials")
    expected: float = Field(description="Contacts expected from the number's history and peers")
    p_value: float
    reason: str


class StatusChange(Output):
    number: str
    country_code: CountryCode
    from_: AniStatus = Field(alias="from")
    to: AniStatus
    reason: str | None


class HealthCheck(Output):
    automation: Automation
    checked: int = Field(description="Numbers the burned-number test looked at")
    signals: list[HealthSignal]
    changes: list[StatusChange]


class StatusHistoryEntry(StatusChange):
    actor: str = Field(description="detector, or the id of the API key that made the change")
    at: datetime


class StatusHistoryPage(Output):
    items: list[StatusHistoryEntry]
    next_cursor: str | None
