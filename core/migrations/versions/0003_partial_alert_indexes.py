"""partial alert indexes: breach alerts skip the (move, person) and (key, person) guards

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 12:40:00

Breach alerts are by far the most numerous and have neither a reassignment nor a dedupe
key, yet each one paid for an entry in both unique indexes. Those guards become partial
unique indexes (WHERE the column IS NOT NULL): the same guarantee, since NULLs never
conflicted. SQLite cannot drop a UNIQUE constraint in place, so batch mode rebuilds the
table there; PostgreSQL drops the constraints and creates the indexes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("reassignment_id", "dedupe_key")


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for column in COLUMNS:
            name = f"uq_alerts_{column}_recipient_id"
            batch_op.drop_constraint(name, type_="unique")
            where = sa.text(f"{column} IS NOT NULL")
            batch_op.create_index(name, [column, "recipient_id"], unique=True,
                                  sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        for column in COLUMNS:
            name = f"uq_alerts_{column}_recipient_id"
            batch_op.drop_index(name)
            batch_op.create_unique_constraint(name, [column, "recipient_id"])
