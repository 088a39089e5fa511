"""Fast batched upserts through the driver, the same SQL on SQLite and PostgreSQL.

On PostgreSQL a batch travels by COPY into a temporary staging table and is merged with one
INSERT ... SELECT ... ON CONFLICT; on SQLite it is an executemany of the INSERT ... ON
CONFLICT. Either way a flushed batch is written (inside the caller's transaction).
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import ForeignKeyConstraint, Index, Table, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import AddConstraint, DropConstraint

log = logging.getLogger(__name__)
BATCH = 5_000
COPY_BATCH = 50_000  # PostgreSQL: rows per COPY + merge
_stage_names = itertools.count(1)
Row: TypeAlias = tuple[Any, ...]  # one row's values, in the upsert's column order


class BatchUpsert:
    """Batched INSERT ... ON CONFLICT DO UPDATE through the driver (SQLite and PostgreSQL).

    SQLite: one multi-row INSERT per batch (as many rows as fit in SQLite's bound-parameter
    limit), so that a whole batch is one sqlite3_step. With background=True (a large
    import) the batches are written on a writer thread: sqlite3_step releases the GIL (and
    psycopg waits for the server without it), so the database stores one batch while the
    caller parses the next, on a second core. The connection
    is used by one thread at a time: the caller touches it again only after flush() or
    close(), which wait for the writer."""

    def __init__(self, conn: Connection, table: str, columns: tuple[str, ...],
                 keys: tuple[str, ...], *, background: bool = False, into_empty: bool = False):
        self.copy = conn.dialect.name == "postgresql"
        self.direct = False
        marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        names = ", ".join(columns)
        self.conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        self.head = f"INSERT INTO {table} ({names}) VALUES "
        self.row_marks = f"({', '.join([marker] * len(columns))})"
        self.sql = f"{self.head}{self.row_marks} {self.conflict}"
        self.limit = BATCH
        if self.copy:
            self.stage = f"_stage_{table}_{next(_stage_names)}"
            self.stage_sql = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage} "
                              f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
            self.copy_sql = f"COPY {self.stage} ({names}) FROM STDIN"
            # into_empty: the caller holds the table empty and its rows have unique keys
            # (the importer refuses duplicates), so COPY goes straight into the table. A row
            # someone else committed meanwhile fails the whole COPY: nothing half-written.
            self.direct = into_empty
            if into_empty:
                self.copy_sql = f"COPY {table} ({names}) FROM STDIN"
            self.merge_sql = (f"INSERT INTO {table} ({names}) SELECT {names} FROM {self.stage} "
                              f"{self.conflict}")
            self.limit = COPY_BATCH
        elif conn.dialect.name == "sqlite":
            if into_empty:  # as for COPY above: a plain INSERT, a duplicate key fails it
                self.conflict = ""
            self.limit = max(1, min(SQLITE_MAX_ROWS, _sqlite_max_params(conn) // len(columns)))
        self.multi_sql: dict[int, str] = {}
        self.conn = conn
        self.batch: list[Row] = []
        self.count = 0
        self.background = background
        self._queue: queue.Queue[list[Row] | None] | None = None
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, row: Row) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.limit:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        """Write the pending rows; wait=True (the default): and everything before them."""
        if self.batch:
            batch, self.batch = self.batch, []
            self.count += len(batch)
            if self.background:
                self._start_writer().put(batch)
            else:
                self._write(batch)
        if wait:
            self.close()

    def add_rows(self, rows: list[Row]) -> None:
        """add() for many rows at once (a whole batch handed over on SQLite's writer thread)."""
        for start in range(0, len(rows), self.limit):
            self.batch = rows[start:start + self.limit]
            self.flush(wait=False)

    def write_rows(self, rows: list[Row]) -> None:
        """Write these rows now, in this thread, a statement per batch."""
        for start in range(0, len(rows), self.limit):
            self._write(rows[start:start + self.limit])
        self.count += len(rows)

    def close(self) -> None:
        """Wait for the writer thread (if any) to finish and stop; raise what it raised."""
        if self._writer is not None and self._queue is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = self._queue = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _start_writer(self) -> queue.Queue[list[Row] | None]:
        if self._writer is None or self._queue is None:
            self._queue = queue.Queue(maxsize=2)  # at most two batches waiting: bounded memory
            self._writer = threading.Thread(target=self._drain, args=(self._queue,),
                                            name="bulk-writer", daemon=True)
            self._writer.start()
        return self._queue

    def _drain(self, batches: queue.Queue[list[Row] | None]) -> None:
        while True:
            batch = batches.get()
            if batch is None:
                return
            if self._error is None:
                try:
                    self._write(batch)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller by close()
                    self._error = exc

    def _write(self, batch: list[Row]) -> None:
        if self.copy:
            self._copy_batch(batch)
        elif len(batch) == 1 or self.conn.dialect.name != "sqlite":
            self.conn.exec_driver_sql(self.sql, batch if len(batch) > 1 else batch[0])
        else:
            sql = self.multi_sql.get(len(batch))
            if sql is None:
                sql = f"{self.head}{', '.join([self.row_marks] * len(batch))} {self.conflict}"
                if len(batch) == self.limit:  # the full batch's text is reused every time
                    self.multi_sql[len(batch)] = sql
            raw: Any = self.conn.connection.driver_connection
            raw.execute(sql, list(itertools.chain.from_iterable(batch)))

    def _copy_batch(self, batch: list[Row]) -> None:
        raw: Any = self.conn.connection.driver_connection
        cursor = raw.cursor()
        try:
            if not self.direct:
                cursor.execute(self.stage_sql)
            with cursor.copy(self.copy_sql) as copy:
                write_row = copy.write_row
                for row in batch:
                    write_row(row)
            if not self.direct:
                cursor.execute(self.merge_sql)
                cursor.execute(f"TRUNCATE {self.stage}")
        finally:
            cursor.close()


SQLITE_MAX_ROWS = 4_000  # rows per multi-row INSERT on SQLite


def _sqlite_max_params(conn: Connection) -> int:
    raw: Any = conn.connection.driver_connection
    try:
        import sqlite3

        return min(32_766, int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))
    except (AttributeError, ImportError):  # Python < 3.11: SQLite's historical default
        return 999


