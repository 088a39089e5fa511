"""delivery retries and lease state: e-mail backoff, message ids, finished leases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 07:00:00

alerts: email_next_attempt_at (a refused message waits until then), email_refusals (how
many times the server refused it; at the cap the alert is 'failed'), email_message_id
(the Message-ID of the last message that carried it). job_leases: finished_at (set when
the period's run succeeded; a lease left unfinished by a run that died with its database
may be taken over once stale, so that the period is retried).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_next_attempt_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("email_refusals", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("email_message_id", sa.String(length=200), nullable=True))
    with op.batch_alter_table("job_leases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finished_at", sa.BigInteger(), nullable=True))
    # Leases written before this revision belong to finished runs.
    op.execute("UPDATE job_leases SET finished_at = acquired_at")


def downgrade() -> None:
    with op.batch_alter_table("job_leases", schema=None) as batch_op:
        batch_op.drop_column("finished_at")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("email_message_id")
        batch_op.drop_column("email_refusals")
        batch_op.drop_column("email_next_attempt_at")
