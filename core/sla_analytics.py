"""SLA analytics: compliance over the SLA-tracked items of every kind created in the window."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, not_, select
from sqlalchemy.engine import Connection

from core import sla
from core.schema import items
from core.teams import narrow
from core.window import Window


def sla_analytics(db: Connection, window: Window, agent_id: str | None,
                  team: str | None = None) -> dict[str, Any]:
    breached = sla.is_breached(window.now_us)
    query = sla.with_policy(select(
        func.count().label("total"),
        sla.count_if(breached).label("breached"),
        sla.count_if(and_(items.c.resolved_at.is_not(None), not_(breached))).label("on_time"),
    ).select_from(items)).where(sla.is_tracked(), window.created_within())
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    row = db.execute(narrow(query, team)).one()
    total, breached_count = int(row.total), int(row.breached)
    return {
        "total_sla_tasks": total,
        "breached_count": breached_count,
        "resolved_on_time": int(row.on_time),
        "compliance_rate_percent": round(100.0 * (total - breached_count) / total, 1) if total else None,
        "breach_rate_percent": round(100.0 * breached_count / total, 1) if total else None,
    }
