"""Python client for openani: ``Client`` and ``AsyncClient`` (httpx2), typed answers, retries
of 429/503 that honour ``Retry-After``, pagination, and webhook signature checks."""

from openani_client.client import ANIS, CAMPAIGNS, DISPOS, AsyncClient, Client
from openani_client.errors import NoAvailableAni, OpenAniError, RetriesExhausted
from openani_client.models import (
    Ani,
    BatchRow,
    Campaign,
    Delivery,
    Dispo,
    Event,
    NextAni,
    Page,
    ResultOutcome,
    Webhook,
)
from openani_client.retry import RetryPolicy, parse_retry_after
from openani_client.webhooks import InvalidSignature, parse_delivery, verify_signature

__all__ = [
    "ANIS",
    "CAMPAIGNS",
    "DISPOS",
    "Ani",
    "AsyncClient",
    "BatchRow",
    "Campaign",
    "Client",
    "Delivery",
    "Dispo",
    "Event",
    "InvalidSignature",
    "NextAni",
    "NoAvailableAni",
    "OpenAniError",
    "Page",
    "ResultOutcome",
    "RetriesExhausted",
    "RetryPolicy",
    "Webhook",
    "parse_delivery",
    "parse_retry_after",
    "verify_signature",
]
__version__ = "0.1.0"
