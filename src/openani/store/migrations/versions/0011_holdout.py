"""The default strategy's built-in holdout (a company share, and the arm of each call), and
burned numbers flagged rather than rested for new companies.

Revision ID: 0011_holdout
Revises: 0010_i17
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_holdout"
down_revision = "0010_i17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # New companies flag burned numbers instead of resting them (store/companies.py says why);
    # existing companies keep what they have. SQLite would need a table rebuild to change a
    # default, so there the value is written explicitly when a company is created.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE companies ALTER COLUMN automation SET DEFAULT 'recommend'")
    with op.batch_alter_table("companies") as batch:
        batch.add_column(
            sa.Column("holdout_share", sa.Float(), nullable=False, server_default="0.05")
        )
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("arm", sa.String(8), nullable=True))
    with op.batch_alter_table("dial_results") as batch:
        batch.add_column(sa.Column("arm", sa.String(8), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch rebuild of a table that other
    # tables point at fails with foreign keys on.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE companies ALTER COLUMN automation SET DEFAULT 'auto'")
    for table, column in (
        ("dial_results", "arm"),
        ("assignments", "arm"),
        ("companies", "holdout_share"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
