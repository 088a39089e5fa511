"""calculate-support-performance-metrics: each agent's, each team's and everyone's figures for
the previous local day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.alerts import dialect_insert
from core.dashboard import dashboard_scope
from core.dashboard_rollup import day_cells
from core.models import DailyMetric, DailyTeamMetric
from core.performance import NOTHING_HANDLED, ScoreWeights, performance_fields
from core.settings import Settings
from core.team import role_agents
from core.teams import teams
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
                settings: Settings) -> dict[tuple[str, str | None], dict[str, Any]]:
    """The performance fields over the tickets created in [start, end), evaluated at now
    (the same rules as the performance report), of every scope that handled a ticket:
    ("agent", id), ("team", name) and ("all", None)."""
    weights = ScoreWeights.from_settings(settings)
    return {scope: performance_fields(cell, weights)
            for scope, cell in day_cells(session, now_us, start_us, end_us).items()}


def _stored(fields: dict[str, Any], now_us: int) -> dict[str, Any]:
    return {**{name: fields[name] for name in METRIC_FIELDS}, "computed_at": now_us}


def run_calculate_support_performance_metrics(engine: Engine, now_us: int,
                                              settings: Settings) -> dict[str, Any]:
    """Per agent, per team and for everyone, from one grouped statement; a rerun for the
    same day replaces the rows, never duplicates them."""
    day, start_us, end_us = previous_local_day(now_us, settings)
    nothing = performance_fields(NOTHING_HANDLED, ScoreWeights.from_settings(settings))
    with job_transaction(engine, NAME) as session:
        figures = day_figures(session, now_us, start_us, end_us, settings)
        agent_rows = [{"agent_id": agent.id, "day": day,
                       **_stored(figures.get(("agent", agent.id), nothing), now_us)}
                      for agent in role_agents(session)]
        scope_rows = [{"scope": dashboard_scope(None), "day": day,
                       **_stored(figures.get(("all", None), nothing), now_us)}]
        scope_rows += [{"scope": dashboard_scope(None, team), "day": day,
                        **_stored(figures.get(("team", team), nothing), now_us)}
                       for team in teams(session)]
        for model, keys, rows in ((DailyMetric, ["agent_id", "day"], agent_rows),
                                  (DailyTeamMetric, ["scope", "day"], scope_rows)):
            if rows:
                statement = dialect_insert(session, model)
                session.execute(statement.on_conflict_do_update(
                    index_elements=keys, set_={name: statement.excluded[name]
                                               for name in (*METRIC_FIELDS, "computed_at")}),
                    rows)
    counts: dict[str, Any] = {"agents": len(agent_rows), "day": day}
    if len(scope_rows) > 1:
        counts["teams"] = len(scope_rows) - 1
    return counts
