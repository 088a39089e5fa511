"""Dashboards and daily metrics stored per agent, per team and for everyone, from grouped
statements that give exactly what each scope's own dashboard gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from core.dashboard import build_dashboard, read_dashboard_snapshot
from core.demo import load_demo
from core.models import DailyMetric, DailyTeamMetric
from core.team import role_agents
from core.teams import teams
from core.timeutil import to_us, zone
from core.window import Window
from jobs.calculate_support_performance_metrics import (
    day_figures,
    previous_local_day,
    run_calculate_support_performance_metrics,
)
from jobs.refresh_support_dashboards import run_refresh_support_dashboards
from tests.jobs_helpers import settings

NOW = to_us(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))


def count_statements(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: seen.append(statement))
    return seen


def test_stored_dashboards_equal_each_scopes_own(engine):
    load_demo(engine, agents=40, items=1500, now_us=NOW)
    statements = count_statements(engine)
    counts = run_refresh_support_dashboards(engine, NOW, settings())
    job_statements = len(statements)
    window = Window(NOW, 30, zone("UTC"))
    with Session(engine) as session:
        agent_ids = [agent.id for agent in role_agents(session)]
        team_names = teams(session)
        assert len(team_names) == 3 and counts["dashboards"] == 1 + len(agent_ids) + 3
        for agent_id in agent_ids:
            stored = read_dashboard_snapshot(session, agent_id)["payload"]
            own = build_dashboard(session, window, settings(), agent_id)
            assert stored == json.loads(json.dumps(own)), agent_id
        for team in team_names:
            stored = read_dashboard_snapshot(session, None, team)["payload"]
            own = build_dashboard(session, window, settings(), None, team)
            assert stored == json.loads(json.dumps(own)), team
            assert stored["team"] == team and stored["workload"]["agents"]
        everyone = read_dashboard_snapshot(session, None)["payload"]
        assert "team" not in everyone
        assert everyone == json.loads(json.dumps(build_dashboard(session, window, settings())))
    # A few grouped statements, not queries per agent (40 agents here).
    assert job_statements < 40, statements[:job_statements]


def test_daily_metrics_per_agent_team_and_everyone(engine):
    load_demo(engine, agents=40, items=1500, now_us=NOW)
    counts = run_calculate_support_performance_metrics(engine, NOW, settings())
    assert counts["teams"] == 3
    day, start, end = previous_local_day(NOW, settings())
    with Session(engine) as session:
        everyone = day_figures(session, NOW, start, end, settings())[("all", None)]
        rows = {row.scope: row for row in session.scalars(
            select(DailyTeamMetric).where(DailyTeamMetric.day == day))}
        assert set(rows) == {"team", "team:billing", "team:logistics", "team:accounts"}
        assert rows["team"].tickets_handled == everyone["tickets_handled"] > 0
        # Every ticket of the day is in exactly one team (demo items all have one).
        assert sum(rows[f"team:{t}"].tickets_handled for t in teams(session)) == \
            everyone["tickets_handled"]
        assert session.scalar(select(func.count()).select_from(DailyMetric)) == 40
    run_calculate_support_performance_metrics(engine, NOW, settings())  # a rerun replaces
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(DailyTeamMetric)) == 4
