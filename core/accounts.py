"""Sign-in accounts: passwords as salted scrypt hashes, set by an admin."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.access import Actor, require_admin
from core.db import read_scope, write_transaction
from core.errors import BadInput, PermissionDenied
from core.schema import agents, sign_in_failures
from core.sql_types import changed_rows
from core.timeutil import US_PER_MINUTE, from_us, parse_now

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


class SignInLocked(PermissionDenied):
    """Too many failed sign-ins for this id: refused, whatever the password, until `until_us`."""

    def __init__(self, until_us: int):
        until = from_us(until_us).strftime("%Y-%m-%d %H:%M:%S UTC")
        super().__init__(f"too many failed sign-ins: this id is locked until {until}")
        self.until_us = until_us


# Failures allowed before a lock; the first lock, doubled at each further failure, capped;
# failures older than FORGET_AFTER_US no longer count.
FREE_ATTEMPTS = 5
FIRST_LOCK_US = US_PER_MINUTE
LONGEST_LOCK_US = 60 * US_PER_MINUTE
FORGET_AFTER_US = 24 * 60 * US_PER_MINUTE
WRONG_ID_OR_PASSWORD = "wrong id or password"


def lock_length_us(failures: int) -> int:
    """How long `failures` consecutive failures lock an id (0: not locked)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(LONGEST_LOCK_US, FIRST_LOCK_US << min(failures - FREE_ATTEMPTS, 16))


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def sign_in(engine: Engine, agent_id: str, password: str, *, now_us: int | None = None) -> Actor:
    """The actor for a correct id and password of an active person; the same vague refusal,
    after the same work, for anything else (an unknown id is checked against a dummy hash,
    an inactive account answers as a wrong password). Repeated failures lock the id."""
    now_us = parse_now(None) if now_us is None else now_us
    login_id = agent_id[:200]
    with read_scope(engine) as conn:
        failed = conn.execute(select(sign_in_failures.c.locked_until)
                              .where(sign_in_failures.c.login_id == login_id)).first()
        agent = conn.execute(select(agents.c.id, agents.c.role, agents.c.name, agents.c.active,
                                    agents.c.password_hash)
                             .where(agents.c.id == agent_id)).first()
    if failed is not None and failed.locked_until is not None and failed.locked_until > now_us:
        raise SignInLocked(failed.locked_until)
    stored = agent.password_hash if agent is not None and agent.password_hash else None
    correct = verify_password(password, stored or _dummy_hash()) and stored is not None
    if correct and agent is not None and agent.active:
        if failed is not None:
            _forget_failures(engine, login_id)
        return Actor(id=agent.id, role=agent.role, name=agent.name)
    until = _record_failure(engine, login_id, now_us)
    if until is not None:
        raise SignInLocked(until)
    raise PermissionDenied(WRONG_ID_OR_PASSWORD)


def _forget_failures(engine: Engine, login_id: str) -> None:
    with write_transaction(engine) as session:
        session.execute(delete(sign_in_failures).where(sign_in_failures.c.login_id == login_id))


def _record_failure(engine: Engine, login_id: str, now_us: int) -> int | None:
    """Count one more failure for the id (atomically, whichever console fails at the same
    time); the instant it is locked until, or None."""
    table = sign_in_failures
    with write_transaction(engine) as session:
        insert = (postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert)
        session.execute(insert(table).values(login_id=login_id, failures=0,
                                             last_failed_at=now_us)
                        .on_conflict_do_nothing(index_elements=[table.c.login_id]))
        row = session.execute(select(table.c.failures, table.c.last_failed_at)
                              .where(table.c.login_id == login_id).with_for_update()).one()
        recent = now_us - row.last_failed_at <= FORGET_AFTER_US
        failures = row.failures + 1 if recent else 1
        lock = lock_length_us(failures)
        until = now_us + lock if lock else None
        session.execute(update(table).where(table.c.login_id == login_id)
                        .values(failures=failures, last_failed_at=now_us, locked_until=until))
        # Ids typed long ago (mostly unknown ones) need no row any more.
        session.execute(delete(table).where(table.c.last_failed_at < now_us - FORGET_AFTER_US,
                                            or_(table.c.locked_until.is_(None),
                                                table.c.locked_until < now_us)))
    return until