def policy_upsert(conn: Connection) -> BatchUpsert:
    return BatchUpsert(conn, "sla_policies", ("kind", "priority", "first_response_minutes",
                       "resolution_minutes", "calendar_id"), ("kind", "priority"))


def agent_upsert(conn: Connection, *, team: tuple[str, ...] = ()) -> BatchUpsert:
    """Rows (id, name, email, role, active, last_activity_at, max_open, *team): team is
    ("team",) to write it; without, an existing agent keeps theirs."""
    return BatchUpsert(conn, "agents", ("id", "name", "email", "role", "active",
                       "last_activity_at", "max_open", *team), ("id",))


def item_upsert(conn: Connection, *, background: bool = False, into_empty: bool = False,
                team: tuple[str, ...] = (), due: tuple[str, ...] = ()) -> BatchUpsert:
    """Rows (id, kind, subject, priority, status, assignee_id, created_at, first_response_at,
    resolved_at, *team, *due): team is (), ("effective_team",) or ("team", "effective_team");
    due the stored due instants' columns when the rows carry them; a column left out keeps
    an existing item's value (see core.teams)."""
    return BatchUpsert(conn, "items", ("id", "kind", "subject", "priority", "status",
                       "assignee_id", "created_at", "first_response_at", "resolved_at", *team,
                       *due), ("id",), background=background, into_empty=into_empty)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a bulk load: the load makes millions of tuples
    (none of them in a cycle), and the collector would scan the ever larger heap again
    and again (measured: 5 s of a 38 s import of a million items). Process-wide, for the
    load's duration only; what it would have collected meanwhile, it collects after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- very large imports --------------------------------------------------------------------

BULK_MIN_ROWS = 50_000  # below this, keeping the indexes up to date row by row is cheap


def bulk_mode(conn: Connection, table: Table, incoming_rows: int) -> tuple[bool, bool]:
    """(bulk, empty). bulk: worth dropping and re-creating the secondary indexes (many rows,
    at least a quarter of what the table holds: rebuilding costs about as much as the rows
    there). empty: the table holds no row (PostgreSQL then COPYs straight into it; the
    table is locked against other writers until the import commits)."""
    if incoming_rows < BULK_MIN_ROWS:
        return False, False
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE")
    existing = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return incoming_rows * 4 >= existing, existing == 0


def drop_secondary_indexes(conn: Connection, table: Table) -> list[Index]:
    """Drop the table's secondary indexes (the model's own, so that create_indexes puts
    back exactly the same ones). Inside the caller's transaction: a rollback restores them."""
    indexes = sorted(table.indexes, key=lambda index: str(index.name))
    for index in indexes:
        index.drop(conn)
    return indexes


def create_indexes(conn: Connection, indexes: Iterable[Index]) -> None:
    indexes = list(indexes)
    if indexes and conn.dialect.name == "sqlite":
        # SQLite sorts for an index on helper threads when allowed (measured at a million
        # items: 8.0 s with none, 6.5 s with 2, 6.2 s with 4 on two cores).
        conn.exec_driver_sql(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
    for index in indexes:
        index.create(conn)


def drop_foreign_keys(conn: Connection, table: Table) -> list[ForeignKeyConstraint]:
    """PostgreSQL: drop the table's foreign keys for a bulk load (a trigger checks each
    row's reference on its own: at a million items 11 s for the 1.6 million status changes,
    3 s without); create_foreign_keys puts them back and checks every row in one join.
    SQLite: none (its checks are off for the import's transaction, see core.db).
    Inside the caller's transaction: a rollback restores them."""
    if conn.dialect.name != "postgresql":
        return []
    keys = sorted(table.foreign_key_constraints, key=lambda key: str(key.name))
    for key in keys:
        conn.execute(DropConstraint(key))
    return keys


def create_foreign_keys(conn: Connection, keys: Iterable[ForeignKeyConstraint]) -> None:
    for key in keys:
        conn.execute(AddConstraint(key))


SMALLEST_ITEM_ROW_BYTES = 60  # id, kind, priority, status and one time: a lower bound


def estimated_rows(path: Path) -> int:
    """At most this many rows in the file (from its size): enough to tell a bulk import."""
    try:
        return path.stat().st_size // SMALLEST_ITEM_ROW_BYTES
    except OSError:
        return 0


def vacuum_analyze(engine: Engine, *tables: str) -> None:
    """After a bulk load on PostgreSQL, at once rather than whenever autovacuum comes: fresh
    planner statistics, and the visibility map that lets the reports' index-only scans skip
    the table (measured: the comparison report takes 1.4 s before, 0.85 s after, at a million
    items; the VACUUM takes about half a second). The import is committed already: if this
    is not allowed (not the table's owner), autovacuum does it later."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(tables)}")
    except SQLAlchemyError as exc:
        log.warning("VACUUM (ANALYZE) %s after the import failed: %s", tables, exc)
