"""The rest of a number's lifecycle: remediation requests (one per number every 30 days) and
pauses or activations scheduled for a later date, applied by a timer in every server process.

Every remediation is written to the status history (the status itself does not change: the
entry says what was asked of whom) and to the audit log; a scheduled change is audited when it
is asked for, and written to the status history when it is applied.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, select

from openani.errors import Conflict, NotFound, ValidationFailed
from openani.lifecycle.changes import AniRef, AniRows, ani_key, scheduled_public, transition
from openani.lifecycle.filters import HistoryFilter, NumberKey, number_match
from openani.lifecycle.models import AniRemediate
from openani.lifecycle.status import SYSTEM_ACTOR, effective_status
from openani.observability.metrics import timed
from openani.paging import log_page
from openani.store import audit
from openani.store import lifecycle as store
from openani.store.companies import Company, bump_inventory_version
from openani.store.engine import Database
from openani.store.schema import anis
from openani.validation import validate

log = logging.getLogger("openani.lifecycle")

REMEDIATION_COOLDOWN = timedelta(days=30)
DEFAULT_SCHEDULE_CHECK_S = 15.0
_DUE_PER_PASS = 200


class RemediationCooldown(Conflict):
    code = "remediation_cooldown"

    def __init__(self, message: str, *, fields: dict[str, str], next_allowed_at: datetime) -> None:
        super().__init__(message, fields=fields)
        self.next_allowed_at = next_allowed_at


def remediate(anis_service: AniRows, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniRemediate, body)
    now = datetime.now(UTC)
    actor = company.key_id or SYSTEM_ACTOR

    def act(conn: Connection, row: Row[Any]) -> Mapping[str, Any]:
        last = store.last_remediation(conn, row.id)
        if last is not None and last.requested_at + REMEDIATION_COOLDOWN > now:
            allowed = last.requested_at + REMEDIATION_COOLDOWN
            raise RemediationCooldown(
                f"remediation of {row.number} was requested on "
                f"{last.requested_at.date().isoformat()} (carrier {last.carrier}); one request "
                f"per number every 30 days: the next is possible from {allowed.isoformat()}",
                fields={"ani": f"next request possible from {allowed.isoformat()}"},
                next_allowed_at=allowed,
            )
        store.add_remediation(
            conn,
            {
                "company_id": company.id,
                "ani_id": row.id,
                "carrier": command.carrier,
                "note": command.note,
                "actor": actor,
                "requested_at": now,
            },
        )
        status = effective_status(row.status, row.paused_until, now)
        reason = f"remediation requested from carrier {command.carrier}"
        store.record(
            conn,
            company.id,
            row.id,
            status,
            status,
            f"{reason}: {command.note}" if command.note else reason,
            actor,
            now,
        )
        return {"carrier": command.carrier, "note": command.note}

    public = anis_service.act_on(company, ani_key(command), act, action="remediate")
    return {
        "number": public["number"],
        "country_code": public["country_code"],
        "carrier": command.carrier,
        "note": command.note,
        "actor": actor,
        "requested_at": now,
        "next_allowed_at": now + REMEDIATION_COOLDOWN,
    }


class LifecycleService:
    def __init__(self, db: Database, number_key: NumberKey) -> None:
        self._db = db
        self._number_key = number_key

    def history(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        """GET /dialer/anis/history: every status change, newest first."""
        return self._by_number(
            company,
            query,
            store.history_page,
            lambda row: {
                "number": row.number,
                "country_code": row.country_code,
                "from": row.from_status,
                "to": row.to_status,
                "reason": row.reason,
                "actor": row.actor,
                "at": row.at,
            },
        )

    def remediations(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        return self._by_number(
            company,
            query,
            store.remediation_page,
            lambda row: {
                "number": row.number,
                "country_code": row.country_code,
                "carrier": row.carrier,
                "note": row.note,
                "actor": row.actor,
                "requested_at": row.requested_at,
                "next_allowed_at": row.requested_at + REMEDIATION_COOLDOWN,
            },
        )

    def _by_number(
        self,
        company: Company,
        query: Mapping[str, str],
        read: Callable[..., Sequence[Row[Any]]],
        shown: Callable[[Row[Any]], dict[str, Any]],
    ) -> dict[str, Any]:
        """A newest-first listing of the company's log, narrowed by the number filter."""
        page = log_page(company.id, query, tuple(HistoryFilter.model_fields))
        match = number_match(query, self._number_key)
        with self._db.read() as conn:
            rows = read(
                conn, company.id, match=match, before_id=page.cursor_id, limit=page.limit + 1
            )
        return page.body(rows, shown)

    def scheduled(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        page = log_page(company.id, query, (*HistoryFilter.model_fields, "state"))
        state = query.get("state", "pending")
        if state not in ("pending", "all"):
            raise ValidationFailed({"state": "must be pending or all"})
        match = number_match(query, self._number_key)
        with self._db.read() as conn:
            rows = store.schedule_page(
                conn,
                company.id,
                match=match,
                pending_only=state == "pending",
                before_id=page.cursor_id,
                limit=page.limit + 1,
            )
        return page.body(rows, lambda row: scheduled_public(dict(row._mapping)))

    def cancel(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        raw = key.get("id")
        if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 10:
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < 2**31:
            raise ValidationFailed({"id": "is required: the id of a scheduled change"})
        now = datetime.now(UTC)
        with self._db.write() as conn:
            row = store.find_schedule(conn, company.id, raw, for_update=True)
            if row is None:
                raise NotFound(f"scheduled change {raw} not found")
            if row.applied_at is not None or row.cancelled_at is not None:
                raise Conflict(f"scheduled change {raw} was already applied or cancelled")
            store.mark_schedule(conn, row.id, {"cancelled_at": now})
            audit.record(
                conn,
                company_id=company.id,
                key_id=company.key_id,
                action=f"cancel_{row.action}",
                resource="ani",
                identifier=row.number,
                changes={"scheduled": row.id, "date": row.at},
            )
            row = store.find_schedule(conn, company.id, raw)
        assert row is not None
        return scheduled_public(dict(row._mapping))


def apply_due(db: Database, now: datetime) -> int:
    """Apply the scheduled changes whose time has come; the number applied."""
    return len(_apply_due(db, now)[0])


def _apply_due(db: Database, now: datetime) -> tuple[list[int], set[int]]:
    """(schedules applied, companies whose numbers changed status)."""
    applied: list[int] = []
    touched: set[int] = set()
    with db.write() as conn:
        for item in store.due_schedules(conn, now, _DUE_PER_PASS):
            if _apply(conn, item, now):
                touched.add(item.company_id)
            store.mark_schedule(conn, item.id, {"applied_at": now})
            applied.append(item.id)
        for company_id in sorted(touched):
            bump_inventory_version(conn, company_id)
    return applied, touched


def _apply(conn: Connection, item: Row[Any], now: datetime) -> bool:
    """One scheduled change; whether the number's status changed."""
    row = conn.execute(select(anis).where(anis.c.id == item.ani_id).with_for_update()).one()
    if row.deleted_at is not None:
        return False
    if item.action == "pause":
        if item.until is not None and item.until <= now:
            return False  # the whole pause lies in the past: nothing to do any more
        to_status, until = "paused", item.until
        reason = "scheduled pause" + (f" until {item.until.isoformat()}" if item.until else "")
    else:
        to_status, until = "active", None
        reason = "scheduled activation"
    if item.note:
        reason = f"{reason}: {item.note}"
    from_status = effective_status(row.status, row.paused_until, now)
    current_until = row.paused_until if from_status == row.status else None
    if from_status == to_status and current_until == until:
        return False
    values = transition(
        conn,
        item.company_id,
        AniRef(row.id, row.number, row.country_code),
        from_status,
        to_status,
        until=until,
        reason=reason,
        actor=item.actor,
        at=now,
    )
    store.set_status(conn, row.id, values)
    audit.record(
        conn,
        company_id=item.company_id,
        key_id=None if item.actor == SYSTEM_ACTOR else item.actor,
        action=item.action,
        resource="ani",
        identifier=row.number,
        changes={**values, "from": from_status, "scheduled": item.id},
    )
    return True


async def run_schedules(
    db: Database, interval_s: float, on_change: Callable[[int], None] | None = None
) -> None:
    """Apply due changes every ``interval_s`` (in a worker thread) until cancelled;
    ``on_change`` is told (on the event loop) each company whose numbers changed."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            with timed("ani_schedules"):
                _, touched = await asyncio.to_thread(_apply_due, db, datetime.now(UTC))
            for company_id in sorted(touched):
                if on_change is not None:
                    on_change(company_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next pass tries again
            log.exception("applying scheduled ANI changes failed")
