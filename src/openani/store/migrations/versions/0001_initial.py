"""Companies, API keys, campaigns, dispositions and ANIs.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("guid", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False, server_default="America/New_York"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_companies"),
        sa.UniqueConstraint("guid", name="uq_companies_guid"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_api_keys_company_id_companies"
        ),
        sa.UniqueConstraint("key_id", name="uq_api_keys_key_id"),
    )
    op.create_index("ix_api_keys_company_id", "api_keys", ["company_id"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("inbound_pool_id", sa.String(64), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_campaigns_company_id_companies"
        ),
        sa.UniqueConstraint("company_id", "ext_id", name="uq_campaigns_company_id_ext_id"),
    )
    op.create_table(
        "dispositions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("ext_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("contact", sa.Boolean(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_dispositions"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_dispositions_company_id_companies"
        ),
        sa.UniqueConstraint("company_id", "ext_id", name="uq_dispositions_company_id_ext_id"),
    )
    op.create_table(
        "anis",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(4), nullable=False),
        sa.Column("number", sa.String(15), nullable=False),
        sa.Column("inbound_group_id", sa.String(64), nullable=False),
        sa.Column("is_branded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("brand_name", sa.String(200), nullable=True),
        sa.Column("carrier_id", sa.String(64), nullable=True),
        sa.Column("region", sa.String(2), nullable=True),
        sa.Column("area_code", sa.String(8), nullable=True),
        sa.Column("state", sa.String(2), nullable=True),
        sa.Column("place", sa.String(100), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("toll_free", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("warnings", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("status", sa.String(16), nullable=False, server_default="active"),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_anis"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_anis_company_id_companies"
        ),
        sa.UniqueConstraint(
            "company_id", "country_code", "number", name="uq_anis_company_id_country_code_number"
        ),
    )
    op.create_index("ix_anis_company_number", "anis", ["company_id", "number"])
    op.create_index("ix_anis_company_area_code", "anis", ["company_id", "area_code"])


def downgrade() -> None:
    op.drop_table("anis")
    op.drop_table("dispositions")
    op.drop_table("campaigns")
    op.drop_index("ix_api_keys_company_id", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_table("companies")
