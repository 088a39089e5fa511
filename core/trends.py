"""Weekly trends: the window cut into 7-day weeks from its start, the last cut at now."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core.performance import (
    NOTHING_HANDLED,
    ScoreWeights,
    handled_query,
    performance_fields,
    tickets_in_scope,
)
from core.grouping import key_columns, rows_by_key
from core.schema import items
from core.timeutil import US_PER_DAY, local_date
from core.window import Window

WEEK_US = 7 * US_PER_DAY


def week_number(window: Window) -> ColumnElement[int]:
    """Week i covers (start + 7(i-1) days, start + 7i days]: i = (c - start - 1) // week + 1.
    c > start inside the window, so integer division is floor division on both databases."""
    offset = items.c.created_at - literal(window.start_us + 1, BigInteger)
    return (offset // literal(WEEK_US, BigInteger)) + 1


def weeks(window: Window) -> list[dict[str, Any]]:
    """The empty weeks of a window with their local start and end dates."""
    result = []
    for index in range(1, math.ceil(window.days / 7) + 1):
        start = local_date(window.start_us + (index - 1) * WEEK_US, window.tz)
        result.append({"week": index, "week_start": start.isoformat(),
                       "week_end": (start + timedelta(days=7)).isoformat()})
    return result


def trends(db: Connection, window: Window, agent_id: str | None, team: str | None = None,
           by: ColumnElement | None = None, keys: tuple = (None,)) -> dict[Any, Any]:
    """{"trends": weeks}; with `by` (core.grouping), {key: {"trends": weeks}} for keys."""
    week = week_number(window).label("week")
    query = (
        select(*key_columns(by), week, func.count().label("created"),
               func.count(items.c.resolved_at).label("resolved"))
        .where(tickets_in_scope(agent_id, team), window.created_within())
        .group_by(*key_columns(by), week)
    )
    grouped = rows_by_key(db.execute(query), by)
    result = {key: {"trends": _trend_weeks(window, grouped.get(key, ()))} for key in keys}
    return result if by is not None else result[None]


def _trend_weeks(window: Window, rows) -> list[dict[str, Any]]:
    counts = {int(row.week): row for row in rows}
    result = []
    for entry in weeks(window):
        row = counts.get(entry["week"])
        created = int(row.created) if row else 0
        resolved = int(row.resolved) if row else 0
        entry.update(
            tickets_created=created,
            tickets_resolved=resolved,
            resolution_rate=round(100.0 * resolved / created, 1) if created else None,
        )
        result.append(entry)
    return result


def performance_trends(db: Connection, window: Window, agent_id: str | None,
                       weights: ScoreWeights, team: str | None = None,
                       by: ColumnElement | None = None, keys: tuple = (None,)) -> dict[Any, Any]:
    """{"trends": weeks}; with `by` (core.grouping), {key: {"trends": weeks}} for keys."""
    week = week_number(window).label("week")
    grouped = rows_by_key(db.execute(handled_query(window, agent_id, *key_columns(by), week,
                                                   team=team)), by)
    result = {}
    for key in keys:
        rows = {int(row.week): row for row in grouped.get(key, ())}
        entries = weeks(window)
        for entry in entries:
            entry.update(performance_fields(rows.get(entry["week"], NOTHING_HANDLED), weights))
        result[key] = {"trends": entries}
    return result if by is not None else result[None]

