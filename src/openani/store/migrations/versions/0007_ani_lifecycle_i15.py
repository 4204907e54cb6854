"""ANI lifecycle: remediation requests and scheduled pauses and activations.

Revision ID: 0007_i15
Revises: 0006_i15
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0007_i15"
down_revision = "0006_i15"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "ani_remediations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ani_id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ani_remediations"),
        _fk("ani_remediations", "company_id", "companies"),
        _fk("ani_remediations", "ani_id", "anis"),
    )
    op.create_index("ix_ani_remediations_ani_id", "ani_remediations", ["ani_id", "requested_at"])
    op.create_index("ix_ani_remediations_company_id", "ani_remediations", ["company_id", "id"])

    op.create_table(
        "ani_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ani_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ani_schedules"),
        _fk("ani_schedules", "company_id", "companies"),
        _fk("ani_schedules", "ani_id", "anis"),
    )
    op.create_index("ix_ani_schedules_due", "ani_schedules", ["applied_at", "cancelled_at", "at"])
    op.create_index("ix_ani_schedules_company_id", "ani_schedules", ["company_id", "id"])


def downgrade() -> None:
    op.drop_table("ani_schedules")
    op.drop_table("ani_remediations")
