"""/dialer/webhooks: endpoints, the signing secret, the delivery log (management: strict)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.body import read_json_object
from openani.http.context import company_of, context_of, json_handler
from openani.http.offload import json_in_worker
from openani.http.operations import PAGE_QUERY, Operation, QueryParam
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.webhooks.models import (
    Delivery,
    DeliveryDetail,
    DeliveryKey,
    DeliveryPage,
    SecretRotate,
    SigningSecret,
    Webhook,
    WebhookCreate,
    WebhookCreated,
    WebhookKey,
    WebhookList,
    WebhookUpdate,
)

PATH = "/dialer/webhooks"


async def _key(request: Request) -> dict[str, Any] | None:
    """The webhook named by the JSON body or ``?id=``; None when neither names one."""
    body = await read_json_object(
        request, context_of(request).settings.max_body_bytes, require_content_type=False
    )
    if body is not None:
        return body
    unknown = [name for name in request.query_params if name != "id"]
    if unknown:
        raise ValidationFailed({name: "unknown query parameter (known: id)" for name in unknown})
    if "id" in request.query_params:
        return {"id": request.query_params["id"]}
    return None


async def read(request: Request) -> Response:
    company = company_of(request)
    service = context_of(request).webhooks
    key = await _key(request)
    return JSONResponse(service.list(company) if key is None else service.get(company, key))


async def delete(request: Request) -> Response:
    company = company_of(request)
    key = await _key(request)
    if key is None:
        raise ValidationFailed({"id": "is required (JSON body or query string)"})
    return JSONResponse(context_of(request).webhooks.delete(company, key))


async def secret(request: Request) -> Response:
    company = company_of(request)
    return JSONResponse(context_of(request).webhooks.secret(company))


async def deliveries(request: Request) -> Response:
    company = company_of(request)
    return await json_in_worker(
        context_of(request).webhooks.deliveries, company, request.query_params
    )


create = json_handler(lambda c, company, body: c.webhooks.create(company, body), status=201)
update = json_handler(lambda c, company, body: c.webhooks.update(company, body))
rotate = json_handler(lambda c, company, body: c.webhooks.rotate(company, body))
retry = json_handler(lambda c, company, body: c.webhooks.retry(company, body))
test = json_handler(lambda c, company, body: c.webhooks.test(company, body), status=202)

_ID = QueryParam("id", {"type": "string"}, "A webhook id (or use the JSON body)")

OPERATIONS = [
    Operation(
        "POST",
        PATH,
        "Create a webhook (at most 5 per company); the first one also makes the signing secret",
        create,
        "webhooks",
        request_model=WebhookCreate,
        responses={201: WebhookCreated, **ERROR_RESPONSES},
        description="Each delivery is a POST of {delivery_id, webhook_id, created_at, events} "
        "with 1-100 events, signed: X-OpenANI-Signature: sha256=<hex HMAC-SHA256 of the raw "
        "body with the company's signing secret>. The secret is in the answer when this is the "
        "company's first webhook, and never shown again (rotate it to get a new one).",
    ),
    Operation(
        "PUT",
        PATH,
        "Update a webhook (absent fields stay as they are)",
        update,
        "webhooks",
        request_model=WebhookUpdate,
        responses={200: Webhook, **ERROR_RESPONSES},
    ),
    Operation(
        "GET",
        PATH,
        "Get one webhook, or list them",
        read,
        "webhooks",
        request_model=WebhookKey,
        request_required=False,
        query=(_ID,),
        responses={200: (Webhook, WebhookList), **ERROR_RESPONSES},
    ),
    Operation(
        "DELETE",
        PATH,
        "Delete a webhook; its pending deliveries are cancelled",
        delete,
        "webhooks",
        request_model=WebhookKey,
        request_required=False,
        query=(_ID,),
        responses={200: Webhook, **ERROR_RESPONSES},
    ),
    Operation(
        "GET",
        f"{PATH}/secret",
        "When the signing secret was made and until when the previous one still signs",
        secret,
        "webhooks",
        responses={200: SigningSecret, **ERROR_RESPONSES},
    ),
    Operation(
        "POST",
        f"{PATH}/secret/rotate",
        "Make a new signing secret (shown once); the previous one keeps signing for a grace period",
        rotate,
        "webhooks",
        request_model=SecretRotate,
        request_required=False,
        responses={200: SigningSecret, **ERROR_RESPONSES},
        description="During the grace period every delivery carries X-OpenANI-Signature (new "
        "secret) and X-OpenANI-Signature-Previous (previous secret), so receivers can switch "
        "whenever they like within it.",
    ),
    Operation(
        "GET",
        f"{PATH}/deliveries",
        "The delivery log, newest first (or one delivery with its attempts and body)",
        deliveries,
        "webhooks",
        query=(
            QueryParam("id", {"type": "string"}, "One delivery, with its attempts and body"),
            QueryParam("webhook", {"type": "string"}, "Only this webhook's deliveries"),
            QueryParam(
                "status",
                {"type": "string", "enum": ["pending", "delivered", "failed", "cancelled"]},
            ),
            *PAGE_QUERY,
        ),
        responses={200: (DeliveryPage, DeliveryDetail), **ERROR_RESPONSES},
    ),
    Operation(
        "POST",
        f"{PATH}/deliveries/retry",
        "Attempt a delivery again now (e.g. a failed one, after the receiver was fixed)",
        retry,
        "webhooks",
        request_model=DeliveryKey,
        responses={200: Delivery, **ERROR_RESPONSES},
    ),
    Operation(
        "POST",
        f"{PATH}/test",
        "Send one webhook.test event to a webhook (to check the receiver and its signature check)",
        test,
        "webhooks",
        request_model=WebhookKey,
        responses={202: Delivery, **ERROR_RESPONSES},
    ),
]
