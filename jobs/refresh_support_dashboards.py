"""refresh-support-dashboards: store everyone's, each team's and each agent's dashboard, so a
console opens fast."""

from __future__ import annotations

import json

from sqlalchemy import Engine, delete, select

from core.alerts import dialect_insert
from core.dashboard import dashboard_scope
from core.dashboard_rollup import build_all_dashboards
from core.db import read_scope
from core.models import DashboardSnapshot
from core.settings import Settings
from core.team import role_agents
from core.teams import teams
from core.timeutil import zone
from core.window import Window
from jobs.exclusive import job_transaction

NAME = "refresh-support-dashboards"
DASHBOARD_DAYS = 30


def run_refresh_support_dashboards(engine: Engine, now_us: int,
                                   settings: Settings) -> dict[str, int]:
    window = Window(now_us, DASHBOARD_DAYS, zone(settings.timezone))
    # Computed outside the write transaction: reading is the slow part, and it must not
    # hold SQLite's write lock; the upsert below is idempotent. Every scope's dashboard
    # comes from a few statements grouped by agent and team, not from queries per scope.
    with read_scope(engine) as conn:
        agent_ids = [agent.id for agent in role_agents(conn)]
        built = build_all_dashboards(conn, window, settings, agent_ids, teams(conn))
    payloads = {dashboard_scope(key if kind == "agent" else None,
                                key if kind == "team" else None): payload
                for (kind, key), payload in built.items()}
    with job_transaction(engine, NAME) as session:
        statement = dialect_insert(session, DashboardSnapshot)
        session.execute(statement.on_conflict_do_update(
            index_elements=["scope"], set_={"computed_at": statement.excluded.computed_at,
                                            "payload": statement.excluded.payload}),
            [{"scope": scope, "computed_at": now_us,
              "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False)}
             for scope, payload in payloads.items()])
        known = set(payloads)
        stale = [scope for scope in session.scalars(select(DashboardSnapshot.scope))
                 if scope not in known]
        if stale:  # agents who left, teams that are gone
            session.execute(delete(DashboardSnapshot).where(DashboardSnapshot.scope.in_(stale)))
    return {"dashboards": len(payloads), "removed": len(stale)}
