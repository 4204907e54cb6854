"""Storage of dial results and the daily statistics they feed (fixed SQL; see ``store.raw``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openani.store.raw import RawTransaction

# Columns a result is written with, in the order StoredResult reads them back.
RESULT_COLUMNS = (
    "call_id", "campaign", "agent_id", "ani", "ani_country_code", "ani_id", "dispo",
    "dispo_lookup", "disposition_id", "prospect_phone", "prospect_area_code", "prospect_state",
    "call_at", "call_day", "call_type", "duration_s", "zip", "lead_created", "attempts", "skill",
    "lead_source", "kpis", "counted_contact", "counted_success", "counted_category", "arm",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DispositionRow:
    id: int
    ext_id: str
    name: str
    contact: bool
    success: bool
    category: str | None


def lock_company(tx: RawTransaction, company_id: int, *, exclusive: bool) -> None:
    """Order result ingestion against disposition changes on PostgreSQL.

    Ingestion takes the company row in share mode and disposition changes take it exclusively,
    so a result never misses a disposition created concurrently. SQLite needs nothing: its
    write transactions are serial already.
    """
    if not tx.sqlite:
        mode = "UPDATE" if exclusive else "SHARE"
        tx.execute(
            f"SELECT id FROM companies WHERE id = :company_id FOR {mode}",
            {"company_id": company_id},
        )


def dispositions(tx: RawTransaction, company_id: int) -> list[DispositionRow]:
    rows = tx.fetchall(
        "SELECT id, ext_id, name, contact, success, category FROM dispositions "
        "WHERE company_id = :company_id AND deleted_at IS NULL ORDER BY id",
        {"company_id": company_id},
    )
    return [DispositionRow(r[0], r[1], r[2], bool(r[3]), bool(r[4]), r[5]) for r in rows]


def ani_ids(
    tx: RawTransaction, company_id: int, numbers: Sequence[str]
) -> dict[tuple[str, str], int]:
    """Inventory ids of the given national numbers, keyed by (country code, number)."""
    found: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted(set(numbers))):
        placeholders, params = tx.in_list("n", chunk)
        for ani_id, country_code, number in tx.fetchall(
            f"SELECT id, country_code, number FROM anis WHERE company_id = :company_id "
            f"AND deleted_at IS NULL AND number IN ({placeholders})",
            {"company_id": company_id, **params},
        ):
            found[(country_code, number)] = ani_id
    return found


def existing_results(
    tx: RawTransaction, company_id: int, call_ids: Sequence[str]
) -> dict[str, tuple[int, dict[str, Any]]]:
    """Stored results by call id: (row id, column values), locked until the transaction ends.

    The caller changes these rows by what they held: on PostgreSQL two ingesters reading the
    same row unlocked would both apply the same re-disposition (READ COMMITTED). ``FOR UPDATE``
    makes the second wait and then read the first one's committed row. Rows are locked in call
    id order, the order inserts take their keys, so concurrent batches cannot deadlock. SQLite's
    write transactions are serial already (and it has no ``FOR UPDATE``).
    """
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    columns = ", ".join(RESULT_COLUMNS)
    lock = "" if tx.sqlite else ' ORDER BY call_id COLLATE "C" FOR UPDATE'
    for chunk in _chunks(sorted(set(call_ids))):
        placeholders, params = tx.in_list("c", chunk)
        for row in tx.fetchall(
            f"SELECT id, {columns} FROM dial_results WHERE company_id = :company_id "
            f"AND call_id IN ({placeholders}){lock}",
            {"company_id": company_id, **params},
        ):
            values = dict(zip(RESULT_COLUMNS, row[1:], strict=True))
            found[values["call_id"]] = (row[0], _read(tx, values))
    return found


def prospect_arms(
    tx: RawTransaction, company_id: int, prospect_phones: Iterable[str]
) -> dict[str, str]:
    """The experiment arm of each prospect's latest assignment that has one."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(prospect_phones))):
        placeholders, params = tx.in_list("p", chunk)
        for phone, row_id, arm in tx.fetchall(
            "SELECT prospect_phone, id, arm FROM assignments WHERE company_id = :company_id "
            f"AND prospect_phone IN ({placeholders}) AND arm IS NOT NULL",
            {"company_id": company_id, **params},
        ):
            if phone not in found or row_id > found[phone][0]:
                found[phone] = (row_id, arm)
    return {phone: arm for phone, (_, arm) in found.items()}


def results_with_dispo_lookups(
    tx: RawTransaction, company_id: int, lookups: Iterable[str]
) -> list[tuple[int, dict[str, Any]]]:
    wanted = sorted(set(lookups))
    if not wanted:
        return []
    placeholders, params = tx.in_list("d", wanted)
    columns = ", ".join(RESULT_COLUMNS)
    rows = tx.fetchall(
        f"SELECT id, {columns} FROM dial_results WHERE company_id = :company_id "
        f"AND dispo_lookup IN ({placeholders})",
        {"company_id": company_id, **params},
    )
    return [(row[0], _read(tx, dict(zip(RESULT_COLUMNS, row[1:], strict=True)))) for row in rows]


def _read(tx: RawTransaction, values: dict[str, Any]) -> dict[str, Any]:
    values["call_at"] = tx.read_time(values["call_at"])
    for flag in ("counted_contact", "counted_success"):
        values[flag] = bool(values[flag])
    return values


def insert_results(
    tx: RawTransaction, company_id: int, rows: Sequence[dict[str, Any]], now: datetime
) -> None:
    columns = ", ".join(RESULT_COLUMNS)
    values = ", ".join(f":{c}" for c in RESULT_COLUMNS)
    stamp = tx.time(now)
    tx.executemany(
        f"INSERT INTO dial_results (company_id, {columns}, received_at, updated_at) "
        f"VALUES (:company_id, {values}, :now, :now)",
        # In call id order: two sends of overlapping batches in different orders would otherwise
        # each hold a key the other is inserting, a deadlock on PostgreSQL's unique index; in
        # one order the second waits, then fails on the unique key and is retried as a duplicate.
        (
            {**_bind(tx, row), "company_id": company_id, "now": stamp}
            for row in sorted(rows, key=lambda r: str(r["call_id"]))
        ),
    )


def update_results(
    tx: RawTransaction, rows: Sequence[tuple[int, dict[str, Any]]], now: datetime
) -> None:
    changes = ", ".join(f"{c} = :{c}" for c in RESULT_COLUMNS if c != "call_id")
    stamp = tx.time(now)
    tx.executemany(
        f"UPDATE dial_results SET {changes}, updated_at = :now WHERE id = :row_id",
        # In id order, for the same reason apply_stats sorts: no lock-order deadlocks.
        (
            {**_bind(tx, row), "row_id": row_id, "now": stamp}
            for row_id, row in sorted(rows, key=lambda r: r[0])
        ),
    )


def _bind(tx: RawTransaction, row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "call_at": tx.time(row["call_at"])}


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
