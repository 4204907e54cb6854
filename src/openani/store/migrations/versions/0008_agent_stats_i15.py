"""Per-agent daily statistics: the results already stored, counted under the agent dimension.

From now on ingestion counts each result with an agent_id under ``agent`` as it arrives; this
counts the results stored before, with the same rules (results/counting.py): a dial each,
contacts and successes as their disposition said when counted, blocked and no-answer by
category, talk seconds, contacts under 10 s, and the last call.

Revision ID: 0008_i15
Revises: 0007_i15
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0008_i15"
down_revision = "0007_i15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        INSERT INTO daily_stats
            (company_id, dimension, key, day, state, assigned, dials, contacts, successes,
             blocked, no_answers, talk_seconds, short_calls, last_dialed_at)
        SELECT company_id, 'agent', agent_id, call_day, NULL, 0, COUNT(*),
            SUM(CASE WHEN counted_contact THEN 1 ELSE 0 END),
            SUM(CASE WHEN counted_contact AND counted_success THEN 1 ELSE 0 END),
            SUM(CASE WHEN counted_category = 'blocked' THEN 1 ELSE 0 END),
            SUM(CASE WHEN counted_category = 'no_answer' THEN 1 ELSE 0 END),
            SUM(COALESCE(duration_s, 0)),
            SUM(CASE WHEN counted_contact AND duration_s IS NOT NULL AND duration_s < 10
                THEN 1 ELSE 0 END),
            MAX(call_at)
        FROM dial_results
        WHERE agent_id IS NOT NULL AND agent_id <> ''
        GROUP BY company_id, agent_id, call_day
        """
    )


def downgrade() -> None:
    op.execute("DELETE FROM daily_stats WHERE dimension = 'agent'")
