"""Sign-in accounts: passwords as salted scrypt hashes, set by an admin."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import Engine, select, update

from core.access import Actor, require_admin
from core.db import read_scope, write_transaction
from core.errors import BadInput, PermissionDenied
from core.schema import agents
from core.sql_types import changed_rows

_N, _R, _P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def set_password(engine: Engine, actor: Actor, agent_id: str, password: str) -> None:
    require_admin(actor, "setting passwords")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with write_transaction(engine) as session:
        changed = changed_rows(session.execute(update(agents).where(agents.c.id == agent_id)
                                               .values(password_hash=hash_password(password))))
        if not changed:
            raise BadInput(f"no person with id {agent_id!r} on the team")


def sign_in(engine: Engine, agent_id: str, password: str) -> Actor:
    """The actor for a correct id and password; one vague refusal otherwise."""
    with read_scope(engine) as conn:
        agent = conn.execute(select(agents).where(agents.c.id == agent_id)).first()
        if agent is None or not verify_password(password, agent.password_hash):
            raise PermissionDenied("wrong id or password")
        if not agent.active:
            raise PermissionDenied(f"{agent_id!r} is not active on the team")
        return Actor(id=agent.id, role=agent.role, name=agent.name)
