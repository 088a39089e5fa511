"""Agent comparison and workload distribution (supervisors only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from core.performance import NOTHING_HANDLED, ScoreWeights, handled_query, performance_fields
from core.schema import KINDS, OPEN_STATUSES, agents, items
from core.sql_types import AnyRow, Reader
from core.teams import narrow, team_agents
from core.window import Window


def role_agents(db: Reader, team: str | None = None) -> list[AnyRow]:
    """Every role-`agent` person (a row of agents), active or not, by id; of a team if given."""
    return list(db.execute(select(agents).where(agents.c.role == "agent", team_agents(team))
                           .order_by(agents.c.id)))


def comparison(db: Connection, window: Window, weights: ScoreWeights,
               team: str | None = None) -> dict[str, Any]:
    """Rows of the role-agents (of the team), figures over the items (of the team)."""
    # Only role-`agent` assignees have a row. Saying so in SQL also gives SQLite its best
    # plan: one range of ix_items_kind_assignee_created per agent, read in assignee
    # order, so exactly the window's tickets are read and GROUP BY needs no sort.
    role_agent_ids = select(agents.c.id).where(agents.c.role == "agent", team_agents(team))
    query = handled_query(window, None, items.c.assignee_id, team=team).where(
        items.c.assignee_id.in_(role_agent_ids))
    rows = {row.assignee_id: row for row in db.execute(query)}
    entries = []
    for agent in role_agents(db, team):
        entry = {"agent_id": agent.id, "agent_name": agent.name}
        entry.update(performance_fields(rows.get(agent.id, NOTHING_HANDLED), weights))
        entries.append(entry)
    # Score descending, nulls last, then agent_id.
    entries.sort(key=lambda a: (a["performance_score"] is None, -(a["performance_score"] or 0),
                               a["agent_id"]))
    return {"agents": entries}


def open_counts(db: Reader, team: str | None = None) -> dict[str | None, dict[str, int]]:
    """Open items (of the team) per assignee (None: unassigned) and kind."""
    query = narrow(select(items.c.assignee_id, items.c.kind, func.count().label("n"))
                   .where(items.c.status.in_(OPEN_STATUSES)), team)
    counts: dict[str | None, dict[str, int]] = {}
    for row in db.execute(query.group_by(items.c.assignee_id, items.c.kind)):
        counts.setdefault(row.assignee_id, {})[row.kind] = int(row.n)
    return counts


def workload(db: Connection, window: Window, agent_id: str | None = None,
             team: str | None = None) -> dict[str, Any]:
    """Rows of the role-agents (of the team); shares of the (team's) assigned open items."""
    in_window: dict[str, int] = dict(db.execute(narrow(
        select(items.c.assignee_id, func.count())
        .where(window.created_within(), items.c.assignee_id.is_not(None)), team)
        .group_by(items.c.assignee_id)
    ).all())
    return workload_rows(role_agents(db, team), open_counts(db, team), in_window, agent_id)


def workload_rows(role_agent_rows: Sequence[AnyRow],
                  counts: Mapping[str | None, Mapping[str, int]],
                  in_window: Mapping[str, int], agent_id: str | None = None) -> dict[str, Any]:
    """The workload report from open counts per assignee and kind and the window's
    assigned counts per assignee."""
    assigned_total = sum(sum(kinds.values()) for who, kinds in counts.items() if who is not None)
    entries = []
    for agent in role_agent_rows:
        if agent_id is not None and agent.id != agent_id:
            continue
        kinds = counts.get(agent.id, {})
        total = sum(kinds.values())
        entries.append({
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
    return {"agents": entries, "unassigned_open": unassigned}
