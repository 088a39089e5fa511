"""Teams: an agent's team, an item's own queue, and the effective team stored on each item.

The effective team (the item's team, else its assignee's team, else none) is a column of
items, so that every team-scoped figure is one indexed range. Every write that changes an
item's team, its assignee or an agent's team keeps it right through this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from core.errors import BadInput
from core.schema import agents, items
from core.sql_types import AnySelect, Reader


def optional_team(value: str | None) -> str | None:
    """A team name as stored: surrounding blanks dropped, empty means none."""
    value = (value or "").strip()
    return value or None


def effective_team(item_team: str | None, assignee_team: str | None) -> str | None:
    return item_team or assignee_team


def in_team(team: str | None) -> ColumnElement[bool] | None:
    """Items whose effective team is `team` (None: no narrowing)."""
    return None if team is None else items.c.effective_team == team


def narrow(query: AnySelect, team: str | None) -> AnySelect:
    """query.where(items of the team) when a team is given."""
    return query if team is None else query.where(items.c.effective_team == team)


def team_agents(team: str | None) -> ColumnElement[bool]:
    """Agents of `team` (any agent when None)."""
    return agents.c.team == team if team is not None else true()


def teams(db: Reader) -> list[str]:
    """Every team named by an agent or an item, sorted."""
    named = select(agents.c.team.label("team")).where(agents.c.team.is_not(None)).union(
        select(items.c.team).where(items.c.team.is_not(None)))
    return sorted(db.execute(select(named.subquery().c.team)).scalars())


def require_team(db: Connection, team: str) -> str:
    """The team, if an agent or an item names it; else bad input."""
    known = db.execute(select(or_(
        exists().where(agents.c.team == team),
        exists().where(items.c.effective_team == team)))).scalar()
    if not known:
        raise BadInput(f"--team: no team {team!r}")
    return team


def agent_team(db: Reader, agent_id: str | None) -> str | None:
    if agent_id is None:
        return None
    return db.execute(select(agents.c.team).where(agents.c.id == agent_id)).scalar()


def assignee_team() -> Any:
    """The team of the item's assignee, as a correlated scalar subquery."""
    return (select(agents.c.team).where(agents.c.id == items.c.assignee_id)
            .correlate(items).scalar_subquery())


def refresh_agents_items(db: Connection, agent_teams: dict[str, str | None]) -> int:
    """After agents changed team: their items without a queue of their own follow them."""
    if not agent_teams:
        return 0
    statement = (update(items)
                 .where(items.c.assignee_id == bindparam("agent"), items.c.team.is_(None),
                        items.c.effective_team.is_distinct_from(bindparam("new_team")))
                 .values(effective_team=bindparam("new_team")))
    db.execute(statement, [{"agent": agent, "new_team": team}
                           for agent, team in agent_teams.items()])
    return len(agent_teams)


def refresh_item_queues(db: Connection) -> int:
    """Items with a queue of their own whose stored effective team says otherwise."""
    return db.execute(update(items).where(
        items.c.team.is_not(None), items.c.effective_team.is_distinct_from(items.c.team)
    ).values(effective_team=items.c.team)).rowcount or 0


def refresh_items(db: Connection, item_ids: Iterable[str]) -> None:
    """Recompute the effective team of these items (after their assignee changed)."""
    ids = list(item_ids)
    for start in range(0, len(ids), 500):
        db.execute(update(items).where(items.c.id.in_(ids[start:start + 500])).values(
            effective_team=func.coalesce(items.c.team, assignee_team())))


def changed_teams(before: dict[str, str | None],
                  after: Iterable[tuple[str, str | None]]) -> dict[str, str | None]:
    """The agents (id -> new team) whose team differs from before (new agents included)."""
    return {agent: team for agent, team in after if before.get(agent) != team}


def team_condition(agent_id: str | None, team: str | None) -> ColumnElement[bool] | None:
    """The items a report covers beyond its kind and window: one agent's, a team's, or all."""
    conditions = [c for c in (
        items.c.assignee_id == agent_id if agent_id is not None else None,
        in_team(team)) if c is not None]
    return and_(*conditions) if conditions else None
