"""Type names for SQLAlchemy's variadic generics, so signatures stay short."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, cast

from sqlalchemy.engine import Connection, CursorResult, Result, Row
from sqlalchemy.sql import Select

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

if TYPE_CHECKING:  # a report process never loads the ORM
    from sqlalchemy.orm import Session

# Where a rule's query runs: a report's Connection, or a job's or the console's Session.
Reader: TypeAlias = "Connection | Session"


def changed_rows(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE, DELETE or INSERT changed (a Session types its results as plain
    Results; a DML statement's is a CursorResult, which counts them)."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount or 0
