"""teams: an agent's team, an item's own queue, and the item's stored effective team

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 06:40:00

Existing rows have no team: every effective team starts empty, which is right (an item
without a queue whose assignee has no team belongs to no team).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None

ITEM_INDEXES = {
    "ix_items_effective_team_kind_created": ["effective_team", "kind", "created_at", "priority",
                                             "resolved_at", "first_response_at"],
    "ix_items_effective_team_status": ["effective_team", "status", "assignee_id", "kind"],
}


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_agents_team", ["team"], unique=False)
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("effective_team", sa.String(length=64), nullable=True))
        for name, columns in ITEM_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        for name in ITEM_INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("effective_team")
        batch_op.drop_column("team")
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_index("ix_agents_team")
        batch_op.drop_column("team")
