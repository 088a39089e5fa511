"""calculate-support-performance-metrics: each agent's figures for the previous local day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core import sla
from core.alerts import dialect_insert
from core.models import DailyMetric, Item
from core.performance import (
    NOTHING_HANDLED,
    ScoreWeights,
    performance_aggregates,
    performance_fields,
    tickets_in_scope,
)
from core.settings import Settings
from core.team import role_agents
from core.timeutil import local_date, local_midnight_us, zone
from jobs.exclusive import job_transaction

NAME = "calculate-support-performance-metrics"
METRIC_FIELDS = ("tickets_handled", "tickets_resolved", "resolution_rate_percent",
                 "avg_resolution_time_hours", "avg_response_time_hours",
                 "sla_compliance_rate_percent", "performance_score")


def previous_local_day(now_us: int, settings: Settings) -> tuple[str, int, int]:
    """The day before today in settings.timezone: (YYYY-MM-DD, start, end), [start, end)."""
    tz = zone(settings.timezone)
    day = local_date(now_us, tz) - timedelta(days=1)
    return day.isoformat(), local_midnight_us(day, tz), local_midnight_us(
        day + timedelta(days=1), tz)


def day_figures(session: Session, now_us: int, start_us: int, end_us: int,
                settings: Settings) -> dict[str, dict[str, Any]]:
    """The performance fields of every role-agent over the tickets created in [start, end),
    evaluated at now (the same rules as the performance report)."""
    query = sla.with_policy(
        select(Item.assignee_id, *performance_aggregates(now_us)).select_from(Item)
    ).where(tickets_in_scope(None), Item.assignee_id.is_not(None),
            Item.created_at >= start_us, Item.created_at < end_us).group_by(Item.assignee_id)
    rows = {row.assignee_id: row for row in session.execute(query)}
    weights = ScoreWeights.from_settings(settings)
    return {agent.id: performance_fields(rows.get(agent.id, NOTHING_HANDLED), weights)
            for agent in role_agents(session)}


def run_calculate_support_performance_metrics(engine: Engine, now_us: int,
                                              settings: Settings) -> dict[str, Any]:
    day, start_us, end_us = previous_local_day(now_us, settings)
    with job_transaction(engine, NAME) as session:
        figures = day_figures(session, now_us, start_us, end_us, settings)
        for agent_id, fields in figures.items():
            values = {name: fields[name] for name in METRIC_FIELDS}
            values["computed_at"] = now_us
            statement = dialect_insert(session, DailyMetric).values(
                agent_id=agent_id, day=day, **values)
            # A rerun for the same day replaces the row: never a duplicate.
            session.execute(statement.on_conflict_do_update(
                index_elements=["agent_id", "day"], set_=values))
    return {"agents": len(figures), "day": day}
