"""Installation secrets, with the key that makes list cursors opaque and per company.

Revision ID: 0013_secrets
Revises: 0012_area_local
Create Date: 2026-12-02
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0013_secrets"
down_revision = "0012_area_local"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    op.bulk_insert(table, [{"name": "cursor", "value": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("installation_secrets")
