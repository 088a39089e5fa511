"""What-if: reports answered for other SLA policies, inside a transaction always rolled back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.engine import Connection

from core.schema import sla_policies

POLICY_KEYS = ("kind", "priority", "first_response_minutes", "resolution_minutes")


def policy_rows(source: str | Path | Sequence[Sequence]) -> list[tuple]:
    """Policies from an sla_policies.csv file (the import's checks), or rows as they are."""
    if isinstance(source, str | Path):
        from core.importer import read_policies  # the importer is heavy: only when needed

        return read_policies(source)
    return [tuple(row) for row in source]


@contextmanager
def policies_swapped(conn: Connection, rows: Sequence[Sequence]) -> Iterator[Connection]:
    """Within the block the stored SLA policies are `rows`; afterwards, whatever happened,
    the swap is rolled back (a savepoint inside the caller's transaction, else a transaction
    of its own), so nothing is ever written."""
    transaction = conn.begin_nested() if conn.in_transaction() else conn.begin()
    try:
        conn.execute(delete(sla_policies))
        if rows:
            conn.execute(insert(sla_policies), [dict(zip(POLICY_KEYS, row, strict=True))
                                                for row in rows])
        yield conn
    finally:
        transaction.rollback()
