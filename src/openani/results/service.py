"""Ingesting dial results: validate, store once per call id, move the statistics by the change.

A batch is stored in slices of ``SLICE`` results, each one transaction, and answered only after
the last commits, so a result acknowledged as stored survives a crash of the process right
after the answer. (A crash during a batch leaves the committed slices; the dialer, unanswered,
sends the batch again and those results answer ``duplicate``.) Slices keep each write short:
on SQLite the claims of /dialer/next wait for at most one slice, not for a whole batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Row

from openani import clock
from openani.errors import OpenAniError, ValidationFailed
from openani.geo import InvalidPhoneNumber, area_code, locate_prospect
from openani.lenient import clean
from openani.moments import in_range
from openani.results.events import ResultEvents
from openani.results.models import RESULT_RULES, DialResultIn
from openani.stats.counting import Classification, CountedResult, StatsDelta
from openani.store import daily_stats
from openani.store import results as store
from openani.store.companies import Company
from openani.store.engine import Database
from openani.store.group_commit import GroupCommit
from openani.store.raw import (
    RawTransaction,
    is_refused_value,
    is_unique_violation,
    raw_transaction,
)
from openani.store.results import DispositionRow
from openani.validation import validate

# Dialer clocks drift and time zones get misconfigured; a call more than a day in the future
# is a data error worth refusing rather than a statistic worth keeping.
MAX_CLOCK_AHEAD = timedelta(days=1)
MAX_STORE_ATTEMPTS = 3
SLICE = 50

log = logging.getLogger("openani.results")


class UnstorableValue(OpenAniError):
    code = "unstorable_value"
    status = 422

    def __init__(self) -> None:
        super().__init__("the database cannot store a value of this result (out of its range)")


@dataclass(frozen=True, slots=True)
class Outcome:
    call_id: str | None
    status: str  # stored, duplicate, updated, error
    error: OpenAniError | None = None
    warnings: tuple[str, ...] = ()  # what was ignored or read another way (lenient rows)


def _parse_call_time(text: str, zone: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            {"call_datetime": "must be YYYY-MM-DD HH:MM:SS (company time zone) or ISO 8601"}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        moment = in_range(moment)
    except ValueError as exc:
        raise ValidationFailed({"call_datetime": str(exc)}) from None
    if moment > datetime.now(UTC) + MAX_CLOCK_AHEAD:
        raise ValidationFailed({"call_datetime": "is more than a day in the future"})
    return moment


def _phone(field: str, text: str) -> tuple[str, str, str | None, str | None]:
    try:
        located = locate_prospect(text)
    except InvalidPhoneNumber as exc:
        raise ValidationFailed({field: str(exc)}) from None
    return located.country_code, located.number, located.area_code, located.state


class DispositionIndex:
    """Match a result's dispo by the company's dispo id, else by name, case-insensitively."""

    def __init__(self, rows: Sequence[DispositionRow]) -> None:
        self._by_id: dict[str, DispositionRow] = {}
        self._by_name: dict[str, DispositionRow] = {}
        for row in rows:
            self._by_id.setdefault(row.ext_id, row)
            self._by_name.setdefault(row.name.casefold(), row)

    def find(self, dispo: str) -> DispositionRow | None:
        return self._by_id.get(dispo) or self._by_name.get(dispo.casefold())

    @staticmethod
    def classify(row: DispositionRow | None) -> Classification:
        if row is None:
            return Classification()
        return Classification(row.contact, row.success, row.category)


def counted(values: Mapping[str, Any]) -> CountedResult:
    """How a stored (or about to be stored) result row is counted."""
    return CountedResult(
        ani=values["ani_country_code"] + values["ani"],
        campaign=values["campaign"],
        area_code=values["prospect_area_code"],
        area_state=values["prospect_state"],
        day=values["call_day"],
        call_at=values["call_at"],
        duration_s=values["duration_s"],
        classification=Classification(
            values["counted_contact"], values["counted_success"], values["counted_category"]
        ),
        agent=values["agent_id"],
        arm=values.get("arm"),
    )


class ResultIngest:
    def __init__(self, db: Database, events: ResultEvents | None = None) -> None:
        self._db = db
        # Told, inside each ingestion transaction, which results it stores or replaces.
        self._events = events
        # Single results (seed callbacks) stored together, one transaction per company.
        self._group: GroupCommit[tuple[Company, dict[str, Any]], Outcome] = GroupCommit(
            self._store_group, key=lambda item: item[0].id
        )

    async def ingest_one(
        self, company: Company, raw: Mapping[str, Any], *, strict_types: bool = True
    ) -> Outcome:
        """One result, stored together with the others that arrived in the same turn of the
        event loop (one transaction instead of one each); answered after that commit."""
        try:
            row = self._prepare(raw, clock.zone(company.time_zone), strict_types)
        except OpenAniError as exc:
            call_id = raw.get("call_id")
            return Outcome(str(call_id) if call_id else None, "error", exc)
        return await self._group.submit((company, row))

    def _store_group(self, items: list[tuple[Company, dict[str, Any]]]) -> list[Outcome]:
        """One company's results of a group commit, each outcome in its result's position. Run
        in a worker thread: the event loop never waits for the database (nor, on SQLite, for
        another writer's turn)."""
        stored = dict(self._store_each_alone(items[0][0], list(enumerate(row for _, row in items))))
        return [stored[index] for index in range(len(items))]

    def ingest(
        self,
        company: Company,
        rows: Sequence[Any],
        *,
        strict_types: bool = True,
        lenient: bool = False,
    ) -> list[Outcome]:
        """Store each row once; rows that fail validation are reported and the rest stored.

        ``strict_types`` is off for the seed callback, whose values all arrive as text;
        ``lenient`` (the JSON API) ignores unknown fields and reads unambiguous values (see
        openani.lenient), each row's outcome saying what it did.
        """
        zone = clock.zone(company.time_zone)
        outcomes: list[Outcome | None] = []
        prepared: list[tuple[int, dict[str, Any]]] = []
        warned: dict[int, tuple[str, ...]] = {}
        for index, raw in enumerate(rows):
            call_id = raw.get("call_id") if isinstance(raw, dict) else None
            try:
                if not isinstance(raw, dict):
                    raise ValidationFailed({"result": "must be a JSON object"})
                if lenient:
                    raw, warnings = clean(raw, RESULT_RULES)
                    warned[index] = tuple(warnings)
                prepared.append((index, self._prepare(raw, zone, strict_types)))
                outcomes.append(None)
            except OpenAniError as exc:
                outcomes.append(
                    Outcome(str(call_id) if call_id else None, "error", exc, warned.get(index, ()))
                )
        for start in range(0, len(prepared), SLICE):
            for index, outcome in self._store_each_alone(company, prepared[start : start + SLICE]):
                outcomes[index] = replace(outcome, warnings=warned.get(index, ()))
        return [o for o in outcomes if o is not None]

    @staticmethod
    def _prepare(raw: Mapping[str, Any], zone: tzinfo, strict: bool) -> dict[str, Any]:
        result = validate(DialResultIn, raw, strict=strict)
        ani_cc, ani, _, _ = _phone("ani", result.ani)
        _, prospect, prospect_npa, prospect_state = _phone("prospect_phone", result.prospect_phone)
        call_at = _parse_call_time(result.call_datetime, zone)
        known_area = area_code(prospect_npa) if prospect_npa and ani_cc == "+1" else None
        return {
            "call_id": result.call_id,
            "campaign": result.campaign_id,
            "agent_id": result.agent_id,
            "ani": ani,
            "ani_country_code": ani_cc,
            "dispo": result.dispo,
            "dispo_lookup": result.dispo.casefold(),
            "prospect_phone": prospect,
            "prospect_area_code": prospect_npa,
            "prospect_state": prospect_state or (known_area.state if known_area else None),
            "call_at": call_at,
            "call_day": clock.local_day(call_at, zone),
            "call_type": result.call_type,
            "duration_s": result.duration_s,
            "zip": result.zip,
            "lead_created": result.lead_created,
            "attempts": result.attempts,
            "skill": result.skill,
            "lead_source": result.lead_source,
            "kpis": json.dumps(result.kpis, sort_keys=True),
        }

    def _store_each_alone(
        self, company: Company, prepared: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, Outcome]]:
        """Rows stored together succeed or fail alone: when the database refuses a value of
        one row, which fails the whole transaction, the rows are stored one at a time and only
        that row answers an error. (Validation should refuse such values first; this keeps a
        gap in it from failing the neighbours, a batch's other rows or other dialers' callbacks
        grouped into the same commit.)"""
        try:
            return self._store_retrying(company, prepared)
        except Exception as exc:
            if not is_refused_value(self._db, exc):
                raise
        outcomes: list[tuple[int, Outcome]] = []
        for index, row in prepared:
            try:
                outcomes += self._store_retrying(company, [(index, row)])
            except Exception as exc:
                if not is_refused_value(self._db, exc):
                    raise
                # The exception's class only: its text would carry the row's values.
                log.warning("the database refused a dial result: %s", type(exc).__name__)
                outcomes.append((index, Outcome(row["call_id"], "error", UnstorableValue())))
        return outcomes

    def _store_retrying(
        self, company: Company, prepared: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, Outcome]]:
        """A dialer re-sending a call while the first send is still being stored: on PostgreSQL
        both transactions may insert the call id and the second fails on the unique key. Run
        again, it sees the committed row and answers duplicate or updated, as a retry should."""
        for attempt in range(MAX_STORE_ATTEMPTS):
            try:
                return self._store(company, [(i, dict(row)) for i, row in prepared])
            except Exception as exc:
                if attempt + 1 == MAX_STORE_ATTEMPTS or not is_unique_violation(self._db, exc):
                    raise
        raise AssertionError("unreachable")

    def _store(
        self, company: Company, prepared: list[tuple[int, dict[str, Any]]]
    ) -> list[tuple[int, Outcome]]:
        now = datetime.now(UTC)
        outcomes: list[tuple[int, Outcome]] = []
        with raw_transaction(self._db) as tx:
            store.lock_company(tx, company.id, exclusive=False)
            dispositions = DispositionIndex(store.dispositions(tx, company.id))
            inventory = store.ani_ids(tx, company.id, [row["ani"] for _, row in prepared])
            existing = store.existing_results(
                tx, company.id, [row["call_id"] for _, row in prepared]
            )
            arms = store.prospect_arms(
                tx, company.id, [row["prospect_phone"] for _, row in prepared]
            )
            inserts: dict[str, dict[str, Any]] = {}
            updates: dict[int, dict[str, Any]] = {}
            delta = StatsDelta.empty()
            for index, row in prepared:
                disposition = dispositions.find(row["dispo"])
                classification = dispositions.classify(disposition)
                row["disposition_id"] = disposition.id if disposition else None
                row["ani_id"] = inventory.get((row["ani_country_code"], row["ani"]))
                row["counted_contact"] = classification.contact
                row["counted_success"] = classification.success
                row["counted_category"] = classification.category
                call_id = row["call_id"]
                before = inserts.get(call_id)
                row_id = None
                if before is None and call_id in existing:
                    row_id, before = existing[call_id]
                    before = updates.get(row_id, before)
                # A re-disposition stays in the arm the call was first counted in.
                row["arm"] = (
                    before["arm"] if before is not None else arms.get(row["prospect_phone"])
                )
                if before is None:
                    inserts[call_id] = row
                    delta.add(counted(row))
                    status = "stored"
                elif _same(before, row):
                    status = "duplicate"
                else:
                    delta.replace(counted(before), counted(row))
                    if row_id is None:
                        inserts[call_id] = row
                    else:
                        updates[row_id] = row
                    status = "updated"
                outcomes.append((index, Outcome(call_id, status)))
            if self._events is not None:
                self._events.processed(tx, company.id, _changed(inserts, updates), now)
            store.insert_results(tx, company.id, list(inserts.values()), now)
            store.update_results(tx, list(updates.items()), now)
            daily_stats.apply_stats(tx, company.id, delta.changes())
        return outcomes


