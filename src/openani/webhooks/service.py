"""Managing webhooks: endpoints, the company's signing secret, the delivery log."""

from __future__ import annotations

import ipaddress
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import Connection, Row

from openani.errors import Conflict, NotFound, ValidationFailed
from openani.paging import log_page
from openani.store import audit
from openani.store import webhooks as store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.validation import validate
from openani.webhooks import sdk_format
from openani.webhooks.events import TEST_EVENT, delivery_body, new_delivery_id
from openani.webhooks.models import (
    MAX_WEBHOOKS,
    DeliveryKey,
    SecretRotate,
    WebhookCreate,
    WebhookKey,
    WebhookUpdate,
)
from openani.webhooks.outbox import WebhookOutbox
from openani.webhooks.signing import new_secret

# Set by the delivery itself: a custom header may not replace them.
_RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "user-agent",
    }
)
HIDDEN = "***"


def check_url(url: str, *, development: bool) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationFailed({"url": f"is not a URL: {exc}"}) from None
    del port
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationFailed({"url": "must be an https:// URL with a host"})
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed(
            {"url": "must not carry a user name or password: send credentials in headers"}
        )
    if parts.fragment:
        raise ValidationFailed({"url": "must not have a #fragment"})
    if parts.scheme == "http":
        if not development:
            raise ValidationFailed({"url": "must use https://"})
        if not _loopback(parts.hostname):
            raise ValidationFailed(
                {"url": "http:// is allowed only to a loopback address (development mode)"}
            )


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_headers(headers: Mapping[str, str]) -> None:
    seen: set[str] = set()
    for name in headers:
        lowered = name.lower()
        if lowered in _RESERVED_HEADERS or lowered.startswith(("x-openani-", "x-outboundiq-")):
            raise ValidationFailed({f"headers.{name}": "is set by openani and cannot be replaced"})
        if lowered in seen:
            raise ValidationFailed({f"headers.{name}": "is given twice (names ignore case)"})
        seen.add(lowered)


