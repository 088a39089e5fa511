"""One aggregate for many scopes: a figure's query grouped by a key column (an agent, a team),
so that a job storing every agent's and every team's figures runs a few grouped statements,
never one query per scope. Without a key the same query gives the one scope's row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.sql import ColumnElement

KEY = "group_key"


def key_columns(by: ColumnElement | None) -> list[ColumnElement]:
    """The key to select and group by (none for a single scope)."""
    return [] if by is None else [by.label(KEY)]


def key_of(row: Any, by: ColumnElement | None) -> Any:
    return None if by is None else getattr(row, KEY)


def rows_by_key(rows: Iterable[Any], by: ColumnElement | None) -> dict[Any, list[Any]]:
    """The rows of a grouped query, by key (a single scope's under None)."""
    result: dict[Any, list[Any]] = {}
    for row in rows:
        result.setdefault(key_of(row, by), []).append(row)
    return result
