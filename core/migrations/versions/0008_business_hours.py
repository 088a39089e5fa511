"""business hours: calendars, holidays, a calendar per SLA policy, status history, stored due instants

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 07:00:00

Existing rows need no backfill: a NULL stored due instant means the plain rule
(created_at + minutes), which is what every item had before calendars and pauses existed.
The covering index of the reports gains the two due columns so that the comparison and
the SLA figures still read only the index.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DUE_COLUMNS = ("response_due_at", "resolution_due_at", "response_warn_at", "resolution_warn_at")
# The covering report indexes (as migration 0007 left them) gain the two due columns.
REPORT_INDEXES = {
    "ix_items_kind_assignee_created": ["kind", "assignee_id", "created_at", "priority",
                                       "resolved_at", "first_response_at", "effective_team"],
    "ix_items_kind_team_created": ["kind", "effective_team", "created_at", "priority",
                                   "resolved_at", "first_response_at"],
}


def upgrade() -> None:
    op.create_table(
        "calendars",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        *(sa.Column(day, sa.String(length=200), nullable=False) for day in WEEKDAYS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendars")),
    )
    op.create_table(
        "holidays",
        sa.Column("calendar_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["calendar_id"], ["calendars.id"], ondelete="CASCADE",
                                name=op.f("fk_holidays_calendar_id_calendars")),
        sa.PrimaryKeyConstraint("calendar_id", "day", name=op.f("pk_holidays")),
    )
    op.create_table(
        "status_changes",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE",
                                name=op.f("fk_status_changes_item_id_items")),
        sa.PrimaryKeyConstraint("item_id", "changed_at", name=op.f("pk_status_changes")),
    )
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(op.f("fk_sla_policies_calendar_id_calendars"),
                                    "calendars", ["calendar_id"], ["id"])
    with op.batch_alter_table("items", schema=None) as batch_op:
        for column in DUE_COLUMNS:
            batch_op.add_column(sa.Column(column, sa.BigInteger(), nullable=True))
        for name, columns in REPORT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns + ["response_due_at", "resolution_due_at"])


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        for name, columns in REPORT_INDEXES.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns)
        for column in DUE_COLUMNS:
            batch_op.drop_column(column)
    with op.batch_alter_table("sla_policies", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_sla_policies_calendar_id_calendars"),
                                 type_="foreignkey")
        batch_op.drop_column("calendar_id")
    op.drop_table("status_changes")
    op.drop_table("holidays")
    op.drop_table("calendars")
