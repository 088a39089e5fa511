"""The team digest's content: the week's figures beside the week before, breaches, agents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import BigInteger, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core.performance import PERFORMANCE_FIELDS, tickets_in_scope
from core.reports import run_report
from core.schema import items
from core.settings import Settings
from core.timeutil import US_PER_DAY, iso_utc, local_date
from core.window import Window

DIGEST_DAYS = 7
TOP_BREACHES = 5
SLA_FIELDS = ("total_sla_tasks", "breached_count", "resolved_on_time",
              "compliance_rate_percent", "breach_rate_percent")
COMPARISON_HEADER = ("agent_id", "agent_name", *PERFORMANCE_FIELDS, "performance_score")


def change(this: Any, before: Any) -> float | int | None:
    """this - before, to the precision of the figures (null when either is null)."""
    if this is None or before is None:
        return None
    if isinstance(this, int) and isinstance(before, int):
        return this - before
    return round(float(this) - float(before), 2)


def _day_index(column: ColumnElement[int], window: Window) -> ColumnElement[int]:
    """Day i (from 0) of the window covers (start + i days, start + (i+1) days]."""
    return (column - literal(window.start_us + 1, BigInteger)) // literal(US_PER_DAY, BigInteger)


def daily_tickets(db: Connection, window: Window, team: str | None = None) -> list[dict[str, Any]]:
    """Tickets created, and tickets resolved, in each day of the window (local start dates)."""
    counts: dict[str, dict[int, int]] = {}
    for name, column in (("created", items.c.created_at), ("resolved", items.c.resolved_at)):
        day = _day_index(column, window).label("day")
        query = (select(day, func.count().label("n"))
                 .where(tickets_in_scope(None, team), column > window.start_us,
                        column <= window.now_us)
                 .group_by(day))
        counts[name] = {int(row.day): int(row.n) for row in db.execute(query)}
    first = local_date(window.start_us, window.tz)
    return [{"day": (first + timedelta(days=index)).isoformat(),
             "created": counts["created"].get(index, 0),
             "resolved": counts["resolved"].get(index, 0)}
            for index in range(window.days)]


def digest_content(db: Connection, window: Window, settings: Settings,
                   team: str | None = None) -> dict[str, Any]:
    """Everything one digest says, for the 7 days up to window.now (window.days is ignored).
    `team`: the team's figures (as `--team` gives them); None: everyone's."""
    this_week = Window(window.now_us, DIGEST_DAYS, window.tz)
    week_before = Window(window.now_us - DIGEST_DAYS * US_PER_DAY, DIGEST_DAYS, window.tz)
    def figures(name: str, week: Window) -> dict[str, Any]:
        return run_report(db, name, week, settings=settings, team=team)

    sections = {}
    for name, fields in (("performance", (*PERFORMANCE_FIELDS, "performance_score")),
                         ("sla", SLA_FIELDS)):
        now_figures, before_figures = figures(name, this_week), figures(name, week_before)
        sections[name] = [{"field": field, "this_week": now_figures[field],
                           "previous_week": before_figures[field],
                           "change": change(now_figures[field], before_figures[field])}
                          for field in fields]
    breach_list = figures("breaches", this_week)
    agents = figures("comparison", this_week)["agents"]
    return {
        "as_of": iso_utc(window.now_us),
        "team": team,
        "period_start": iso_utc(this_week.start_us),
        "previous_start": iso_utc(week_before.start_us),
        "performance": sections["performance"],
        "sla": sections["sla"],
        "breaches": breach_list["breaches"][:TOP_BREACHES],
        "breach_count": breach_list["count"],
        "agents": agents,
        "agents_header": list(agents[0]) if agents else list(COMPARISON_HEADER),
        "daily": daily_tickets(db, this_week, team),
    }
