"""alerts without foreign keys on recipient and breach: no key check per alert row

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 13:20:00

The first breach check over a big backlog queues one alert per breach for the assignee
and every supervisor: 459,420 rows at a million items. PostgreSQL checks both foreign keys
of every row (about 4 s of 8). The rows are made by joining the agents and breach
records they name, in the same transaction, and neither is deleted while alerts exist,
so the keys guarded nothing the code does not. SQLite rebuilds the table (batch mode).
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KEYS = (("fk_alerts_recipient_id_agents", "recipient_id", "agents"),
        ("fk_alerts_breach_id_breach_records", "breach_id", "breach_records"))


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name, _column, _table in KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for name, column, table in KEYS:
            batch_op.create_foreign_key(name, table, [column], ["id"], ondelete="CASCADE")
