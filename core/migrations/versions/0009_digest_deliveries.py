"""digest deliveries: one team digest per (period, recipient), kept queued until sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("team", sa.String(length=64), nullable=True),
        sa.Column("as_of", sa.BigInteger(), nullable=False),
        sa.Column("queued_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempted_at", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_deliveries")),
        sa.UniqueConstraint("period", "recipient_id",
                            name=op.f("uq_digest_deliveries_period_recipient_id")),
    )
    op.create_index(op.f("ix_digest_deliveries_status"), "digest_deliveries", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_digest_deliveries_status"), table_name="digest_deliveries")
    op.drop_table("digest_deliveries")