def webhook_public(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.public_id,
        "url": row.url,
        "events": json.loads(row.events),
        "headers": dict.fromkeys(json.loads(row.headers), HIDDEN),
        "enabled": row.enabled,
        "description": row.description,
        "format": row.format,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def delivery_public(row: Row[Any]) -> dict[str, Any]:
    return {
        "id": row.public_id,
        "webhook_id": row.webhook_public_id,
        "status": row.status,
        "event_count": row.event_count,
        "event_types": row.event_types.split(","),
        "attempts": row.attempts,
        "created_at": row.created_at,
        "last_attempt_at": row.last_attempt_at,
        "next_attempt_at": row.next_attempt_at,
        "delivered_at": row.delivered_at,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
    }


def _audited(changes: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a change: header values may be credentials."""
    kept = dict(changes)
    if "headers" in kept:
        kept["headers"] = dict.fromkeys(kept["headers"], HIDDEN)
    return kept


class WebhookService:
    def __init__(self, db: Database, outbox: WebhookOutbox, *, development: bool) -> None:
        self._db = db
        self._outbox = outbox
        self._development = development

    # Webhooks

    def create(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(WebhookCreate, body)
        check_url(command.url, development=self._development)
        check_headers(command.headers)
        now = datetime.now(UTC)
        with self._db.write() as conn:
            store.lock_company(conn, company.id)
            if store.count_webhooks(conn, company.id) >= MAX_WEBHOOKS:
                raise Conflict(
                    f"a company may have at most {MAX_WEBHOOKS} webhooks; delete one first"
                )
            row = store.insert_webhook(
                conn,
                {
                    "public_id": "wh_" + secrets.token_hex(8),
                    "company_id": company.id,
                    "url": command.url,
                    "events": json.dumps(sorted(set(command.events))),
                    "headers": json.dumps(command.headers),
                    "enabled": command.enabled,
                    "description": command.description,
                    "format": command.format,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            secret = None
            if store.signing_secret(conn, company.id) is None:
                secret = new_secret()
                store.save_signing_secret(conn, company.id, {"secret": secret, "created_at": now})
            self._audit(conn, company, "create", row.public_id, command.model_dump())
        self._outbox.forget(company.id)
        return {**webhook_public(row), "signing_secret": secret}

    def get(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(WebhookKey, key)
        with self._db.read() as conn:
            return webhook_public(self._one(conn, company, command.id))

    def list(self, company: Company) -> dict[str, Any]:
        with self._db.read() as conn:
            rows = store.list_webhooks(conn, company.id)
        return {"items": [webhook_public(row) for row in rows], "next_cursor": None}

    def update(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(WebhookUpdate, body)
        given = {name: getattr(command, name) for name in command.model_fields_set - {"id"}}
        if "url" in given:
            check_url(given["url"], development=self._development)
        if "headers" in given:
            check_headers(given["headers"])
        values = dict(given)
        if "events" in values:
            values["events"] = json.dumps(sorted(set(values["events"])))
        if "headers" in values:
            values["headers"] = json.dumps(values["headers"])
        with self._db.write() as conn:
            row = self._one(conn, company, command.id, for_update=True)
            if values:
                row = store.update_webhook(
                    conn, row.id, {**values, "updated_at": datetime.now(UTC)}
                )
                self._audit(conn, company, "update", row.public_id, given)
        self._outbox.forget(company.id)
        return webhook_public(row)

    def delete(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(WebhookKey, key)
        now = datetime.now(UTC)
        with self._db.write() as conn:
            row = self._one(conn, company, command.id, for_update=True)
            row = store.update_webhook(conn, row.id, {"deleted_at": now, "updated_at": now})
            cancelled = store.cancel_pending(conn, row.id, now)
            self._audit(conn, company, "delete", row.public_id, {"cancelled": cancelled})
        self._outbox.forget(company.id)
        return webhook_public(row)

    # The signing secret

    def secret(self, company: Company) -> dict[str, Any]:
        with self._db.read() as conn:
            row = store.signing_secret(conn, company.id)
        if row is None:
            raise NotFound("no signing secret yet: it is made with the first webhook")
        return _secret_public(row, None, datetime.now(UTC))

    def rotate(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(SecretRotate, body)
        now = datetime.now(UTC)
        secret = new_secret()
        with self._db.write() as conn:
            store.lock_company(conn, company.id)
            current = store.signing_secret(conn, company.id)
            values: dict[str, Any] = {"secret": secret, "created_at": now}
            if current is not None and command.grace_hours > 0:
                values["previous_secret"] = current.secret
                values["previous_expires_at"] = now + timedelta(hours=command.grace_hours)
            else:
                values["previous_secret"] = values["previous_expires_at"] = None
            store.save_signing_secret(conn, company.id, values)
            audit.record(
                conn,
                company_id=company.id,
                key_id=company.key_id,
                action="rotate_secret",
                resource="webhook",
                identifier=None,
                changes={"grace_hours": command.grace_hours},
            )
            row = store.signing_secret(conn, company.id)
        assert row is not None
        return _secret_public(row, secret, now)

    # The delivery log

    def deliveries(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        page = log_page(company.id, query, ("id", "webhook", "status"))
        if "id" in query:
            return self.delivery(company, {"id": query["id"]})
        status = query.get("status")
        if status is not None and status not in store.DELIVERY_STATUSES:
            raise ValidationFailed(
                {"status": f"must be one of {', '.join(store.DELIVERY_STATUSES)}"}
            )
        with self._db.read() as conn:
            webhook_id = None
            if "webhook" in query:
                webhook_id = self._one(conn, company, query["webhook"], field="webhook").id
            rows = store.delivery_page(
                conn,
                company.id,
                webhook_id=webhook_id,
                status=status,
                before_id=page.cursor_id,
                limit=page.limit + 1,
            )
        return page.body(rows, delivery_public)

    def delivery(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(DeliveryKey, key)
        with self._db.read() as conn:
            row = self._delivery(conn, company, command.id)
            attempts = store.attempts_of(conn, row.id)
        return {
            **delivery_public(row),
            "attempt_log": [
                {
                    "attempt": a.attempt,
                    "at": a.at,
                    "status_code": a.status_code,
                    "error": a.error,
                    "duration_ms": a.duration_ms,
                }
                for a in attempts
            ],
            "body": orjson.loads(row.body),
        }

    def retry(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        """One more attempt now, whatever became of the delivery; if it fails, the usual
        retries follow only while within the retry window of the delivery's creation."""
        command = validate(DeliveryKey, body)
        now = datetime.now(UTC)
        with self._db.write() as conn:
            row = self._delivery(conn, company, command.id, for_update=True)
            store.reschedule(conn, row.id, {"status": store.PENDING, "next_attempt_at": now})
            row = self._delivery(conn, company, command.id)
        return delivery_public(row)

    def test(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        """A delivery of one ``webhook.test`` event to the webhook named, sent within seconds."""
        command = validate(WebhookKey, body)
        now = datetime.now(UTC)
        with self._db.write() as conn:
            hook = self._one(conn, company, command.id)
            event = store.make_event(
                TEST_EVENT, {"message": "test delivery requested through the API"}, now
            )
            delivery_id = new_delivery_id()
            store.insert_deliveries(
                conn,
                [
                    {
                        "public_id": delivery_id,
                        "company_id": company.id,
                        "webhook_id": hook.id,
                        "body": delivery_body(delivery_id, hook.public_id, now, [event.payload])
                        if hook.format != sdk_format.FORMAT
                        # The commercial format knows no test event: a dial.batch of no dials.
                        else sdk_format.delivery_body(delivery_id, now, []),
                        "event_count": 1,
                        "event_types": TEST_EVENT,
                        "status": store.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                ],
            )
            row = self._delivery(conn, company, delivery_id)
        return delivery_public(row)

    # Helpers

    @staticmethod
    def _one(
        conn: Connection,
        company: Company,
        public_id: str,
        *,
        for_update: bool = False,
        field: str = "id",
    ) -> Row[Any]:
        row = store.find_webhook(conn, company.id, public_id, for_update=for_update)
        if row is None:
            raise NotFound(f"webhook {public_id} not found", fields={field: "no such webhook"})
        return row

    @staticmethod
    def _delivery(
        conn: Connection, company: Company, public_id: str, *, for_update: bool = False
    ) -> Row[Any]:
        row = store.find_delivery(conn, company.id, public_id, for_update=for_update)
        if row is None:
            raise NotFound(f"delivery {public_id} not found")
        return row

    @staticmethod
    def _audit(
        conn: Connection,
        company: Company,
        action: str,
        identifier: str,
        changes: Mapping[str, Any],
    ) -> None:
        audit.record(
            conn,
            company_id=company.id,
            key_id=company.key_id,
            action=action,
            resource="webhook",
            identifier=identifier,
            changes=_audited(changes),
        )


def _secret_public(row: Row[Any], secret: str | None, now: datetime) -> dict[str, Any]:
    previous_until = row.previous_expires_at
    if row.previous_secret is None or previous_until is None or previous_until <= now:
        previous_until = None
    return {"secret": secret, "created_at": row.created_at, "previous_valid_until": previous_until}
