"""Fast batched upserts through the driver, the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Connection

BATCH = 5_000


class BatchUpsert:
    """Batched INSERT ... ON CONFLICT DO UPDATE through the driver (SQLite and PostgreSQL)."""

    def __init__(self, conn: Connection, table: str, columns: tuple[str, ...],
                 keys: tuple[str, ...]):
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        self.sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
                    f"VALUES ({', '.join([marker] * len(columns))}) "
                    f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}")
        self.conn = conn
        self.batch: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.batch.append(row)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.exec_driver_sql(self.sql, self.batch)
            self.count += len(self.batch)
            self.batch = []


def policy_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "sla_policies", ("kind", "priority", "first_response_minutes",
                       "resolution_minutes"), ("kind", "priority"))


def agent_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "agents", ("id", "name", "email", "role", "active",
                       "last_activity_at", "max_open"), ("id",))


def item_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "items", ("id", "kind", "subject", "priority", "status",
                       "assignee_id", "created_at", "first_response_at", "resolved_at"), ("id",))
