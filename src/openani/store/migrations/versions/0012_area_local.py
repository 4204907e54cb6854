"""Daily statistics of the calls placed from a number of the prospect's own area code
(dimension area_local), filled in for the results already counted.

Revision ID: 0012_area_local
Revises: 0011_holdout
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012_area_local"
down_revision = "0011_holdout"
branch_labels = None
depends_on = None

_COUNTERS = (
    "assigned", "dials", "contacts", "successes", "blocked", "no_answers", "talk_seconds",
    "short_calls",
)  # fmt: skip


def upgrade() -> None:
    # ani_area keys read "+1NPAxxxxxxx|NPA": local when both area codes are the same.
    sums = ", ".join(f"SUM({name})" for name in _COUNTERS)
    op.execute(
        f"""
        INSERT INTO daily_stats (company_id, dimension, key, day, {", ".join(_COUNTERS)},
                                 last_dialed_at)
        SELECT company_id, 'area_local', substr(key, 14, 3), day, {sums}, MAX(last_dialed_at)
        FROM daily_stats
        WHERE dimension = 'ani_area' AND key LIKE '+1%' AND length(key) = 16
          AND substr(key, 3, 3) = substr(key, 14, 3)
        GROUP BY company_id, substr(key, 14, 3), day
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM daily_stats WHERE dimension = 'area_local'")
