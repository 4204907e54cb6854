"""Taking an ANI out of rotation for a while (cool-off) and putting it back, by hand.

Every status change, by hand or by the burned-number service (lifecycle/health.py), goes
through ``transition``: it writes the history entry and gives the columns to store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, Row

from openani.errors import ValidationFailed
from openani.lifecycle.models import AniAction, AniActivate, AniPause
from openani.lifecycle.status import SYSTEM_ACTOR, effective_status
from openani.moments import moment
from openani.store import lifecycle as store
from openani.store import webhooks as outbox
from openani.store.companies import Company
from openani.store.raw import RawTransaction
from openani.validation import validate


class AniRows(Protocol):
    """The company's ANIs as the lifecycle changes them: one number found by its key, locked,
    changed and audited in one transaction (the inventory's service of ANIs is one)."""

    def set_columns(
        self,
        company: Company,
        key: Mapping[str, Any],
        values: Mapping[str, Any] | Callable[[Connection, Row[Any]], Mapping[str, Any]],
        *,
        action: str,
    ) -> dict[str, Any]: ...

    def act_on(
        self,
        company: Company,
        key: Mapping[str, Any],
        act: Callable[[Connection, Row[Any]], Mapping[str, Any]],
        *,
        action: str,
    ) -> dict[str, Any]: ...


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
    """Record the change in the history and the webhook outbox; the ANI columns that carry it."""
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


def ani_key(command: AniAction) -> dict[str, Any]:
    """The lookup key of an action's number, given as ``number`` or as ``ani``."""
    if command.number is not None and command.ani is not None:
        raise ValidationFailed({"ani": "give the number as number or as ani, not both"})
    number = command.number if command.number is not None else command.ani
    if number is None:
        raise ValidationFailed({"number": "is required (or ani)"})
    key: dict[str, Any] = {"number": number}
    if command.country_code is not None:
        key["country_code"] = command.country_code
    return key


def _with_note(reason: str, note: str | None) -> str:
    return f"{reason}: {note}" if note else reason


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


def _schedule(
    anis: AniRows,
    company: Company,
    key: Mapping[str, Any],
    action: str,
    at: datetime,
    until: datetime | None,
    note: str | None,
) -> dict[str, Any]:
    """A pause or activation at a later date: recorded now, applied by the schedule timer."""
    created: dict[str, Any] = {}

    def act(conn: Connection, row: Row[Any]) -> Mapping[str, Any]:
        values = {
            "company_id": company.id,
            "ani_id": row.id,
            "action": action,
            "at": at,
            "until": until,
            "note": note,
            "actor": company.key_id or SYSTEM_ACTOR,
            "created_at": datetime.now(UTC),
        }
        created.update(values, id=store.add_schedule(conn, values))
        created.update(number=row.number, country_code=row.country_code)
        return {"date": at, "until": until, "note": note}

    public = anis.act_on(company, key, act, action=f"sched_{action}")
    return {**public, "scheduled": scheduled_public(created)}


def scheduled_public(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "number": row["number"],
        "country_code": row["country_code"],
        "action": row["action"],
        "at": row["at"],
        "until": row["until"],
        "note": row["note"],
        "actor": row["actor"],
        "created_at": row["created_at"],
        "applied_at": row.get("applied_at"),
        "cancelled_at": row.get("cancelled_at"),
    }


def pause(anis: AniRows, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniPause, body)
    key = ani_key(command)
    now = datetime.now(UTC)
    start = moment("date", command.date, company.time_zone) if command.date else None
    until = command.until.astimezone(UTC) if command.until is not None else None
    if until is not None and until <= max(now, start or now):
        raise ValidationFailed(
            {"until": "must be after the pause starts" if start else "must be in the future"}
        )
    if start is not None and start > now:
        return _schedule(anis, company, key, "pause", start, until, command.note)
    reason = _with_note(
        "paused by hand" + (f" until {until.isoformat()}" if until else ""), command.note
    )
    return anis.set_columns(company, key, _manual(company, "paused", until, reason), action="pause")


def activate(anis: AniRows, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniActivate, body)
    key = ani_key(command)
    when = moment("date", command.date, company.time_zone) if command.date else None
    if when is not None and when > datetime.now(UTC):
        return _schedule(anis, company, key, "activate", when, None, command.note)
    return anis.set_columns(
        company,
        key,
        _manual(company, "active", None, _with_note("activated by hand", command.note)),
        action="activate",
    )


def rest(anis: AniRows, company: Company, body: Mapping[str, Any], *, days: int) -> dict[str, Any]:
    """Rest a number by hand, as the burned-number check would: out of rotation for ``days``,
    then on probation."""
    command = validate(AniAction, body)
    until = datetime.now(UTC) + timedelta(days=days)
    reason = _with_note(f"rested by hand for {days} days", command.note)
    return anis.set_columns(
        company, ani_key(command), _manual(company, "resting", until, reason), action="rest"
    )
