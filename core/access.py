"""Who may see what: the caller (actor) is resolved here and every service checks it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.errors import BadInput, PermissionDenied
from core.schema import SUPERVISOR_ROLES, agents
from core.sql_types import AnyRow
from core.teams import require_team


@dataclass(frozen=True)
class Actor:
    id: str | None  # None: the local operator (an admin working on the machine itself)
    role: str
    name: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role in SUPERVISOR_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


LOCAL_OPERATOR = Actor(id=None, role="admin", name="local operator")


def _agent(db: Connection, agent_id: str) -> AnyRow | None:
    return db.execute(select(agents.c.id, agents.c.role, agents.c.name)
                      .where(agents.c.id == agent_id)).one_or_none()


def resolve_actor(db: Connection, actor_id: str | None) -> Actor:
    """The person a request is made on behalf of; someone not on the team is refused."""
    if actor_id is None:
        return LOCAL_OPERATOR
    agent = _agent(db, actor_id)
    if agent is None:
        raise PermissionDenied(f"{actor_id!r} is not on the team")
    return Actor(id=agent.id, role=agent.role, name=agent.name)


def scope_agent(db: Connection, actor: Actor, agent_id: str | None) -> str | None:
    """The agent a report is about (None: the whole team), after the role rules."""
    if not actor.is_supervisor:
        if agent_id is not None and agent_id != actor.id:
            raise PermissionDenied("an agent sees only their own figures")
        return actor.id
    if agent_id is not None and _agent(db, agent_id) is None:
        raise BadInput(f"no agent with id {agent_id!r}", subject="agent")
    return agent_id


def scope_team(db: Connection, actor: Actor, team: str | None) -> str | None:
    """The team a report is narrowed to (None: everyone): supervisors only, a known team."""
    if team is None:
        return None
    require_supervisor(actor, "a team's figures")
    return require_team(db, team)


def require_supervisor(actor: Actor, what: str) -> None:
    if not actor.is_supervisor:
        raise PermissionDenied(f"{what} is for supervisors only")


def require_admin(actor: Actor, what: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"{what} is for admins only")
