"""Audit log of changes made through the API.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from openani.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("resource", sa.String(16), nullable=False),
        sa.Column("identifier", sa.String(64), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name="fk_audit_log_company_id_companies"
        ),
    )
    op.create_index("ix_audit_log_company_id", "audit_log", ["company_id", "id"])


def downgrade() -> None:
    op.drop_table("audit_log")
