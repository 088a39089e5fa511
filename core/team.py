"""Agent comparison and workload distribution (supervisors only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import KINDS, OPEN_STATUSES, Agent, Item
from core.performance import NOTHING_HANDLED, ScoreWeights, handled_query, performance_fields
from core.window import Window


def role_agents(session: Session) -> list[Agent]:
    """Every role-`agent` person, active or not, by id."""
    return list(session.scalars(select(Agent).where(Agent.role == "agent").order_by(Agent.id)))


def comparison(session: Session, window: Window, weights: ScoreWeights) -> dict[str, Any]:
    # Only role-`agent` assignees have a row. Saying so in SQL also gives SQLite its best
    # plan: one range of ix_items_kind_assignee_created per agent, read in assignee
    # order, so exactly the window's tickets are read and GROUP BY needs no sort.
    role_agent_ids = select(Agent.id).where(Agent.role == "agent")
    query = handled_query(window, None, Item.assignee_id).where(
        Item.assignee_id.in_(role_agent_ids))
    rows = {row.assignee_id: row for row in session.execute(query)}
    agents = []
    for agent in role_agents(session):
        entry = {"agent_id": agent.id, "agent_name": agent.name}
        entry.update(performance_fields(rows.get(agent.id, NOTHING_HANDLED), weights))
        agents.append(entry)
    # Score descending, nulls last, then agent_id.
    agents.sort(key=lambda a: (a["performance_score"] is None, -(a["performance_score"] or 0),
                               a["agent_id"]))
    return {"agents": agents}


def open_counts(session: Session) -> dict[str | None, dict[str, int]]:
    """Open items per assignee (None: unassigned) and kind."""
    query = (select(Item.assignee_id, Item.kind, func.count().label("n"))
             .where(Item.status.in_(OPEN_STATUSES))
             .group_by(Item.assignee_id, Item.kind))
    counts: dict[str | None, dict[str, int]] = {}
    for row in session.execute(query):
        counts.setdefault(row.assignee_id, {})[row.kind] = int(row.n)
    return counts


def workload(session: Session, window: Window, agent_id: str | None = None) -> dict[str, Any]:
    counts = open_counts(session)
    assigned_total = sum(sum(kinds.values()) for who, kinds in counts.items() if who is not None)
    in_window = dict(session.execute(
        select(Item.assignee_id, func.count())
        .where(window.created_within(), Item.assignee_id.is_not(None))
        .group_by(Item.assignee_id)
    ).all())
    agents = []
    for agent in role_agents(session):
        if agent_id is not None and agent.id != agent_id:
            continue
        kinds = counts.get(agent.id, {})
        total = sum(kinds.values())
        agents.append({
            "agent_id": agent.id,
            "agent_name": agent.name,
            "open_tickets": kinds.get("ticket", 0),
            "open_disputes": kinds.get("dispute", 0),
            "open_orders": kinds.get("order", 0),
            "total_open": total,
            "share_percent": round(100.0 * total / assigned_total, 1) if assigned_total else None,
            "assigned_in_window": int(in_window.get(agent.id, 0)),
        })
    unassigned = sum(counts.get(None, {}).get(kind, 0) for kind in KINDS)
    return {"agents": agents, "unassigned_open": unassigned}

