"""refresh-support-dashboards: store the team's and each agent's dashboard, so a console opens fast."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select

from core.alerts import dialect_insert
from core.dashboard import TEAM_SCOPE, build_dashboard, dashboard_scope
from core.db import read_scope
from core.models import DashboardSnapshot
from core.settings import Settings
from core.team import role_agents
from core.timeutil import zone
from core.window import Window
from jobs.exclusive import job_transaction

NAME = "refresh-support-dashboards"
DASHBOARD_DAYS = 30


def run_refresh_support_dashboards(engine: Engine, now_us: int,
                                   settings: Settings) -> dict[str, int]:
    window = Window(now_us, DASHBOARD_DAYS, zone(settings.timezone))
    # Computed outside the write transaction: reading is the slow part, and it must not
    # hold SQLite's write lock; the upsert below is idempotent.
    with read_scope(engine) as conn:
        payloads = {TEAM_SCOPE: build_dashboard(conn, window, settings, None)}
        for agent in role_agents(conn):
            payloads[dashboard_scope(agent.id)] = build_dashboard(conn, window, settings, agent.id)
    with job_transaction(engine, NAME) as session:
        for scope, payload in payloads.items():
            text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
            statement = dialect_insert(session, DashboardSnapshot).values(
                scope=scope, computed_at=now_us, payload=text)
            session.execute(statement.on_conflict_do_update(
                index_elements=["scope"], set_={"computed_at": now_us, "payload": text}))
        known = set(payloads)
        stale = [scope for scope in session.scalars(select(DashboardSnapshot.scope))
                 if scope not in known]
        for scope in stale:  # agents who left the team
            session.delete(session.get(DashboardSnapshot, scope))
    return {"dashboards": len(payloads), "removed": len(stale)}
