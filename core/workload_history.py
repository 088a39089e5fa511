"""Open work over time, read back from the workload snapshots the tracker job stores."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import WorkloadSnapshot
from core.window import Window


def workload_history(session: Session, window: Window,
                     agent_id: str | None = None) -> list[dict[str, Any]]:
    """One point per snapshot time in the window: open tickets, disputes and orders summed
    over the agents (or of one agent), oldest first. Empty until the job has run."""
    query = (select(WorkloadSnapshot.taken_at,
                    func.sum(WorkloadSnapshot.open_tickets).label("tickets"),
                    func.sum(WorkloadSnapshot.open_disputes).label("disputes"),
                    func.sum(WorkloadSnapshot.open_orders).label("orders"))
             .where(WorkloadSnapshot.taken_at > window.start_us,
                    WorkloadSnapshot.taken_at <= window.now_us)
             .group_by(WorkloadSnapshot.taken_at)
             .order_by(WorkloadSnapshot.taken_at))
    if agent_id is not None:
        query = query.where(WorkloadSnapshot.agent_id == agent_id)
    return [{"taken_at": int(row.taken_at), "open_tickets": int(row.tickets or 0),
             "open_disputes": int(row.disputes or 0), "open_orders": int(row.orders or 0)}
            for row in session.execute(query)]
