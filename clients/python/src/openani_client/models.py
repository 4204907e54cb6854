"""Typed views of the server's answers. Each keeps the whole JSON in ``raw``, and fields the
client does not know yet are ignored, so a newer server never breaks an older client."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Self, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Model:
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        known = {f.name for f in dataclasses.fields(cls)} - {"raw"}
        values = {name: data.get(name) for name in known}
        return cls(raw=data, **values)


@dataclass(frozen=True)
class NextAni(Model):
    """The answer of /dialer/next: the caller ID to present and why it was chosen."""

    prospect_phone: str
    ani: str
    assignment_type: str
    country_code: str = "+1"
    requested_assignment_type: str | None = None
    fallback: bool = False
    match: str | None = None
    branded: bool = False
    over_cap: bool = False
    brand_filter_ignored: bool = False
    warnings: list[str] | None = None

    @property
    def e164(self) -> str:
        """The caller ID in E.164 (+15611234567), as telephony APIs take a ``from_`` number."""
        digits = self.ani.lstrip("0") if self.country_code == "+44" else self.ani
        return f"{self.country_code}{digits}"


@dataclass(frozen=True)
class BatchRow(Model):
    row_id: str | int
    ani: str | None = None
    assignment_type: str | None = None
    country_code: str | None = None
    match: str | None = None
    fallback: bool | None = None
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ResultOutcome(Model):
    """One dial result as stored: stored, duplicate, updated or error."""

    call_id: str | None
    status: str
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class Campaign(Model):
    id: str
    name: str
    type: str
    inbound_pool_id: str | None = None
    default_assignment_type: str | None = None


@dataclass(frozen=True)
class Dispo(Model):
    id: str
    name: str
    type: str
    contact: bool
    success: bool
    category: str | None = None


@dataclass(frozen=True)
class Ani(Model):
    number: str
    country_code: str
    inbound_group_id: str
    status: str
    is_branded: bool = False
    area_code: str | None = None
    state: str | None = None
    status_reason: str | None = None


@dataclass(frozen=True)
class Webhook(Model):
    id: str
    url: str
    events: list[str]
    enabled: bool
    signing_secret: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    created_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    """A webhook delivery as received: 1 to 100 events."""

    delivery_id: str
    webhook_id: str
    created_at: datetime
    events: list[Event]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Delivery:
        return cls(
            delivery_id=data["delivery_id"],
            webhook_id=data["webhook_id"],
            created_at=datetime.fromisoformat(data["created_at"]),
            events=[
                Event(e["id"], e["type"], datetime.fromisoformat(e["created_at"]), e["data"])
                for e in data["events"]
            ],
        )
