"""sign-in failures: repeated failed sign-ins lock an id, for every console

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:40:00

One row per id as typed (known or not): the consecutive failures, the last one, and the
instant until which the id is locked. In the database rather than in each console, so
that a second console (or a restart) does not give a guesser a fresh set of attempts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("login_id", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.BigInteger(), nullable=False),
        sa.Column("locked_until", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("login_id", name=op.f("pk_sign_in_failures")),
    )


def downgrade() -> None:
    op.drop_table("sign_in_failures")
