"""auto-reassign-unresolved-tasks and the manual move: least-loaded, capacity, urgency, records."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import LOCAL_OPERATOR, Actor
from core.errors import BadInput, PermissionDenied
from core.models import Alert, Reassignment
from core.reassignment import propose_agent, reassign_item
from jobs.auto_reassign_unresolved_tasks import run_auto_reassign_unresolved_tasks
from tests.jobs_helpers import (
    EXPECTED_MOVES,
    NOW,
    H,
    M,
    add_agent,
    add_item,
    add_policy,
    cli,
    item_rows,
    settings,
    us,
)
from tests.jobs_helpers import (
    load_reassign_team as load_team,
)


def test_moves_exactly_the_open_items_of_inactive_agents_least_loaded_first(engine):
    load_team(engine)
    before = item_rows(engine)

    counts = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings())

    after = item_rows(engine)
    assert counts == {"inactive_agents": 3, "moved": 4, "unplaced": 0, "unplaced_alerts": 0}
    assert set(after) == set(before)  # nothing lost
    for item_id, row in before.items():
        moved_to = EXPECTED_MOVES.get(item_id, (None, row[4]))[1]
        assert after[item_id] == row[:4] + (moved_to,) + row[5:], item_id
    with Session(engine) as session:
        moves = {m.item_id: (m.from_agent_id, m.to_agent_id, m.moved_at)
                 for m in session.scalars(select(Reassignment))}
        alerts = set(session.execute(select(Alert.item_id, Alert.recipient_id, Alert.kind)))
    assert moves == {k: v + (us(NOW),) for k, v in EXPECTED_MOVES.items()}
    assert alerts == {(item, who, "reassigned") for item, pair in EXPECTED_MOVES.items()
                      for who in pair}

    second = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings())
    assert second["moved"] == 0
    assert item_rows(engine) == after


def test_never_above_max_open_and_supervisors_hear_of_unplaced_items_once(engine):
    with Session(engine) as session, session.begin():
        add_agent(session, "gone", active=False)
        add_agent(session, "full", max_open=1)
        add_agent(session, "roomy", max_open=2)
        add_agent(session, "lead1", "lead")
        add_agent(session, "admin1", "admin")
        add_policy(session, "ticket", "high", 60, 240)
        session.flush()
        add_item(session, "f1", NOW - H, assignee="full")
        add_item(session, "r1", NOW - H, assignee="roomy")
        add_item(session, "old", NOW - 5 * H, assignee="gone")  # most urgent: placed
        add_item(session, "new", NOW - 1 * H, assignee="gone")  # nobody has room
        add_item(session, "newer", NOW - 30 * M, assignee="gone")
    counts = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings())
    assert counts == {"inactive_agents": 1, "moved": 1, "unplaced": 2, "unplaced_alerts": 4}
    rows = item_rows(engine)
    assert rows["old"][4] == "roomy"
    assert rows["new"][4] == rows["newer"][4] == "gone"
    with Session(engine) as session:
        unplaced = set(session.execute(select(Alert.item_id, Alert.recipient_id)
                                       .where(Alert.kind == "unplaced")))
    assert unplaced == {(i, s) for i in ("new", "newer") for s in ("lead1", "admin1")}
    again = run_auto_reassign_unresolved_tasks(engine, us(NOW + 30 * M), settings())
    assert again == {"inactive_agents": 1, "moved": 0, "unplaced": 2, "unplaced_alerts": 0}
    assert item_rows(engine) == rows


def test_inactive_hours_comes_from_settings(engine):
    load_team(engine)
    counts = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings(inactive_hours=8))
    assert counts["inactive_agents"] == 2  # "stale" (7 h) is active under an 8 h threshold
    assert item_rows(engine)["s1"][4] == "stale"


def test_dry_run_prints_the_planned_moves_and_changes_nothing(engine, db_url):
    load_team(engine)
    before = item_rows(engine)
    done = cli(db_url, "jobs", "run", "auto-reassign-unresolved-tasks", "--now",
               NOW.isoformat(), "--dry-run")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["dry_run"] is True
    assert [(m["item_id"], m["from_agent_id"], m["to_agent_id"]) for m in plan["moves"]] == [
        ("g2", "gone", "idle"), ("g1", "gone", "idle"), ("n1", "never", "mid"),
        ("s1", "stale", "busy")]
    assert plan["unplaced"] == []
    assert item_rows(engine) == before
    with Session(engine) as session:
        assert session.scalars(select(Reassignment)).all() == []


def test_propose_agent_and_a_manual_move_are_recorded_and_alerted(engine):
    load_team(engine)
    with Session(engine) as session, session.begin():
        assert propose_agent(session, "b1", us(NOW), settings()) == "idle"
        assert propose_agent(session, "m1", us(NOW), settings()) == "idle"
        move = reassign_item(session, LOCAL_OPERATOR, "b1", "mid", us(NOW), reason="swap")
        assert (move.item_id, move.from_agent_id, move.to_agent_id) == ("b1", "busy", "mid")
        assert "swap" in move.reason
        move_id = move.id
    assert item_rows(engine)["b1"][4] == "mid"
    with Session(engine) as session:
        assert set(session.scalars(select(Alert.recipient_id).where(
            Alert.reassignment_id == move_id))) == {"busy", "mid"}
        agent = Actor(id="mid", role="agent")
        with pytest.raises(PermissionDenied):
            reassign_item(session, agent, "m1", "idle", us(NOW))
        with pytest.raises(BadInput):
            reassign_item(session, LOCAL_OPERATOR, "g-done", "idle", us(NOW))
        reassign_item(session, LOCAL_OPERATOR, "b2", "idle", us(NOW))
        reassign_item(session, LOCAL_OPERATOR, "m1", "idle", us(NOW))
        with pytest.raises(BadInput, match="max_open"):
            reassign_item(session, LOCAL_OPERATOR, "lead-item", "idle", us(NOW))
        session.rollback()
