"""Wire shapes of /dialer/webhooks, the signing secret and the delivery log (strict input)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from openani.webhooks.events import EventType
from openani.wire import Input, Name, Output, optional

MAX_WEBHOOKS = 5
MAX_HEADERS = 10
MAX_GRACE_HOURS = 7 * 24
DEFAULT_GRACE_HOURS = 24

# What a webhook may subscribe to: an event type, or "*" for all (Literal flattens the nesting).
EventName = Literal["*", EventType]
Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2048)]
# RFC 9110 token characters.
HeaderName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
]
# Visible ASCII and spaces: no line breaks that could smuggle another header.
HeaderValue = Annotated[str, StringConstraints(max_length=1024, pattern=r"^[\x20-\x7e]*$")]
Events = Annotated[list[EventName], Field(min_length=1, max_length=6)]
Headers = Annotated[dict[HeaderName, HeaderValue], Field(max_length=MAX_HEADERS)]
WebhookId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
DeliveryId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]
WebhookFormat = Literal["openani", "outboundiq"]
FORMAT_DESCRIPTION = (
    "openani: openani's deliveries of events; outboundiq: the commercial service's dial.batch "
    "deliveries (its SDKs' DialEvent rows and x-outboundiq-* headers), dial results only"
)


def _all_events() -> list[EventName]:
    return ["*"]


class WebhookCreate(Input):
    url: Url = Field(
        description="https:// (http:// only to a loopback address on a server in development "
        "mode); no user name or password in it: use headers"
    )
    events: Events = Field(
        default_factory=_all_events,
        description='Event types to receive; "*" (the default): all, including future ones',
    )
    headers: Headers = Field(
        default_factory=dict,
        description=f"Up to {MAX_HEADERS} extra headers sent with every delivery (e.g. "
        "Authorization); not Content-Type, Content-Length, Host, User-Agent nor X-OpenANI-*",
    )
    enabled: bool = Field(default=True, description="false: no deliveries until enabled")
    description: Name | None = None
    format: WebhookFormat = Field(default="openani", description=FORMAT_DESCRIPTION)


class WebhookUpdate(Input):
    id: WebhookId
    url: Url = optional()
    events: Events = optional()
    headers: Headers = optional("Replaces all extra headers")
    enabled: bool = optional()
    description: Name | None = Field(default=None)
    format: WebhookFormat = optional(FORMAT_DESCRIPTION)


class WebhookKey(Input):
    id: WebhookId


class Webhook(Output):
    id: str
    url: str
    events: list[str]
    headers: dict[str, str] = Field(description="Header names; values are never shown")
    enabled: bool
    description: str | None
    format: WebhookFormat
    created_at: datetime
    updated_at: datetime


class WebhookCreated(Webhook):
    signing_secret: str | None = Field(
        default=None,
        description="The company's signing secret, when this webhook is its first: shown once",
    )


class SecretRotate(Input):
    grace_hours: Annotated[int, Field(ge=0, le=MAX_GRACE_HOURS)] = Field(
        default=DEFAULT_GRACE_HOURS,
        description="How long the previous secret keeps signing deliveries too "
        "(X-OpenANI-Signature-Previous); 0: it stops at once",
    )


class SigningSecret(Output):
    secret: str | None = Field(default=None, description="Shown once, when made")
    created_at: datetime
    previous_valid_until: datetime | None


class Attempt(Output):
    attempt: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class Delivery(Output):
    id: str
    webhook_id: str
    status: DeliveryStatus
    event_count: int
    event_types: list[str]
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None


class DeliveryDetail(Delivery):
    attempt_log: list[Attempt]
    body: dict[str, Any] = Field(description="The JSON every attempt sent")


class DeliveryPage(Output):
    items: list[Delivery]
    next_cursor: str | None


class WebhookList(Output):
    items: list[Webhook]
    next_cursor: str | None


class DeliveryKey(Input):
    id: DeliveryId
