"""Fast batched upserts through the driver, the same SQL on SQLite and PostgreSQL.

On PostgreSQL a batch travels by COPY into a temporary staging table and is merged with one
INSERT ... SELECT ... ON CONFLICT; on SQLite it is an executemany of the INSERT ... ON
CONFLICT. Either way a flushed batch is written (inside the caller's transaction).
"""

from __future__ import annotations

import itertools
from typing import Iterable

from sqlalchemy import Index, Table, func, select
from sqlalchemy.engine import Connection

BATCH = 5_000
COPY_BATCH = 50_000  # PostgreSQL: rows per COPY + merge
_stage_names = itertools.count(1)


class BatchUpsert:
    """Batched INSERT ... ON CONFLICT DO UPDATE through the driver (SQLite and PostgreSQL)."""

    def __init__(self, conn: Connection, table: str, columns: tuple[str, ...],
                 keys: tuple[str, ...]):
        self.copy = conn.dialect.name == "postgresql"
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        names = ", ".join(columns)
        conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        self.sql = (f"INSERT INTO {table} ({names}) "
                    f"VALUES ({', '.join([marker] * len(columns))}) {conflict}")
        if self.copy:
            self.stage = f"_stage_{table}_{next(_stage_names)}"
            self.stage_sql = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage} "
                              f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
            self.copy_sql = f"COPY {self.stage} ({names}) FROM STDIN"
            self.merge_sql = (f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.stage} "
                              f"{conflict}")
        self.limit = COPY_BATCH if self.copy else BATCH
        self.conn = conn
        self.batch: list[tuple] = []
        self.count = 0

    def add(self, row: tuple) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.limit:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            if self.copy:
                self._copy_batch()
            else:
                self.conn.exec_driver_sql(self.sql, self.batch)
            self.count += len(self.batch)
            self.batch = []

    def _copy_batch(self) -> None:
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            cursor.execute(self.stage_sql)
            with cursor.copy(self.copy_sql) as copy:
                write_row = copy.write_row
                for row in self.batch:
                    write_row(row)
            cursor.execute(self.merge_sql)
            cursor.execute(f"TRUNCATE {self.stage}")
        finally:
            cursor.close()


def policy_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "sla_policies", ("kind", "priority", "first_response_minutes",
                       "resolution_minutes"), ("kind", "priority"))


def agent_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "agents", ("id", "name", "email", "role", "active",
                       "last_activity_at", "max_open"), ("id",))


def item_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "items", ("id", "kind", "subject", "priority", "status",
                       "assignee_id", "created_at", "first_response_at", "resolved_at"), ("id",))


# --- very large imports --------------------------------------------------------------------

BULK_MIN_ROWS = 50_000  # below this, keeping the indexes up to date row by row is cheap
SQLITE_BULK_CACHE_KIB = 131_072  # page cache of the import transaction (SQLite), 128 MiB


def is_bulk(conn: Connection, table: Table, incoming_rows: int) -> bool:
    """Worth dropping and re-creating the secondary indexes: many rows, at least a quarter
    of what the table holds already (rebuilding costs about as much as the rows there)."""
    if incoming_rows < BULK_MIN_ROWS:
        return False
    existing = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return incoming_rows * 4 >= existing


def drop_secondary_indexes(conn: Connection, table: Table) -> list[Index]:
    """Drop the table's secondary indexes (the model's own, so that create_indexes puts
    back exactly the same ones). Inside the caller's transaction: a rollback restores them."""
    indexes = sorted(table.indexes, key=lambda index: index.name)
    for index in indexes:
        index.drop(conn)
    return indexes


def create_indexes(conn: Connection, indexes: Iterable[Index]) -> None:
    for index in indexes:
        index.create(conn)


def sqlite_bulk_pragmas(conn: Connection) -> dict[str, object]:
    """A large page cache for the import transaction (the index rebuilds sort in it);
    returns the previous values for restore_pragmas."""
    if conn.dialect.name != "sqlite":
        return {}
    before = {"cache_size": conn.exec_driver_sql("PRAGMA cache_size").scalar()}
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_BULK_CACHE_KIB}")
    return before


def restore_pragmas(conn: Connection, before: dict[str, object]) -> None:
    for name, value in before.items():
        conn.exec_driver_sql(f"PRAGMA {name}={int(value)}")
