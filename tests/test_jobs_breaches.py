"""check-sla-breaches: each breach recorded once, alerts once per (breach, person)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.alerts import dialect_insert
from core.breaches import breach_entries
from core.models import Alert, BreachRecord, Reassignment
from jobs.check_sla_breaches import run_check_sla_breaches
from tests.jobs_helpers import (
    NOW,
    H,
    M,
    add_agent,
    add_item,
    add_policy,
    item_rows,
    settings,
    us,
)
from tests.jobs_helpers import (
    load_breach_team as load_team,
)

SMTP = settings(smtp_host="127.0.0.1", smtp_port=2525)


def breaches(engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        return set(session.execute(select(BreachRecord.item_id, BreachRecord.target)).all())


def alerts(engine) -> set[tuple[str, str, str, str]]:
    with Session(engine) as session:
        return set(session.execute(
            select(BreachRecord.item_id, BreachRecord.target, Alert.recipient_id,
                   Alert.email_status)
            .join(BreachRecord, BreachRecord.id == Alert.breach_id)).all())


def active_breaches(engine, now) -> set[tuple[str, str]]:
    with Session(engine) as session:
        return {(e["item_id"], t) for e in breach_entries(session, us(now), None)
                for t in e["targets"]}


def test_each_breach_is_recorded_once_and_a_later_clock_adds_only_new_ones(engine):
    load_team(engine)
    before = item_rows(engine)

    first = run_check_sla_breaches(engine, us(NOW), SMTP)
    expected = {("b1", "first_response"), ("b2", "resolution"), ("b3", "first_response"),
                ("b3", "resolution")}
    assert breaches(engine) == expected == active_breaches(engine, NOW)
    # b1: a1 + 2 supervisors; b2: a2 + 2; b3 (unassigned) twice: 2 supervisors each.
    assert first == {"new_breaches": 4, "alerts_queued": 10}

    again = run_check_sla_breaches(engine, us(NOW), SMTP)
    assert again == {"new_breaches": 0, "alerts_queued": 0}
    assert breaches(engine) == expected

    later = NOW + 1 * M  # "edge" is now past its response due
    third = run_check_sla_breaches(engine, us(later), SMTP)
    assert third == {"new_breaches": 1, "alerts_queued": 3}
    assert breaches(engine) == expected | {("edge", "first_response")}
    assert breaches(engine) == active_breaches(engine, later)
    assert item_rows(engine) == before  # the check only records


def test_alerts_go_to_the_assignee_and_every_supervisor_once(engine):
    load_team(engine)
    run_check_sla_breaches(engine, us(NOW), SMTP)
    got = alerts(engine)
    assert {r for (_i, _t, r, _s) in got} == {"a1", "a2", "lead1", "admin1"}  # not a3
    assert {r for (i, _t, r, _s) in got if i == "b1"} == {"a1", "lead1", "admin1"}
    assert {r for (i, _t, r, _s) in got if i == "b3"} == {"lead1", "admin1"}
    run_check_sla_breaches(engine, us(NOW + M), SMTP)
    got = alerts(engine)
    assert {r for (i, _t, r, _s) in got if i == "edge"} == {"a3", "lead1", "admin1"}
    # a2 has no e-mail address: in-app only; everyone else's is queued for e-mail.
    assert {s for (i, _t, r, s) in got if r == "a2"} == {"none"}
    assert {s for (_i, _t, r, s) in got if r != "a2"} == {"pending"}
    with Session(engine) as session:
        per_pair = session.execute(select(func.count()).select_from(Alert).group_by(
            Alert.breach_id, Alert.recipient_id).having(func.count() > 1)).all()
    assert per_pair == []


def test_a_supervisor_assigned_a_breached_item_is_alerted_once(engine):
    load_team(engine)
    with Session(engine) as session, session.begin():
        add_item(session, "lead-owned", NOW - 2 * H, assignee="lead1")
    counts = run_check_sla_breaches(engine, us(NOW), SMTP)
    assert counts == {"new_breaches": 5, "alerts_queued": 12}
    assert {r for (i, _t, r, _s) in alerts(engine) if i == "lead-owned"} == {"lead1", "admin1"}


def test_the_unique_guards_hold_for_breach_move_and_key_alerts(engine):
    """The (move, person) and (key, person) guards are partial indexes (breach alerts have
    neither): they still refuse a second row, and ON CONFLICT DO NOTHING still skips it."""
    load_team(engine)
    run_check_sla_breaches(engine, us(NOW), SMTP)
    with Session(engine) as session, session.begin():
        session.add(Reassignment(item_id="b1", from_agent_id="a2", to_agent_id="a1",
                                 moved_at=us(NOW), reason="test"))
        session.flush()
        move_id = session.scalar(select(Reassignment.id))
        breach_id = session.scalar(select(BreachRecord.id).where(BreachRecord.item_id == "b1"))
    common = {"recipient_id": "a1", "item_id": "b1", "message": "m", "created_at": us(NOW),
              "email_status": "none", "email_attempts": 0}
    rows = [{"kind": "reassigned", "reassignment_id": move_id},
            {"kind": "unplaced", "dedupe_key": "unplaced:b1:a2"}]
    with Session(engine) as session, session.begin():
        for row in rows:
            session.execute(insert(Alert).values(**common, **row))
    for row in rows + [{"kind": "breach", "breach_id": breach_id}]:
        with Session(engine) as session, session.begin():
            statement = dialect_insert(session, Alert).values(**common, **row)
            assert session.execute(statement.on_conflict_do_nothing(), execution_options={
                "preserve_rowcount": True}).rowcount == 0
        with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
            session.execute(insert(Alert).values(**common, **row))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Alert).where(
            Alert.recipient_id == "a1")) == 3


def test_without_smtp_alerts_still_wait_for_mail_for_people_with_an_address(engine):
    load_team(engine)
    run_check_sla_breaches(engine, us(NOW), settings())
    states = {(r, s) for (_i, _t, r, s) in alerts(engine)}
    assert {s for r, s in states if r == "a2"} == {"none"}  # no address: in-app only
    assert {s for r, s in states if r != "a2"} == {"pending"}


def test_a_hundred_thousand_open_items_are_checked_set_based(engine):
    """SQL, not a Python loop: 100k open items (half breached) in a few seconds."""
    from core.bulk import item_upsert

    with Session(engine) as session, session.begin():
        add_agent(session, "a1")
        add_agent(session, "lead1", "lead")
        add_policy(session, "ticket", "high", 60, 240)
    with engine.begin() as conn:
        upsert = item_upsert(conn)
        for n in range(100_000):
            created = us(NOW) - (n % 2) * 3 * 60 * 60 * 1_000_000 - 1  # every other one breached
            upsert.add((f"T{n:07d}", "ticket", "s", "high", "open", "a1", created, None, None))
        upsert.flush()
    started = time.perf_counter()
    counts = run_check_sla_breaches(engine, us(NOW), settings())
    elapsed = time.perf_counter() - started
    assert counts == {"new_breaches": 50_000, "alerts_queued": 100_000}
    assert elapsed < 20, f"breach check took {elapsed:.1f} s"
    started = time.perf_counter()
    assert run_check_sla_breaches(engine, us(NOW), settings())["new_breaches"] == 0
    assert time.perf_counter() - started < 20
