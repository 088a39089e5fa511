"""Open work over time, read back from the workload snapshots the tracker job stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from core.schema import agents, workload_snapshots
from core.window import Window


def workload_history(db: Connection, window: Window, agent_id: str | None = None,
                     team: str | None = None) -> list[dict[str, Any]]:
    """One point per snapshot time in the window: open tickets, disputes and orders summed
    over the agents (of the team, or one agent), oldest first. Empty until the job has run."""
    query = (select(workload_snapshots.c.taken_at,
                    func.sum(workload_snapshots.c.open_tickets).label("tickets"),
                    func.sum(workload_snapshots.c.open_disputes).label("disputes"),
                    func.sum(workload_snapshots.c.open_orders).label("orders"))
             .where(workload_snapshots.c.taken_at > window.start_us,
                    workload_snapshots.c.taken_at <= window.now_us)
             .group_by(workload_snapshots.c.taken_at)
             .order_by(workload_snapshots.c.taken_at))
    if agent_id is not None:
        query = query.where(workload_snapshots.c.agent_id == agent_id)
    if team is not None:
        query = query.where(workload_snapshots.c.agent_id.in_(
            select(agents.c.id).where(agents.c.team == team)))
    return [{"taken_at": int(row.taken_at), "open_tickets": int(row.tickets or 0),
             "open_disputes": int(row.disputes or 0), "open_orders": int(row.orders or 0)}
            for row in db.execute(query)]
