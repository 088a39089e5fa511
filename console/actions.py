"""The console's writes and the reads behind its dialogs: thin calls into core services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.access import resolve_actor
from core.errors import BadInput
from core.item_clock import item_clocks
from core.schema import agents, breach_records, items, reassignments
from core.settings import Settings
from core.team import open_counts, role_agents

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


def reassign_proposal(session: Session, item_id: str, now_us: int,
                      settings: Settings) -> dict[str, Any]:
    """The item, the agent the rule proposes (least-loaded active agent with room) and
    every role-agent with their open load, for the reassign dialog."""
    from core.reassignment import propose_agent

    item = _item(session, item_id)
    counts = open_counts(session)
    candidates = [{
        "agent_id": agent.id, "agent_name": agent.name, "active": agent.active,
        "open": sum(counts.get(agent.id, {}).values()), "max_open": agent.max_open,
    } for agent in role_agents(session)]
    return {"item_id": item.id, "subject": item.subject, "kind": item.kind,
            "priority": item.priority, "assignee": item.assignee_id,
            "proposed": propose_agent(session, item_id, now_us, settings),
            "candidates": candidates}


def reassign(session: Session, actor_id: str | None, item_id: str, to_agent_id: str,
             now_us: int) -> dict[str, Any]:
    """Move one open item by hand (recorded, both agents alerted)."""
    from core.reassignment import reassign_item

    actor = resolve_actor(session, actor_id)
    move = reassign_item(session, actor, item_id, to_agent_id, now_us)
    return {"item_id": item_id, "from": move.from_agent_id, "to": move.to_agent_id}


def acknowledge(session: Session, actor_id: str | None, item_id: str, now_us: int) -> int:
    """Acknowledge the item's recorded breaches; how many were newly acknowledged."""
    from core.alerts import acknowledge_breach

    actor = resolve_actor(session, actor_id)
    ids = list(session.scalars(select(breach_records.c.id)
                               .where(breach_records.c.item_id == item_id)))
    if not ids:
        raise BadInput(f"{item_id}: the breach check has not recorded this breach yet; "
                       "acknowledge it after its next run (every 5 minutes)")
    return sum(1 for breach_id in ids if acknowledge_breach(session, actor, breach_id, now_us))


def item_details(session: Session, item_id: str, now_us: int | None = None) -> dict[str, Any]:
    """Everything about one item: its fields, its moves, its recorded breaches and, when
    now_us is given and it is SLA-tracked, its SLA clock (core.item_clock)."""
    item = _item(session, item_id)
    assignee_name = session.scalar(select(agents.c.name)
                                   .where(agents.c.id == item.assignee_id))
    moves = session.execute(select(reassignments).where(reassignments.c.item_id == item_id)
                            .order_by(reassignments.c.moved_at)).all()
    breaches = session.execute(select(breach_records)
                               .where(breach_records.c.item_id == item_id)
                               .order_by(breach_records.c.due_at)).all()
    return {
        "item_id": item.id, "kind": item.kind, "subject": item.subject,
        "priority": item.priority, "status": item.status,
        "assignee": item.assignee_id, "assignee_name": assignee_name,
        "created_at": item.created_at, "first_response_at": item.first_response_at,
        "resolved_at": item.resolved_at,
        "moves": [{"from": m.from_agent_id, "to": m.to_agent_id, "moved_at": m.moved_at,
                   "reason": m.reason} for m in moves],
        "breaches": [{"target": b.target, "due_at": b.due_at, "detected_at": b.detected_at,
                      "acknowledged_at": b.acknowledged_at, "acknowledged_by": b.acknowledged_by}
                     for b in breaches],
        "clock": (None if now_us is None
                  else item_clocks(session.connection(), [item_id], now_us).get(item_id)),
    }


def _item(session: Session, item_id: str):
    item = session.execute(select(items).where(items.c.id == item_id)).first()
    if item is None:
        raise BadInput(f"no item {item_id!r}")
    return item
