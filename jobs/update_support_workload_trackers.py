"""update-support-workload-trackers: a snapshot of each agent's open work, for history charts."""

from __future__ import annotations

from sqlalchemy import Engine

from core.alerts import dialect_insert
from core.models import WorkloadSnapshot
from core.settings import Settings
from core.team import open_counts, role_agents
from core.timeutil import US_PER_MINUTE
from jobs.exclusive import job_transaction

NAME = "update-support-workload-trackers"


def run_update_support_workload_trackers(engine: Engine, now_us: int,
                                         settings: Settings) -> dict[str, int]:
    """One row per role-agent at the minute of `now`; runs within one minute (other consoles,
    a retry) share the row instead of adding one."""
    taken_at = now_us - now_us % US_PER_MINUTE
    written = 0
    with job_transaction(engine, NAME) as session:
        counts = open_counts(session)
        for agent in role_agents(session):
            kinds = counts.get(agent.id, {})
            values = {"open_tickets": kinds.get("ticket", 0),
                      "open_disputes": kinds.get("dispute", 0),
                      "open_orders": kinds.get("order", 0)}
            statement = dialect_insert(session, WorkloadSnapshot).values(
                agent_id=agent.id, taken_at=taken_at, **values)
            session.execute(statement.on_conflict_do_update(
                index_elements=["agent_id", "taken_at"], set_=values))
            written += 1
    return {"agents": written}
