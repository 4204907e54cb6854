"""Create, read, list, update and delete for every resource spec, scoped to one company."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row

from openani.errors import Conflict, NotFound, ValidationFailed
from openani.inventory.specs import ListFilter, ResourceSpec
from openani.lifecycle.status import STATUSES
from openani.paging import id_page
from openani.store import audit
from openani.store import resources as store
from openani.store.companies import Company, bump_inventory_version
from openani.store.engine import Database
from openani.store.lifecycle import ani_status_is
from openani.validation import validate

# Run in the writing transaction after a create, update or delete: (conn, company id, row before
# or None, row after). The application wires what other features follow (dispositions: the
# statistics), so that the inventory does not import them.
AfterWrite = Callable[[Connection, int, Row[Any] | None, Row[Any]], None]


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


class ResourceService:
    def __init__(
        self,
        db: Database,
        spec: ResourceSpec,
        on_change: Callable[[int], None] | None = None,
        after_write: AfterWrite | None = None,
    ) -> None:
        self._db = db
        self.spec = spec
        self._after_write = after_write
        # Told the company id after a committed change, so this process's caches drop at once.
        self._on_change = on_change

    def create(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(self.spec.create_model, body)
        key, values = self.spec.create_columns(command)
        with self._db.write() as conn:
            if self.spec.check is not None:
                self.spec.check(conn, company.id, None, values)
            try:
                row = store.create_or_revive(
                    conn, self.spec.table, company.id, key, values, label=self.spec.label(command)
                )
            except Conflict as taken:
                raise Conflict(
                    taken.message, fields={self.spec.key_field: "already exists"}
                ) from None
            self._changed(conn, company, None, row, "create", command.model_dump(mode="json"))
        self._committed(company)
        return self.spec.to_public(row)

    def get(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(self.spec.key_model, key)
        with self._db.read() as conn:
            row = self._one(conn, company, command)
        return self.spec.to_public(row)

    def update(self, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(self.spec.update_model, body)
        with self._db.write() as conn:
            before = self._one(conn, company, command, for_update=True)
            values = self.spec.update_columns(command, before)
            if values and self.spec.check is not None:
                self.spec.check(conn, company.id, before.id, values)
            row = before
            if values:
                row = store.update_row(
                    conn, self.spec.table, before.id, values, label=self.spec.label(command)
                )
                changes = command.model_dump(mode="json", include=command.model_fields_set)
                self._changed(conn, company, before, row, "update", changes)
        self._committed(company)
        return self.spec.to_public(row)

    def set_columns(
        self,
        company: Company,
        key: Mapping[str, Any],
        values: Mapping[str, Any] | Callable[[Connection, Row[Any]], Mapping[str, Any]],
        *,
        action: str,
    ) -> dict[str, Any]:
        """Change columns the wire shape does not expose directly (e.g. an ANI's pause).

        ``values`` may be a function of the locked row before the change, called inside the
        writing transaction (which it may also write to, e.g. a history entry).
        """
        command = validate(self.spec.key_model, key)
        with self._db.write() as conn:
            before = self._one(conn, company, command, for_update=True)
            if callable(values):
                values = values(conn, before)
            row = store.update_row(
                conn, self.spec.table, before.id, values, label=self.spec.label(command)
            )
            self._changed(conn, company, before, row, action, values)
        self._committed(company)
        return self.spec.to_public(row)

    def act_on(
        self,
        company: Company,
        key: Mapping[str, Any],
        act: Callable[[Connection, Row[Any]], Mapping[str, Any]],
        *,
        action: str,
    ) -> dict[str, Any]:
        """Do something about one object without changing its row (record a request, schedule
        a change), in a write transaction holding the row; ``act`` returns what the audit log
        keeps of it."""
        command = validate(self.spec.key_model, key)
        with self._db.write() as conn:
            row = self._one(conn, company, command, for_update=True)
            self._audit(conn, company, row, action, act(conn, row))
        return self.spec.to_public(row)

    def delete(self, company: Company, key: Mapping[str, Any]) -> dict[str, Any]:
        command = validate(self.spec.key_model, key)
        with self._db.write() as conn:
            before = self._one(conn, company, command, for_update=True)
            row = store.soft_delete(conn, self.spec.table, before.id)
            self._changed(conn, company, before, row, "delete", {})
        self._committed(company)
        return self.spec.to_public(row)

    def _changed(
        self,
        conn: Connection,
        company: Company,
        before: Row[Any] | None,
        after: Row[Any],
        action: str,
        changes: Mapping[str, Any],
    ) -> None:
        self._audit(conn, company, after, action, changes)
        if self._after_write is not None:
            self._after_write(conn, company.id, before, after)
        if self.spec.affects_selection:
            bump_inventory_version(conn, company.id)

    def _audit(
        self,
        conn: Connection,
        company: Company,
        row: Row[Any],
        action: str,
        changes: Mapping[str, Any],
    ) -> None:
        audit.record(
            conn,
            company_id=company.id,
            key_id=company.key_id,
            action=action,
            resource=self.spec.singular.lower(),
            identifier=str(self.spec.to_public(row)[self.spec.key_field]),
            changes=changes,
        )

    def _committed(self, company: Company) -> None:
        if self.spec.affects_selection and self._on_change is not None:
            self._on_change(company.id)

    def list(
        self, company: Company, query: Mapping[str, str], *, limit: int, cursor: str | None
    ) -> Page:
        filters = self._filters(query)
        page = id_page(company.id, limit, cursor)
        with self._db.read() as conn:
            rows = store.page(
                conn,
                self.spec.table,
                company.id,
                filters,
                after_id=page.cursor_id,
                limit=page.limit + 1,
            )
        return Page(**page.body(rows, self.spec.to_public))

    def _one(
        self, conn: Connection, company: Company, command: Any, *, for_update: bool = False
    ) -> Row[Any]:
        rows = store.find(
            conn, self.spec.table, company.id, self.spec.key_match(command), for_update=for_update
        )
        if not rows:
            raise NotFound(f"{self.spec.label(command)} not found")
        if len(rows) > 1:
            raise Conflict(
                f"{self.spec.label(command)} exists under several country codes; "
                "give country_code to choose one",
                fields={"country_code": "required: the number exists under several country codes"},
            )
        return rows[0]

    def _filters(self, query: Mapping[str, str]) -> dict[str, Any]:
        filters: dict[str, Any] = {}
        for name, raw in query.items():
            spec_filter = self.spec.filters.get(name)
            if spec_filter is None:
                known = ", ".join(["limit", "cursor", *self.spec.filters])
                raise ValidationFailed({name: f"unknown query parameter (known: {known})"})
            filters[spec_filter.column] = _filter_value(name, spec_filter, raw)
        return filters


def _filter_value(name: str, spec_filter: ListFilter, raw: str) -> Any:
    if spec_filter.kind == "ani_status":
        if raw not in STATUSES:
            raise ValidationFailed({name: f"must be one of {', '.join(STATUSES)}"})
        return ani_status_is(raw)
    if spec_filter.kind == "bool":
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise ValidationFailed({name: "must be true or false"})
    return raw
