"""Webhooks in the commercial SDKs' format: a webhook says which body and headers it gets.

``openani`` (every existing webhook): openani's delivery of events. ``outboundiq``: the
commercial service's ``dial.batch`` delivery, which its SDKs verify and parse.

Revision ID: 0010_i17
Revises: 0009_i15
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_i17"
down_revision = "0009_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(
            sa.Column("format", sa.String(16), nullable=False, server_default="openani")
        )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of a table other tables
    # point at fails with foreign keys on.
    op.execute("ALTER TABLE webhooks DROP COLUMN format")
