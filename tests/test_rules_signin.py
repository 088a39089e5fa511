"""Sign-in against guessing (issue 13, item 7): unknown ids cost what known ones cost, an
inactive account answers as a wrong password, repeated failures lock the id for a growing
delay, recorded in the database so that another console does not reset it."""

from __future__ import annotations

import time

import pytest

from core.access import LOCAL_OPERATOR
from core.accounts import FREE_ATTEMPTS, SignInLocked, set_password, sign_in
from core.db import make_engine, write_transaction
from core.errors import PermissionDenied
from core.schema import agents
from core.timeutil import US_PER_MINUTE
from tests.desktop_helpers import NOW, team_engine

PASSWORD = "correct horse 7f3a9c"


@pytest.fixture
def engine(db_url):
    engine = team_engine(db_url, demo=False)
    set_password(engine, LOCAL_OPERATOR, "agent001", PASSWORD)
    set_password(engine, LOCAL_OPERATOR, "lead01", PASSWORD)
    yield engine
    engine.dispose()


def _refusal(engine, agent_id, password, now_us=NOW) -> PermissionDenied:
    with pytest.raises(PermissionDenied) as refused:
        sign_in(engine, agent_id, password, now_us=now_us)
    return refused.value


def test_an_unknown_id_takes_as_long_as_a_known_one(engine):
    def fastest(agent_id: str) -> float:
        times = []
        for attempt in range(3):
            started = time.perf_counter()
            _refusal(engine, agent_id, f"wrong {attempt}")
            times.append(time.perf_counter() - started)
        return min(times)

    known, unknown = fastest("agent001"), fastest("nobody-here")
    assert unknown > 0.5 * known, (unknown, known)


def test_an_inactive_account_answers_as_a_wrong_password(engine):
    wrong = str(_refusal(engine, "agent001", "not the password"))
    with write_transaction(engine) as session:
        session.execute(agents.update().where(agents.c.id == "lead01").values(active=False))
    inactive = str(_refusal(engine, "lead01", PASSWORD))
    assert inactive == wrong
    assert "lead01" not in inactive and "active" not in inactive


def test_repeated_failures_lock_the_id_for_a_growing_delay(engine, db_url):
    for attempt in range(FREE_ATTEMPTS - 1):
        refusal = _refusal(engine, "agent001", f"guess {attempt}")
        assert not isinstance(refusal, SignInLocked)
    locked = _refusal(engine, "agent001", "last guess")
    assert isinstance(locked, SignInLocked)
    first_until = locked.until_us
    assert first_until > NOW
    assert "locked" in str(locked)
    # The right password does not open it while it is locked, from another console either.
    other = make_engine(db_url)
    try:
        again = _refusal(other, "agent001", PASSWORD, NOW + US_PER_MINUTE // 2)
        assert isinstance(again, SignInLocked) and again.until_us == first_until
    finally:
        other.dispose()
    # Once the delay is over, one more failure locks it again, for longer.
    later = first_until + 1
    second = _refusal(engine, "agent001", "another guess", later)
    assert isinstance(second, SignInLocked)
    assert second.until_us - later > first_until - NOW
    # The right password after that delay signs in and forgets the failures.
    actor = sign_in(engine, "agent001", PASSWORD, now_us=second.until_us + 1)
    assert actor.id == "agent001"
    refusal = _refusal(engine, "agent001", "a slip", second.until_us + 2)
    assert not isinstance(refusal, SignInLocked)


def test_an_unknown_id_locks_like_a_known_one(engine):
    answers = [type(_refusal(engine, "nobody-here", f"guess {n}"))
               for n in range(FREE_ATTEMPTS)]
    assert answers == [PermissionDenied] * (FREE_ATTEMPTS - 1) + [SignInLocked]


def test_a_lock_on_one_id_leaves_the_others_alone(engine):
    for attempt in range(FREE_ATTEMPTS):
        _refusal(engine, "agent001", f"guess {attempt}")
    assert sign_in(engine, "lead01", PASSWORD, now_us=NOW).id == "lead01"