def _changed(
    inserts: Mapping[str, dict[str, Any]], updates: Mapping[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    return [{**row, "status": "stored"} for row in inserts.values()] + [
        {**row, "status": "updated"} for row in updates.values()
    ]


def reclassify(tx: RawTransaction, company_id: int, lookups: set[str]) -> int:
    """After dispositions changed: recount the results whose dispo text is one of ``lookups``.

    Returns how many results changed classification.
    """
    store.lock_company(tx, company_id, exclusive=True)
    dispositions = DispositionIndex(store.dispositions(tx, company_id))
    delta = StatsDelta.empty()
    changed: list[tuple[int, dict[str, Any]]] = []
    for row_id, row in store.results_with_dispo_lookups(tx, company_id, lookups):
        disposition = dispositions.find(row["dispo"])
        classification = dispositions.classify(disposition)
        new = {
            **row,
            "disposition_id": disposition.id if disposition else None,
            "counted_contact": classification.contact,
            "counted_success": classification.success,
            "counted_category": classification.category,
        }
        if new != row:
            delta.replace(counted(row), counted(new))
            changed.append((row_id, new))
    store.update_results(tx, changed, datetime.now(UTC))
    daily_stats.apply_stats(tx, company_id, delta.changes())
    return len(changed)


_COMPARED = tuple(
    c for c in store.RESULT_COLUMNS if c not in ("ani_id", "disposition_id", "dispo_lookup")
)


def _same(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    return all(before[c] == after[c] for c in _COMPARED)


def reclassify_after_dispo_change(
    conn: Connection, company_id: int, before: Row[Any] | None, after: Row[Any]
) -> None:
    """Statistics follow a disposition created, renamed, re-flagged or deleted after the fact."""
    lookups = {after.ext_id.casefold(), after.name.casefold()}
    if before is not None:
        lookups |= {before.ext_id.casefold(), before.name.casefold()}
    reclassify(RawTransaction.within(conn), company_id, lookups)
