"""Taking an ANI out of rotation for a while (cool-off) and putting it back, by hand.

Every status change, by hand or by the burned-number service (inventory/ani_health.py), goes
through ``transition``: it writes the history entry and gives the columns to store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row

from openani.errors import ValidationFailed
from openani.inventory.models import AniActivate, AniPause
from openani.inventory.service import ResourceService
from openani.inventory.status import effective_status
from openani.store import ani_status as store
from openani.store import webhooks as outbox
from openani.store.companies import Company
from openani.store.raw import RawTransaction
from openani.validation import validate

# The actor of a change made without an API key (the command line, the service itself).
SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class AniRef:
    id: int
    number: str
    country_code: str


def transition(
    conn: Connection,
    company_id: int,
    ani: AniRef,
    from_status: str,
    to_status: str,
    *,
    until: datetime | None,
    reason: str | None,
    actor: str,
    at: datetime,
) -> dict[str, Any]:
    """Record the change in the history and the webhook outbox; the ANI columns that carry it.

    """
    store.record(conn, company_id, ani.id, from_status, to_status, reason, actor, at)
    event = outbox.make_event(
        "ani.status_changed",
        {
            "number": ani.number,
            "country_code": ani.country_code,
            "from": from_status,
            "to": to_status,
            "reason": reason,
            "actor": actor,
            "at": at.isoformat(),
            "until": until.isoformat() if until is not None else None,
        },
        at,
    )
    outbox.enqueue(RawTransaction.within(conn), company_id, [event], at)
    return {
        "status": to_status,
        "paused_until": until,
        "status_reason": reason,
        "status_changed_at": at,
    }


def _key(command: AniPause | AniActivate) -> dict[str, Any]:
    return command.model_dump(include={"number", "country_code"}, exclude_none=True)


def _manual(
    company: Company, to_status: str, until: datetime | None, reason: str
) -> Callable[[Connection, Row[Any]], Mapping[str, Any]]:
    """The change of a pause or activation; history only when the status or its end moves."""

    def values(conn: Connection, before: Row[Any]) -> Mapping[str, Any]:
        now = datetime.now(UTC)
        from_status = effective_status(before.status, before.paused_until, now)
        current_until = before.paused_until if from_status == before.status else None
        if from_status == to_status and current_until == until:
            return {"status": to_status, "paused_until": until}
        return transition(
            conn,
            company.id,
            AniRef(before.id, before.number, before.country_code),
            from_status,
            to_status,
            until=until,
            reason=reason,
            actor=company.key_id or SYSTEM_ACTOR,
            at=now,
        )

    return values


def pause(anis: ResourceService, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniPause, body)
    if command.until is not None and command.until <= datetime.now(UTC):
        raise ValidationFailed({"until": "must be in the future"})
    until = command.until.astimezone(UTC) if command.until is not None else None
    reason = "paused by hand" + (f" until {until.isoformat()}" if until else "")
    return anis.set_columns(
        company, _key(command), _manual(company, "paused", until, reason), action="pause"
    )


def activate(anis: ResourceService, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniActivate, body)
    return anis.set_columns(
        company,
        _key(command),
        _manual(company, "active", None, "activated by hand"),
        action="activate",
    )
