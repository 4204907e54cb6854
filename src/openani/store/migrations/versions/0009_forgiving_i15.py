"""The forgiving dialer contract: unknown campaigns, auto-created campaigns, and disposition
names unique without regard to case.

Existing dispositions whose names differ only in case: results were already matched to the
oldest of them (lowest id) by name, so that one keeps its name and each later one is renamed
``<name> (<its id>)``; matching by name does not change for any stored result, and the operator
sees the renamed ones in the audit log.

Revision ID: 0009_i15
Revises: 0008_i15
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_i15"
down_revision = "0008_i15"
branch_labels = None
depends_on = None

_NAME_MAX = 200


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("unknown_campaign", sa.String(8), nullable=False, server_default="serve")
        )
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(
            sa.Column("auto_created", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("dispositions") as batch:
        batch.add_column(sa.Column("name_key", sa.String(_NAME_MAX), nullable=True))

    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, company_id, ext_id, name, deleted_at FROM dispositions ORDER BY id")
    ).all()
    taken: set[tuple[int, str]] = set()
    now = datetime.now(UTC).replace(tzinfo=None)
    for row_id, company_id, ext_id, name, deleted_at in rows:
        key = name.casefold()
        if deleted_at is None and (company_id, key) in taken:
            renamed = f"{name[: _NAME_MAX - len(ext_id) - 3]} ({ext_id})"
            key = renamed.casefold()
            conn.execute(
                sa.text("UPDATE dispositions SET name = :name WHERE id = :id"),
                {"name": renamed, "id": row_id},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (company_id, key_id, action, resource, identifier, "
                    "changes, at) VALUES (:company_id, NULL, 'rename', 'disposition', :ext_id, "
                    ":changes, :at)"
                ),
                {
                    "company_id": company_id,
                    "ext_id": ext_id,
                    "changes": json.dumps(
                        {"name": renamed, "was": name, "why": "names are unique without case"}
                    ),
                    "at": now,
                },
            )
        if deleted_at is None:
            taken.add((company_id, key))
        conn.execute(
            sa.text("UPDATE dispositions SET name_key = :key WHERE id = :id"),
            {"key": key, "id": row_id},
        )

    # name_key stays nullable in the database: making it NOT NULL would rebuild the table on
    # SQLite, which its foreign keys (results point at dispositions) forbid. Every write sets it.
    op.create_index(
        "uq_dispositions_company_id_name_key",
        "dispositions",
        ["company_id", "name_key"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_dispositions_company_id_name_key", table_name="dispositions")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of tables other tables
    # point at fails with foreign keys on.
    for table, column in (
        ("dispositions", "name_key"),
        ("campaigns", "auto_created"),
        ("companies", "unknown_campaign"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
