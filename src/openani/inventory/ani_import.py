"""Loading many ANIs at once from a CSV file or a JSON list, with a report per row.

Two CSV layouts are read, told apart by the header: openani's own (``country_code, number,
inbound_group_id, is_branded, brand_name, carrier_id``, optionally ``daily_cap, hourly_cap``;
the columns of an export that describe rather than set a number are ignored, so an export can be
loaded back) and VICIdial's CID-group layout (``areacode, outbound_cid, description, active``).

Each row ends as created, updated, unchanged or error (with the field and the reason). A file
that cannot be read as a whole (not UTF-8, no header, unknown columns, too many rows) is refused
before anything is written; rows in error are reported and skipped, the others are written in one
transaction. Loading the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import ValidationError
from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from openani.errors import Conflict, ValidationFailed
from openani.inventory.models import AniCreate
from openani.inventory.specs import ANIS
from openani.lifecycle.changes import AniRef, transition
from openani.lifecycle.status import SYSTEM_ACTOR, effective_status
from openani.store import ani_bulk as store
from openani.store import audit
from openani.store.companies import Company, bump_inventory_version
from openani.store.engine import Database
from openani.validation import field_errors, plain_digits

MAX_ROWS = 100_000
# 100,000 rows of the longest reasonable lines.
MAX_BYTES = 32 * 1024 * 1024

Layout = Literal["openani", "vicidial", "json"]
Outcome = Literal["created", "updated", "unchanged", "error"]

OPENANI_COLUMNS = (
    "country_code",
    "number",
    "inbound_group_id",
    "is_branded",
    "brand_name",
    "carrier_id",
    "daily_cap",
    "hourly_cap",
)
VICIDIAL_COLUMNS = ("areacode", "outbound_cid", "description", "active")
# Written by an export, ignored by an import: they describe a number, they do not set it.
EXPORT_ONLY_COLUMNS = (
    "country",
    "area_code",
    "state",
    "place",
    "time_zone",
    "toll_free",
    "status",
    "paused_until",
    "status_reason",
    "healthy_volume",
    "dials_today",
    "dials_30d",
    "contacts_30d",
    "successes_30d",
    "contact_rate_30d",
    "success_rate_30d",
    "last_dialed",
    "created_at",
)
_OPTIONAL_TEXT = ("brand_name", "carrier_id")
_CAPS = ("daily_cap", "hourly_cap")
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f", ""})
_COMPARED = ("inbound_group_id", "is_branded", "brand_name", "carrier_id", *_CAPS)
INACTIVE_REASON = "inactive in an imported file"
_NO_GROUP = "-"
_GROUP_NEEDED = "is required for a new number (a column, or ?inbound_group_id= for the file)"


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row of the file, turned into the fields of an ANI (not yet validated)."""

    line: int  # line of the file (the header is line 1), or position in a JSON list from 1
    values: dict[str, Any]
    # VICIdial's active column: False pauses the number, True ends a pause; None: not given.
    active: bool | None = None
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RowReport:
    line: int
    outcome: Outcome
    number: str | None
    country_code: str | None
    fields: dict[str, str] | None = None
    warnings: list[str] | None = None

    def public(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "line": self.line,
            "outcome": self.outcome,
            "number": self.number,
            "country_code": self.country_code,
        }
        if self.fields:
            body["fields"] = self.fields
        if self.warnings:
            body["warnings"] = self.warnings
        return body


@dataclass(frozen=True, slots=True)
class Source:
    layout: Layout
    rows: list[SourceRow]


