"""Active breaches and at-risk items: the lists a lead acts on."""

from __future__ import annotations

from typing import Any, TypedDict

from sqlalchemy import and_, not_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core import sla
from core.schema import OPEN_STATUSES, items
from core.sql_types import AnySelect, Reader
from core.teams import narrow
from core.timeutil import US_PER_MINUTE, iso_utc


def open_in_scope(agent_id: str | None) -> ColumnElement[bool]:
    """Open items of every kind: all of them, or the agent's."""
    condition = items.c.status.in_(OPEN_STATUSES)
    return condition if agent_id is None else and_(condition, items.c.assignee_id == agent_id)


def at_risk_now(now_us: int, warn_percent: float) -> ColumnElement[bool]:
    """Not breached, and past warn_percent of a target still to be met (open items only)."""
    return and_(not_(sla.is_breached(now_us)),
                or_(sla.response_at_risk(now_us, warn_percent),
                    sla.resolution_at_risk(now_us, warn_percent)))


def active_breach(now_us: int, agent_id: str | None) -> ColumnElement[bool]:
    return and_(open_in_scope(agent_id), sla.is_breached(now_us))


def at_risk(now_us: int, agent_id: str | None, warn_percent: float) -> ColumnElement[bool]:
    return and_(open_in_scope(agent_id), at_risk_now(now_us, warn_percent))


def _open_items_query(now_us: int, agent_id: str | None, team: str | None) -> AnySelect:
    query = sla.with_policy(select(
        items.c.id, items.c.kind, items.c.priority, items.c.subject, items.c.assignee_id, items.c.status,
        items.c.created_at,
        sla.response_due().label("response_due"),
        sla.resolution_due().label("resolution_due"),
        sla.flag(sla.response_breached(now_us)).label("response_breached"),
        sla.flag(sla.resolution_breached(now_us)).label("resolution_breached"),
    ).select_from(items)).where(items.c.status.in_(OPEN_STATUSES))
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    return narrow(query, team)


class BreachEntry(TypedDict):
    """One line of a breach (or at-risk) list; `due_at_us` is the instant itself, which the
    reports leave out of their JSON (`public`)."""
    item_id: str
    kind: str
    priority: str
    subject: str
    assignee: str | None
    targets: list[str]
    due_at: str | None
    overdue_minutes: int
    due_at_us: int


def _entry(row: Any, targets: list[str], due_at: int, now_us: int) -> BreachEntry:
    return {
        "item_id": row.id,
        "kind": row.kind,
        "priority": row.priority,
        "subject": row.subject,
        "assignee": row.assignee_id,
        "targets": targets,
        "due_at": iso_utc(due_at),
        "overdue_minutes": (now_us - due_at) // US_PER_MINUTE,
        "due_at_us": due_at,
    }


def _due_targets(row: Any, response: int, resolution: int) -> dict[str, int]:
    """{target: due instant} of the targets flagged (in the breach list's order)."""
    dues = {}
    if response:
        dues["first_response"] = int(row.response_due)
    if resolution:
        dues["resolution"] = int(row.resolution_due)
    return dues


def breach_entries(db: Connection, now_us: int, agent_id: str | None,
                   team: str | None = None) -> list[BreachEntry]:
    """Open items breached now, most overdue first, then by item id."""
    query = _open_items_query(now_us, agent_id, team).where(sla.is_breached(now_us))
    entries = []
    for row in db.execute(query):
        dues = _due_targets(row, row.response_breached, row.resolution_breached)
        entries.append(_entry(row, list(dues), min(dues.values()), now_us))
    entries.sort(key=lambda e: (-e["overdue_minutes"], e["item_id"]))
    return entries


def at_risk_entries(db: Connection, now_us: int, agent_id: str | None,
                    warn_percent: float, team: str | None = None) -> list[BreachEntry]:
    """Open, not yet breached, and past warn_percent of a target still to be met."""
    response_risk = sla.response_at_risk(now_us, warn_percent)
    resolution_risk = sla.resolution_at_risk(now_us, warn_percent)
    query = (_open_items_query(now_us, agent_id, team)
             .add_columns(sla.flag(response_risk).label("response_risk"),
                          sla.flag(resolution_risk).label("resolution_risk"))
             .where(at_risk(now_us, agent_id, warn_percent)))
    entries = []
    for row in db.execute(query):
        dues = _due_targets(row, row.response_risk, row.resolution_risk)
        due_at = min(dues.values())
        entry = _entry(row, list(dues), due_at, now_us)
        # Minutes left, rounded down, shown negative.
        entry["overdue_minutes"] = -((due_at - now_us) // US_PER_MINUTE)
        entries.append(entry)
    entries.sort(key=lambda e: (e["due_at_us"], e["item_id"]))
    return entries


def public(entries: list[BreachEntry]) -> list[dict[str, Any]]:
    """Entries as reports print them (without the internal sort key)."""
    return [{k: v for k, v in e.items() if k != "due_at_us"} for e in entries]


def breached_and_at_risk(now_us: int,
                         warn_percent: float) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(breached now, at risk now) of an item joined with its policy (sla.with_policy)."""
    breached = sla.is_breached(now_us)
    return breached, and_(not_(breached), or_(sla.response_at_risk(now_us, warn_percent),
                                              sla.resolution_at_risk(now_us, warn_percent)))


def open_sla_counts(db: Reader, now_us: int, agent_id: str | None,
                    warn_percent: float, team: str | None = None) -> dict[str, int]:
    """How many open items are breached and at risk now, in one aggregate."""
    breached, at_risk = breached_and_at_risk(now_us, warn_percent)
    query = sla.with_policy(select(
        sla.count_if(breached).label("breached"), sla.count_if(at_risk).label("at_risk"),
    ).select_from(items)).where(items.c.status.in_(OPEN_STATUSES))
    if agent_id is not None:
        query = query.where(items.c.assignee_id == agent_id)
    row = db.execute(narrow(query, team)).one()
    return {"active_breaches": int(row.breached), "at_risk": int(row.at_risk)}
