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


def trends(db: Connection, window: Window, agent_id: str | None,
           team: str | None = None) -> dict[str, Any]:
    week = week_number(window).label("week")
    query = (
        select(week, func.count().label("created"), func.count(items.c.resolved_at).label("resolved"))
        .where(tickets_in_scope(agent_id, team), window.created_within())
        .group_by(week)
    )
    return {"trends": trend_weeks(window, {int(row.week): (int(row.created), int(row.resolved))
                                           for row in db.execute(query)})}


def trend_weeks(window: Window, counts: dict[int, tuple[int, int]]) -> list[dict[str, Any]]:
    """The weeks of the window with (created, resolved) tickets per week number."""
    result = []
    for entry in weeks(window):
        created, resolved = counts.get(entry["week"], (0, 0))
        entry.update(
            tickets_created=created,
            tickets_resolved=resolved,
            resolution_rate=round(100.0 * resolved / created, 1) if created else None,
        )
        result.append(entry)
    return result


def performance_trends(db: Connection, window: Window, agent_id: str | None,
                       weights: ScoreWeights, team: str | None = None) -> dict[str, Any]:
    week = week_number(window).label("week")
    rows = {int(row.week): row
            for row in db.execute(handled_query(window, agent_id, week, team=team))}
    return {"trends": performance_weeks(window, rows, weights)}


def performance_weeks(window: Window, rows: dict[int, Any],
                      weights: ScoreWeights) -> list[dict[str, Any]]:
    """The weeks of the window with the performance fields of each week's aggregate row."""
    result = []
    for entry in weeks(window):
        entry.update(performance_fields(rows.get(entry["week"], NOTHING_HANDLED), weights))
        result.append(entry)
    return result