def _header_name(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def _truth(name: str, text: str) -> tuple[bool | None, str | None]:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True, None
    if lowered in _FALSE:
        return False, None
    return None, f"{name}: must be true or false (or yes/no, 1/0), not {text.strip()!r}"


def _cap(text: str) -> tuple[int | None, str | None]:
    stripped = text.strip()
    if stripped == "":
        return None, None
    if not plain_digits(stripped):
        return None, f"must be a whole number, not {stripped!r}"
    return int(stripped), None


def read_csv(data: bytes, *, default_group: str | None = None) -> Source:
    """The rows of a CSV file, or ValidationFailed naming what makes the file unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"body": f"is not UTF-8 text (byte {exc.start})"}) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ValidationFailed({"body": "the file is empty; a header row comes first"})
        columns = [_header_name(cell) for cell in header]
        layout: Layout = "vicidial" if "outbound_cid" in columns else "openani"
        _check_header(columns, layout)
        rows: list[SourceRow] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationFailed({"body": f"more than {MAX_ROWS} rows; split the file"})
            line = reader.line_num
            if len(cells) != len(columns):
                rows.append(
                    SourceRow(
                        line,
                        {},
                        errors={"row": f"has {len(cells)} cells, the header {len(columns)}"},
                    )
                )
                continue
            cell_of = dict(zip(columns, cells, strict=True))
            if layout == "vicidial":
                rows.append(_vicidial_row(line, cell_of, default_group))
            else:
                rows.append(_openani_row(line, cell_of, default_group))
    except csv.Error as exc:
        problem = f"is not valid CSV (line {reader.line_num}): {exc}"
        raise ValidationFailed({"body": problem}) from None
    return Source(layout, rows)


def _check_header(columns: list[str], layout: Layout) -> None:
    known = VICIDIAL_COLUMNS if layout == "vicidial" else (*OPENANI_COLUMNS, *EXPORT_ONLY_COLUMNS)
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise ValidationFailed(
            {name: f"unknown column (known: {', '.join(known)})" for name in unknown}
        )
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise ValidationFailed({name: "column given twice" for name in repeated})
    needed = ("outbound_cid",) if layout == "vicidial" else ("number",)
    missing = [name for name in needed if name not in columns]
    if missing:
        raise ValidationFailed({name: "required column is missing" for name in missing})


def _openani_row(line: int, cells: Mapping[str, str], default_group: str | None) -> SourceRow:
    values: dict[str, Any] = {"country_code": cells.get("country_code", "").strip() or "+1"}
    errors: dict[str, str] = {}
    values["number"] = cells["number"].strip()
    group = cells.get("inbound_group_id", "").strip() or default_group
    if group is not None:
        values["inbound_group_id"] = group
    if "is_branded" in cells:
        branded, error = _truth("is_branded", cells["is_branded"])
        if error:
            errors["is_branded"] = error.split(": ", 1)[1]
        else:
            values["is_branded"] = branded
    for name in _OPTIONAL_TEXT:
        if name in cells:
            values[name] = cells[name].strip() or None
    for name in _CAPS:
        if name in cells:
            cap, error = _cap(cells[name])
            if error:
                errors[name] = error
            else:
                values[name] = cap
    return SourceRow(line, values, errors=errors)


def _vicidial_row(line: int, cells: Mapping[str, str], default_group: str | None) -> SourceRow:
    """VICIdial's CID groups: the number is outbound_cid; areacode says which prospects VICIdial
    showed it to (openani chooses by its own rules, so it is only checked to be an area code)."""
    values: dict[str, Any] = {"country_code": "+1", "number": cells["outbound_cid"].strip()}
    errors: dict[str, str] = {}
    if default_group is not None:
        values["inbound_group_id"] = default_group
    area = cells.get("areacode", "").strip()
    if area and not (area.isdigit() and len(area) == 3):
        errors["areacode"] = f"must be a 3-digit area code, not {area!r}"
    active: bool | None = None
    if cells.get("active", "").strip():
        active, error = _truth("active", cells["active"])
        if error:
            errors["active"] = "must be Y or N"
    return SourceRow(line, values, active=active, errors=errors)


def read_json(data: bytes) -> Source:
    try:
        items = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ValidationFailed({"body": f"is not valid JSON: {exc}"}) from None
    if not isinstance(items, list):
        raise ValidationFailed({"body": "must be a JSON list of ANIs"})
    if len(items) > MAX_ROWS:
        raise ValidationFailed({"body": f"more than {MAX_ROWS} rows; split the list"})
    rows = []
    for position, item in enumerate(items, start=1):
        if isinstance(item, dict):
            rows.append(SourceRow(position, item))
        else:
            rows.append(SourceRow(position, {}, errors={"row": "must be a JSON object"}))
    return Source("json", rows)


@dataclass(slots=True)
class _Plan:
    reports: list[RowReport] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    revivals: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    # (country code, number, active wanted) for VICIdial's active column.
    activity: list[tuple[str, str, bool]] = field(default_factory=list)


class AniImportService:
    def __init__(self, db: Database, on_change: Callable[[int], None] | None = None) -> None:
        self._db = db
        self._on_change = on_change

    def run(
        self,
        company: Company,
        source: Source,
        *,
        dry_run: bool,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Validate every row and, unless ``dry_run``, write the valid ones; the report.
        ``progress(rows done, rows)`` is told every 1,000 rows validated."""
        with self._db.read() if dry_run else self._db.write() as conn:
            existing = store.inventory_by_key(conn, company.id)
            plan = _plan(source, existing, datetime.now(UTC), progress)
            changed = bool(plan.inserts or plan.revivals or plan.updates or plan.activity)
            if not dry_run and changed:
                self._apply(conn, company, plan)
            counts = {
                outcome: sum(1 for r in plan.reports if r.outcome == outcome)
                for outcome in ("created", "updated", "unchanged", "error")
            }
            if not dry_run and changed:
                audit.record(
                    conn,
                    company_id=company.id,
                    key_id=company.key_id,
                    action="import",
                    resource="ani",
                    identifier=None,
                    changes={"layout": source.layout, **counts},
                )
                bump_inventory_version(conn, company.id)
        if not dry_run and changed and self._on_change is not None:
            self._on_change(company.id)
        return {
            "dry_run": dry_run,
            "layout": source.layout,
            "rows": len(source.rows),
            **counts,
            "report": [report.public() for report in plan.reports],
        }

    def _apply(self, conn: Connection, company: Company, plan: _Plan) -> None:
        try:
            with conn.begin_nested():
                store.insert_many(conn, company.id, plan.inserts)
        except IntegrityError as exc:
            raise Conflict(
                "some of these numbers were created by another request at the same time; send "
                "the file again (loading the same file twice changes nothing)"
            ) from exc
        store.update_many(conn, plan.revivals + plan.updates)
        if plan.activity:
            _apply_activity(conn, company, plan.activity)


def _plan(
    source: Source,
    existing: Mapping[tuple[str, str], Row[Any]],
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> _Plan:
    plan = _Plan()
    seen: dict[tuple[str, str], int] = {}
    for done, row in enumerate(source.rows):
        if progress is not None and done % 1000 == 0:
            progress(done, len(source.rows))
        report, key, columns = _validate(row)
        plan.reports.append(report)
        if key is None or columns is None:
            continue
        if key in seen:
            report.outcome = "error"
            report.fields = {"number": f"repeats the number of line {seen[key]}"}
            continue
        seen[key] = row.line
        before = existing.get(key)
        given = set(row.values)
        if before is None or before.deleted_at is not None:
            if "inbound_group_id" not in columns:
                report.outcome = "error"
                report.fields = {"inbound_group_id": _GROUP_NEEDED}
                continue
            report.outcome = "created"
            values = {**columns, "status": "active"}
            if row.active is False:
                values.update(status="paused", status_reason=INACTIVE_REASON, status_changed_at=now)
            if before is None:
                # Every insert of one executemany must name the same columns.
                values.setdefault("status_reason", None)
                values.setdefault("status_changed_at", None)
                plan.inserts.append({**values, "country_code": key[0], "number": key[1]})
            else:
                plan.revivals.append(
                    (
                        before.id,
                        {
                            "status_reason": None,
                            "status_changed_at": None,
                            **values,
                            "paused_until": None,
                            "deleted_at": None,
                            "created_at": now,
                        },
                    )
                )
            continue
        changes = {
            name: columns[name]
            for name in _COMPARED
            if name in given and name in columns and columns[name] != getattr(before, name)
        }
        if changes:
            plan.updates.append((before.id, changes))
        status = effective_status(before.status, before.paused_until, now)
        activity = row.active is not None and (
            (row.active is False and status == "active")
            or (row.active is True and status == "paused")
        )
        if activity:
            plan.activity.append((key[0], key[1], bool(row.active)))
        report.outcome = "updated" if changes or activity else "unchanged"
    return plan


def _validate(
    row: SourceRow,
) -> tuple[RowReport, tuple[str, str] | None, dict[str, Any] | None]:
    number = row.values.get("number")
    report = RowReport(
        row.line,
        "error",
        number if isinstance(number, str) else None,
        row.values.get("country_code") if isinstance(row.values.get("country_code"), str) else None,
    )
    errors = dict(row.errors)
    command: AniCreate | None = None
    # A number that exists may be updated without its group; a new one needs it (see _plan).
    grouped = "inbound_group_id" in row.values
    try:
        command = AniCreate.model_validate(
            row.values if grouped else {**row.values, "inbound_group_id": _NO_GROUP}
        )
    except ValidationError as exc:
        for name, reason in field_errors(exc).items():
            errors.setdefault(name, reason)
    if command is None or errors:
        report.fields = errors
        return report, None, None
    try:
        key, columns = ANIS.create_columns(command)
    except ValidationFailed as exc:
        report.fields = exc.fields
        return report, None, None
    report.number, report.country_code = key["number"], key["country_code"]
    warnings = orjson.loads(columns["warnings"])
    report.warnings = warnings or None
    for name in ("paused_until", "status", "status_reason", "status_changed_at"):
        columns.pop(name, None)
    if not grouped:
        del columns["inbound_group_id"]
    return report, (key["country_code"], key["number"]), columns


def _apply_activity(
    conn: Connection, company: Company, activity: Sequence[tuple[str, str, bool]]
) -> None:
    """VICIdial's active column on numbers that exist: N pauses an active number, Y ends a pause
    (numbers resting or flagged by the burned-number test are left to it)."""
    now = datetime.now(UTC)
    ids = store.ids_by_key(conn, company.id, [(cc, number) for cc, number, _ in activity])
    wanted = {ids[cc, number]: active for cc, number, active in activity}
    rows = store.rows_by_id(conn, company.id, list(wanted))
    changes = []
    for row_id, active in wanted.items():
        row = rows[row_id]
        from_status = effective_status(row.status, row.paused_until, now)
        to_status = "active" if active else "paused"
        reason = "active in an imported file" if active else INACTIVE_REASON
        changes.append(
            (
                row_id,
                transition(
                    conn,
                    company.id,
                    AniRef(row.id, row.number, row.country_code),
                    from_status,
                    to_status,
                    until=None,
                    reason=reason,
                    actor=company.key_id or SYSTEM_ACTOR,
                    at=now,
                ),
            )
        )
    store.update_many(conn, changes)
