"""change notifications: PostgreSQL tells listening consoles when shared data changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 11:10:00

A statement-level trigger on items, agents, alerts and breach_records calls
pg_notify('support_console_changed', <table name>) once per statement; every console
LISTENs on that channel and refreshes its views. SQLite has no NOTIFY: consoles poll
PRAGMA data_version there, so this migration does nothing on SQLite.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CHANNEL = "support_console_changed"
TABLES = ("items", "agents", "alerts", "breach_records")
FUNCTION = "support_console_notify_changed"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END;
        $$
    """)
    for table in TABLES:
        op.execute(f"""
            CREATE TRIGGER {table}_notify_changed
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_changed ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
