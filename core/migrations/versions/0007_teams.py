"""teams: an agent's team, an item's own queue, the item's stored effective team, and
daily metrics per team and for everyone

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 06:40:00

Existing rows have no team: every effective team starts empty, which is right (an item
without a queue whose assignee has no team belongs to no team).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# (name, columns before, columns now): effective_team ends the assignee indexes, so that
# one statement grouped by agent and team reads them in order; one new index for one team.
ITEM_INDEXES = (
    ("ix_items_kind_assignee_created",
     ["kind", "assignee_id", "created_at", "priority", "resolved_at", "first_response_at"],
     ["kind", "assignee_id", "created_at", "priority", "resolved_at", "first_response_at",
      "effective_team"]),
    ("ix_items_assignee_created", ["assignee_id", "created_at"],
     ["assignee_id", "created_at", "effective_team"]),
    ("ix_items_status_assignee", ["status", "assignee_id", "kind"],
     ["status", "assignee_id", "kind", "effective_team"]),
    ("ix_items_kind_team_created", None,
     ["kind", "effective_team", "created_at", "priority", "resolved_at", "first_response_at"]),
)


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_agents_team", ["team"], unique=False)
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("effective_team", sa.String(length=64), nullable=True))
        for name, before, now in ITEM_INDEXES:
            if before is not None:
                batch_op.drop_index(name)
            batch_op.create_index(name, now, unique=False)
    op.create_table(
        "daily_team_metrics",
        sa.Column("scope", sa.String(length=80), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("tickets_handled", sa.Integer(), nullable=False),
        sa.Column("tickets_resolved", sa.Integer(), nullable=False),
        sa.Column("resolution_rate_percent", sa.Double(), nullable=True),
        sa.Column("avg_resolution_time_hours", sa.Double(), nullable=True),
        sa.Column("avg_response_time_hours", sa.Double(), nullable=True),
        sa.Column("sla_compliance_rate_percent", sa.Double(), nullable=True),
        sa.Column("performance_score", sa.Double(), nullable=True),
        sa.Column("computed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "day", name=op.f("pk_daily_team_metrics")),
    )


def downgrade() -> None:
    op.drop_table("daily_team_metrics")
    with op.batch_alter_table("items", schema=None) as batch_op:
        for name, before, _now in ITEM_INDEXES:
            batch_op.drop_index(name)
            if before is not None:
                batch_op.create_index(name, before, unique=False)
        batch_op.drop_column("effective_team")
        batch_op.drop_column("team")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index("ix_agents_team")
        batch_op.drop_column("team")
