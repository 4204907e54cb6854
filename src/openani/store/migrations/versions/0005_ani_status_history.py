"""Burned-number lifecycle: automation settings, status reason and time, status history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("automation", sa.String(16), nullable=False, server_default="auto")
        )
        batch.add_column(sa.Column("rest_days", sa.Integer(), nullable=False, server_default="7"))
        batch.add_column(
            sa.Column("max_resting_share", sa.Float(), nullable=False, server_default="0.2")
        )
        batch.add_column(
            sa.Column("probation_days", sa.Integer(), nullable=False, server_default="3")
        )
    with op.batch_alter_table("anis") as batch:
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("status_changed_at", UTCDateTime(), nullable=True))

    op.create_table(
        "ani_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ani_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ani_status_history"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_ani_status_history_company_id_companies"
        ),
        sa.ForeignKeyConstraint(["ani_id"], ["anis.id"], name="fk_ani_status_history_ani_id_anis"),
    )
    op.create_index("ix_ani_status_history_company_id", "ani_status_history", ["company_id", "id"])
    op.create_index("ix_ani_status_history_ani_id", "ani_status_history", ["ani_id", "id"])


def downgrade() -> None:
    op.drop_table("ani_status_history")
    with op.batch_alter_table("anis") as batch:
        batch.drop_column("status_changed_at")
        batch.drop_column("status_reason")
    with op.batch_alter_table("companies") as batch:
        for column in ("probation_days", "max_resting_share", "rest_days", "automation"):
            batch.drop_column(column)
