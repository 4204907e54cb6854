"""Dial results, disposition categories and the daily statistics they feed.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispositions") as batch:
        batch.add_column(sa.Column("category", sa.String(16), nullable=True))

    op.create_table(
        "dial_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("campaign", sa.String(64), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("ani", sa.String(15), nullable=False),
        sa.Column("ani_country_code", sa.String(4), nullable=False),
        sa.Column("ani_id", sa.Integer(), nullable=True),
        sa.Column("dispo", sa.String(64), nullable=False),
        sa.Column("dispo_lookup", sa.String(64), nullable=False),
        sa.Column("disposition_id", sa.Integer(), nullable=True),
        sa.Column("prospect_phone", sa.String(15), nullable=False),
        sa.Column("prospect_area_code", sa.String(8), nullable=True),
        sa.Column("prospect_state", sa.String(2), nullable=True),
        sa.Column("call_at", UTCDateTime(), nullable=False),
        sa.Column("call_day", sa.String(10), nullable=False),
        sa.Column("call_type", sa.String(32), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("zip", sa.String(16), nullable=True),
        sa.Column("lead_created", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=True),
        sa.Column("skill", sa.String(128), nullable=True),
        sa.Column("lead_source", sa.String(128), nullable=True),
        sa.Column("kpis", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("counted_contact", sa.Boolean(), nullable=False),
        sa.Column("counted_success", sa.Boolean(), nullable=False),
        sa.Column("counted_category", sa.String(16), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dial_results"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_dial_results_company_id_companies"
        ),
        sa.ForeignKeyConstraint(["ani_id"], ["anis.id"], name="fk_dial_results_ani_id_anis"),
        sa.ForeignKeyConstraint(
            ["disposition_id"],
            ["dispositions.id"],
            name="fk_dial_results_disposition_id_dispositions",
        ),
        sa.UniqueConstraint("company_id", "call_id", name="uq_dial_results_company_id_call_id"),
    )
    op.create_index(
        "ix_dial_results_company_dispo_lookup", "dial_results", ["company_id", "dispo_lookup"]
    )
    unmapped = sa.text("disposition_id IS NULL")
    op.create_index(
        "ix_dial_results_unmapped_dispo",
        "dial_results",
        ["company_id", "dispo"],
        sqlite_where=unmapped,
        postgresql_where=unmapped,
    )
    unknown = sa.text("ani_id IS NULL")
    op.create_index(
        "ix_dial_results_unknown_ani",
        "dial_results",
        ["company_id", "ani"],
        sqlite_where=unknown,
        postgresql_where=unknown,
    )

    def counter(name: str) -> sa.Column[int]:
        return sa.Column(name, sa.Integer(), nullable=False, server_default="0")

    op.create_table(
        "daily_stats",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(16), nullable=False),
        sa.Column("key", sa.String(96), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("state", sa.String(2), nullable=True),
        counter("assigned"),
        counter("dials"),
        counter("contacts"),
        counter("successes"),
        counter("blocked"),
        counter("no_answers"),
        counter("talk_seconds"),
        counter("short_calls"),
        sa.Column("last_dialed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("company_id", "dimension", "key", "day", name="pk_daily_stats"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_daily_stats_company_id_companies"
        ),
    )
    op.create_index(
        "ix_daily_stats_company_dimension_day", "daily_stats", ["company_id", "dimension", "day"]
    )


def downgrade() -> None:
    op.drop_table("daily_stats")
    op.drop_table("dial_results")
    with op.batch_alter_table("dispositions") as batch:
        batch.drop_column("category")
