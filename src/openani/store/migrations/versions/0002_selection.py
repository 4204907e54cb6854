"""Selection: caps and defaults, pause, live usage counters and the assignment log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.add_column(sa.Column("daily_cap", sa.Integer(), nullable=False, server_default="75"))
        batch.add_column(sa.Column("hourly_cap", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cap_mode", sa.String(8), nullable=False, server_default="soft"))
        batch.add_column(
            sa.Column("nearest_radius_km", sa.Float(), nullable=False, server_default="250")
        )
        batch.add_column(
            sa.Column("inventory_version", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hourly_cap", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cap_mode", sa.String(8), nullable=True))
        batch.add_column(sa.Column("default_assignment_type", sa.String(24), nullable=True))
        batch.add_column(
            sa.Column("sticky_ani", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("anis") as batch:
        batch.add_column(sa.Column("paused_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("hourly_cap", sa.Integer(), nullable=True))

    op.create_table(
        "ani_usage",
        sa.Column("ani_id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("dials_today", sa.Integer(), nullable=False),
        sa.Column("hour", sa.String(13), nullable=False),
        sa.Column("dials_this_hour", sa.Integer(), nullable=False),
        sa.Column("last_assigned_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("ani_id", name="pk_ani_usage"),
        sa.ForeignKeyConstraint(["ani_id"], ["anis.id"], name="fk_ani_usage_ani_id_anis"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_ani_usage_company_id_companies"
        ),
    )
    op.create_index("ix_ani_usage_company_id", "ani_usage", ["company_id"])

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("ani_id", sa.Integer(), nullable=False),
        sa.Column("prospect_phone", sa.String(15), nullable=False),
        sa.Column("prospect_country_code", sa.String(4), nullable=False),
        sa.Column("prospect_zip", sa.String(10), nullable=True),
        sa.Column("requested_assignment_type", sa.String(24), nullable=True),
        sa.Column("assignment_type", sa.String(24), nullable=False),
        sa.Column("match", sa.String(16), nullable=False),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("over_cap", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_assignments_company_id_companies"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name="fk_assignments_campaign_id_campaigns"
        ),
        sa.ForeignKeyConstraint(["ani_id"], ["anis.id"], name="fk_assignments_ani_id_anis"),
    )
    op.create_index(
        "ix_assignments_company_prospect", "assignments", ["company_id", "prospect_phone", "id"]
    )
    op.create_index("ix_assignments_ani_created", "assignments", ["ani_id", "created_at"])


def downgrade() -> None:
    op.drop_table("assignments")
    op.drop_table("ani_usage")
    with op.batch_alter_table("anis") as batch:
        batch.drop_column("hourly_cap")
        batch.drop_column("daily_cap")
        batch.drop_column("paused_until")
    with op.batch_alter_table("campaigns") as batch:
        for column in (
            "sticky_ani",
            "default_assignment_type",
            "cap_mode",
            "hourly_cap",
            "daily_cap",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("companies") as batch:
        for column in (
            "inventory_version",
            "nearest_radius_km",
            "cap_mode",
            "hourly_cap",
            "daily_cap",
        ):
            batch.drop_column(column)
