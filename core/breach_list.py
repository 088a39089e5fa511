"""The breach list a person acts on: active breaches and items at risk, each with its
assignee's name and whether the breach was taken in hand, and the agents they may filter by."""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.access import Actor
from core.breaches import BreachEntry, at_risk_entries, breach_entries
from core.item_clock import item_clocks
from core.reports import report_context
from core.schema import OPEN_STATUSES, agents, breach_records, items
from core.settings import Settings
from core.window import Window


def visible_agents(db: Connection, actor: Actor) -> list[tuple[str, str]]:
    """(name, id) of the agents a person may pick in a filter, by name: a supervisor sees
    the whole team, an agent only themself."""
    query = select(agents.c.name, agents.c.id).order_by(agents.c.name, agents.c.id)
    if not actor.is_supervisor:
        query = query.where(agents.c.id == actor.id)
    return [(name, agent_id) for name, agent_id in db.execute(query)]


def _acknowledged_open_items(db: Connection, agent_id: str | None) -> set[str]:
    query = (select(breach_records.c.item_id).distinct()
             .join(items, items.c.id == breach_records.c.item_id)
             .where(breach_records.c.acknowledged_at.is_not(None),
                    items.c.status.in_(OPEN_STATUSES)))
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    return set(db.scalars(query))


class WorklistEntry(BreachEntry):
    """A breach-list line with what the console shows beside it."""
    assignee_name: str | None
    acknowledged: bool
    clock: dict[str, Any] | None  # core.item_clock; None: not SLA-tracked


class BreachWorklist(TypedDict):
    breached: list[WorklistEntry]
    at_risk: list[WorklistEntry]
    agents: list[tuple[str, str]]  # visible_agents


def breach_worklist(db: Connection, window: Window, *, actor_id: str | None,
                    settings: Settings, team: str | None = None) -> BreachWorklist:
    """`breached` and `at_risk`: the entries of the `breaches` and `at-risk` reports for this
    person (narrowed to a team when given), each with `assignee_name`, `acknowledged` and
    its SLA `clock` (core.item_clock); `agents`: visible_agents."""
    ctx = report_context(db, window, actor_id=actor_id, settings=settings, team=team)
    breached = breach_entries(db, window.now_us, ctx.agent_id, ctx.team)
    at_risk = at_risk_entries(db, window.now_us, ctx.agent_id, ctx.settings.warn_percent,
                              ctx.team)
    people = visible_agents(db, ctx.actor)
    names = {agent_id: name for name, agent_id in people}
    acknowledged = _acknowledged_open_items(db, None if ctx.actor.is_supervisor else ctx.actor.id)
    clocks = item_clocks(db, [e["item_id"] for e in breached + at_risk], window.now_us)

    def annotated(entries: list[BreachEntry]) -> list[WorklistEntry]:
        return [WorklistEntry(**entry, assignee_name=names.get(entry["assignee"] or ""),
                              acknowledged=entry["item_id"] in acknowledged,
                              clock=clocks.get(entry["item_id"])) for entry in entries]

    return {"breached": annotated(breached), "at_risk": annotated(at_risk), "agents": people}
