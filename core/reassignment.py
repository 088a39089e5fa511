"""The reassignment rule: open work of inactive agents moves to the least-loaded active agent."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from core import schema, sla
from core.access import Actor, require_supervisor
from core.alerts import dialect_insert, queue_unplaced_alerts
from core.errors import BadInput
from core.models import OPEN_STATUSES, Agent, Item, Reassignment, SlaPolicy
from core.settings import Settings
from core.sql_types import changed_rows
from core.teams import refresh_items
from core.timeutil import US_PER_HOUR, iso_utc


@dataclass(frozen=True)
class PlannedMove:
    item_id: str
    from_agent_id: str
    to_agent_id: str
    due_at: str | None
    reason: str


@dataclass(frozen=True)
class UnplacedItem:
    item_id: str
    from_agent_id: str
    reason: str


@dataclass
class ReassignmentPlan:
    moves: list[PlannedMove] = field(default_factory=list)
    unplaced: list[UnplacedItem] = field(default_factory=list)
    inactive_agents: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"inactive_agents": self.inactive_agents,
                "moves": [asdict(m) for m in self.moves],
                "unplaced": [asdict(u) for u in self.unplaced]}


def inactive_before(now_us: int, settings: Settings) -> int:
    """Activity older than this instant makes an agent inactive."""
    return now_us - int(settings.inactive_hours * US_PER_HOUR)


def is_inactive(now_us: int, settings: Settings) -> ColumnElement[bool]:
    """A role-agent who is not active, or has no recent activity."""
    return and_(Agent.role == "agent", or_(
        Agent.active.is_(False), Agent.last_activity_at.is_(None),
        Agent.last_activity_at < inactive_before(now_us, settings)))


def _inactive_reason(agent: Agent, now_us: int, settings: Settings) -> str:
    if not agent.active:
        return f"{agent.id} is not active"
    if agent.last_activity_at is None:
        return f"{agent.id} has no recorded activity"
    return f"{agent.id} inactive for more than {settings.inactive_hours:g} h"


def pending_due() -> ColumnElement[int]:
    """The earliest due instant among the targets still to be met (NULL: none)."""
    response = case((and_(SlaPolicy.first_response_minutes.is_not(None),
                          sla.effective_response().is_(None)), sla.response_due()))
    resolution = case((and_(SlaPolicy.resolution_minutes.is_not(None),
                            Item.resolved_at.is_(None)), sla.resolution_due()))
    # Portable LEAST() that ignores NULLs (SQLite has no LEAST, and its MIN(a, b) keeps NULL).
    return case((response.is_(None), resolution), (resolution.is_(None), response),
                (response < resolution, response), else_=resolution)


class _Capacity:
    """Open-item counts of the agents who may receive work (by team), updated as moves are
    planned."""

    def __init__(self, session: Session, now_us: int, settings: Settings):
        candidates = session.scalars(
            select(Agent).where(Agent.role == "agent", ~is_inactive(now_us, settings))
            .order_by(Agent.id)).all()
        loads = dict(session.execute(
            select(Item.assignee_id, func.count())
            .where(Item.status.in_(OPEN_STATUSES), Item.assignee_id.is_not(None))
            .group_by(Item.assignee_id)).all())
        self.load = {agent.id: int(loads.get(agent.id, 0)) for agent in candidates}
        self.limit = {agent.id: agent.max_open for agent in candidates}
        self.members: dict[str | None, list[str]] = {None: [agent.id for agent in candidates]}
        for agent in candidates:
            if agent.team is not None:
                self.members.setdefault(agent.team, []).append(agent.id)

    def least_loaded(self, exclude: str | None = None, team: str | None = None) -> str | None:
        """Fewest open items, below max_open, in the team (None: the whole staff); ties go
        to the smallest agent id."""
        free = [(self.load[agent_id], agent_id) for agent_id in self.members.get(team, ())
                if agent_id != exclude
                and ((limit := self.limit[agent_id]) is None or self.load[agent_id] < limit)]
        return min(free)[1] if free else None

    def why_full(self, team: str | None = None) -> str:
        where = "" if team is None else f" in team {team}"
        return (f"no active agent{where}" if not self.members.get(team)
                else f"every active agent{where} is at max_open")

    def take(self, agent_id: str) -> None:
        self.load[agent_id] += 1


def plan_reassignment(session: Session, now_us: int, settings: Settings, *,
                      lock: bool = False) -> ReassignmentPlan:
    """The moves the rule makes now, most urgent item first. With lock=True the items are
    claimed for this transaction (PostgreSQL: FOR UPDATE SKIP LOCKED; a row another
    transaction holds is left for the next run)."""
    inactive = {agent.id: agent for agent in session.scalars(
        select(Agent).where(is_inactive(now_us, settings)).order_by(Agent.id))}
    plan = ReassignmentPlan(inactive_agents=list(inactive))
    if not inactive:
        return plan
    due = pending_due().label("due")
    query = sla.with_policy(
        select(Item.id, Item.assignee_id, Item.effective_team, Item.created_at, due)
        .select_from(Item)
    ).where(Item.status.in_(OPEN_STATUSES), Item.assignee_id.in_(list(inactive)))
    if lock:
        query = query.with_for_update(skip_locked=True, of=Item)
    rows = list(session.execute(query).all())
    # Earliest due first (no SLA: last), then the oldest, then the id: the same every time.
    rows.sort(key=lambda r: (r.due is None, r.due or 0, r.created_at, r.id))
    capacity = _Capacity(session, now_us, settings)
    for row in rows:
        target = capacity.least_loaded(team=row.effective_team)
        reason = _inactive_reason(inactive[row.assignee_id], now_us, settings)
        if target is None:
            plan.unplaced.append(UnplacedItem(row.id, row.assignee_id,
                                              capacity.why_full(row.effective_team)))
            continue
        capacity.take(target)
        plan.moves.append(PlannedMove(row.id, row.assignee_id, target,
                                      iso_utc(int(row.due)) if row.due is not None else None,
                                      reason))
    return plan


def _record_moves(session: Session, moves: list[tuple[str, str | None, str, str]],
                  now_us: int) -> int:
    """Reassignment rows for (item, from, to, reason) moves already made, and an in-app
    alert to both agents of each; in batches (a large team's backlog is thousands)."""
    if not moves:
        return 0
    rows = [{"item_id": item_id, "from_agent_id": from_id, "to_agent_id": to_id,
             "moved_at": now_us, "reason": reason} for item_id, from_id, to_id, reason in moves]
    # One executemany, then the new ids (RETURNING in parameter order is one statement per
    # row on SQLite: seconds for a large backlog). Each item moves once per run.
    session.execute(insert(Reassignment), rows)
    ids: dict[str, int] = {}
    item_ids = [row["item_id"] for row in rows]
    for start in range(0, len(item_ids), 500):
        for item_id, move_id in session.execute(
                select(Reassignment.item_id, func.max(Reassignment.id))
                .where(Reassignment.moved_at == now_us,
                       Reassignment.item_id.in_(item_ids[start:start + 500]))
                .group_by(Reassignment.item_id)):
            ids[item_id] = move_id
    alerts = []
    for row in rows:
        move_id = ids[str(row["item_id"])]
        message = (f"Item {row['item_id']} moved from {row['from_agent_id'] or 'nobody'} to "
                   f"{row['to_agent_id']}: {row['reason']}")
        for recipient in dict.fromkeys((row["from_agent_id"], row["to_agent_id"])):
            if recipient is not None:
                alerts.append({"recipient_id": recipient, "kind": "reassigned",
                               "reassignment_id": move_id, "item_id": row["item_id"],
                               "message": message, "created_at": now_us,
                               "email_status": "none", "email_attempts": 0})
    session.connection().execute(
        dialect_insert(session, schema.alerts).on_conflict_do_nothing(), alerts)
    return len(rows)


def apply_reassignment(session: Session, now_us: int, settings: Settings) -> dict[str, Any]:
    """Carry out the plan: each move recorded and both agents alerted; supervisors hear of
    items that could not be placed (once per item and agent). Run it in the job's exclusive
    transaction: the planned rows are locked, so they cannot change before the update."""
    plan = plan_reassignment(session, now_us, settings, lock=True)
    if plan.moves:
        items = schema.items
        session.connection().execute(
            update(items).where(items.c.id == bindparam("move_item"),
                                items.c.assignee_id == bindparam("move_from"))
            .values(assignee_id=bindparam("move_to")),
            [{"move_item": m.item_id, "move_from": m.from_agent_id, "move_to": m.to_agent_id}
             for m in plan.moves])
        refresh_items(session.connection(), [m.item_id for m in plan.moves])
    moved = _record_moves(session, [(m.item_id, m.from_agent_id, m.to_agent_id,
                                     f"auto: {m.reason}") for m in plan.moves], now_us)
    teams = dict(session.execute(select(Item.id, Item.effective_team).where(
        Item.id.in_([u.item_id for u in plan.unplaced]))).all()) if plan.unplaced else {}
    alerted = queue_unplaced_alerts(
        session, [(u.item_id, u.from_agent_id, u.reason) for u in plan.unplaced], teams, now_us)
    return {"inactive_agents": len(plan.inactive_agents), "moved": moved,
            "unplaced": len(plan.unplaced), "unplaced_alerts": alerted}


def propose_agent(session: Session, item_id: str, now_us: int, settings: Settings) -> str | None:
    """Whom the rule would give this item to now (least-loaded active agent with room, of
    its effective team), never its current assignee; None when nobody can take it."""
    item = session.get(Item, item_id)
    if item is None:
        raise BadInput(f"no item {item_id!r}")
    return _Capacity(session, now_us, settings).least_loaded(exclude=item.assignee_id,
                                                             team=item.effective_team)


def reassign_item(session: Session, actor: Actor, item_id: str, to_agent_id: str, now_us: int,
                  *, reason: str = "", allow_over_capacity: bool = False) -> Reassignment:
    """A supervisor moves one open item by hand; recorded and both agents alerted."""
    require_supervisor(actor, "reassigning work")
    item = session.get(Item, item_id)
    if item is None:
        raise BadInput(f"no item {item_id!r}")
    if item.status not in OPEN_STATUSES:
        raise BadInput(f"item {item_id} is {item.status}: only open items are reassigned")
    target = session.get(Agent, to_agent_id)
    if target is None:
        raise BadInput(f"no agent {to_agent_id!r}")
    if item.assignee_id == to_agent_id:
        raise BadInput(f"item {item_id} is already assigned to {to_agent_id}")
    if target.max_open is not None and not allow_over_capacity:
        load = session.scalar(select(func.count()).select_from(Item).where(
            Item.assignee_id == to_agent_id, Item.status.in_(OPEN_STATUSES))) or 0
        if load >= target.max_open:
            raise BadInput(f"{to_agent_id} already has {load} open items (max_open "
                           f"{target.max_open})")
    who = actor.name or actor.id or "local operator"
    from_agent_id = item.assignee_id
    changed = changed_rows(session.execute(
        update(Item).where(Item.id == item_id, Item.status.in_(OPEN_STATUSES),
                           Item.assignee_id.is_(None) if from_agent_id is None
                           else Item.assignee_id == from_agent_id)
        .values(assignee_id=to_agent_id).execution_options(synchronize_session=False)
    ))
    if not changed:
        raise BadInput(f"item {item_id} changed meanwhile; reload and try again")
    refresh_items(session.connection(), [item_id])
    session.expire(item)
    _record_moves(session, [(item_id, from_agent_id, to_agent_id,
                             f"manual by {who}" + (f": {reason}" if reason else ""))], now_us)
    return session.scalars(select(Reassignment).where(Reassignment.item_id == item_id)
                           .order_by(Reassignment.id.desc()).limit(1)).one()
