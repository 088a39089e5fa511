"""Jobs by team (docs/rules.md, jobs table, "Reassignment"): breach alerts to the assignee
and the leads of the item's effective team, reassignment inside that team, on hand-made
teams imported through the real importer, on both databases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.importer import import_folder
from core.models import Alert, Item
from jobs.auto_reassign_unresolved_tasks import run_auto_reassign_unresolved_tasks
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.send_sla_breach_alerts import run_send_sla_breach_alerts
from tests.jobs_helpers import NOW, H, M, settings, us
from tests.rules_helpers import (
    AGENT_HEADER,
    ITEM_HEADER,
    agent,
    item,
    policy,
    ts,
    write_csv,
    write_folder,
)

ACTIVE = ts(NOW - M)


def member(id, team, role="agent", **more):
    return {**agent(id, role, last_activity=ACTIVE, **more), "team": team or ""}


# red: leads r-lead1 r-lead2, agents r1 r2 r3; blue: agents b1 b2, no lead;
# no team: agent n1, lead free-lead, admin boss.
AGENTS = [
    member("r-lead1", "red", "lead"), member("r-lead2", "red", "lead"),
    member("r1", "red"), member("r2", "red", max_open=1), member("r3", "red"),
    member("b1", "blue"), member("b2", "blue"), member("n1", None),
    member("free-lead", None, "lead"), member("boss", None, "admin"),
]


def breached(id, assignee="", team="", **more):
    return {**item(id, NOW - 3 * H, priority="high", assignee=assignee, **more), "team": team}


def load(engine, tmp_path, agents, items):
    folder = tmp_path / "team-data"
    write_csv(folder, "agents.csv", AGENT_HEADER + ["team"], agents)
    write_csv(folder, "items.csv", ITEM_HEADER + ["team"], items)
    write_folder(folder, policies=[policy("ticket", "high", 60, 240)])
    import_folder(engine, folder)


def alerted(engine, kind) -> dict[str, set[str]]:
    with Session(engine) as session:
        rows = session.execute(select(Alert.item_id, Alert.recipient_id)
                               .where(Alert.kind == kind)).all()
    result: dict[str, set[str]] = {}
    for item_id, recipient in rows:
        result.setdefault(item_id, set()).add(recipient)
    return result


def test_breach_mail_reaches_the_assignee_and_the_teams_leads_once(engine, tmp_path,
                                                                     mail_sink):
    load(engine, tmp_path, AGENTS, [
        breached("red-1", "r1"),  # red: r1 and red's leads
        breached("blue-1", "b1"),  # blue has no lead: every supervisor
        breached("queue-1", "b2", team="red"),  # blue agent, red queue: red's leads
        breached("none-1", "n1"),  # no team: every supervisor
        breached("lead-item", "r-lead1"),  # a lead's own item: that lead once
        breached("red-unassigned", team="red"),
    ])
    config = settings(smtp_host="127.0.0.1", smtp_port=mail_sink.port, smtp_security="none",
                      smtp_sender="alerts@support.example")
    run_check_sla_breaches(engine, us(NOW), config)
    every_supervisor = {"r-lead1", "r-lead2", "free-lead", "boss"}
    red_leads = {"r-lead1", "r-lead2"}
    assert alerted(engine, "breach") == {
        "red-1": {"r1"} | red_leads,
        "blue-1": {"b1"} | every_supervisor,
        "queue-1": {"b2"} | red_leads,
        "none-1": {"n1"} | every_supervisor,
        "lead-item": red_leads,
        "red-unassigned": red_leads,
    }
    run_send_sla_breach_alerts(engine, us(NOW), config)
    run_send_sla_breach_alerts(engine, us(NOW + M), config)  # nothing twice
    mails = {address: len(mail_sink.messages_to(address)) for address in mail_sink.recipients()}
    assert mails == {f"{who}@example.com": 1 for who in
                     ("r1", "b1", "b2", "n1") + tuple(every_supervisor)}
    # red's four, and the two of no team or a leadless team that every supervisor hears of.
    assert "6 breaches" in mail_sink.messages_to("r-lead2@example.com")[0]["Subject"]
    assert "2 breaches" in mail_sink.messages_to("free-lead@example.com")[0]["Subject"]

def test_reassignment_stays_inside_the_effective_team(engine, tmp_path):
    gone = {**member("r-gone", "red"), "active": "false"}
    b_gone = {**member("b-gone", "blue"), "active": "false"}
    n_gone = {**member("n-gone", None), "active": "false"}
    load(engine, tmp_path, AGENTS + [gone, b_gone, n_gone], [
        breached("r-a", "r-gone"), breached("r-b", "r-gone"), breached("r-c", "r-gone"),
        breached("r-load", "r1"),  # r1 has one open item, r2 room for one, r3 none
        breached("q-blue", "r-gone", team="blue"),  # red agent, blue queue: to b1/b2
        breached("n-a", "n-gone"),  # no team: the whole staff
    ])
    counts = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings())
    assert counts["unplaced"] == 0
    with Session(engine) as session:
        where = dict(session.execute(select(Item.id, Item.assignee_id)).all())
        teams = dict(session.execute(select(Item.id, Item.effective_team)).all())
    # Most urgent first, then by id: all equal here, so n-a, q-blue, r-a, r-b, r-c.
    # n-a (no team) to the whole staff's least-loaded: b1 (none open, first id), now blue.
    assert where["n-a"] == "b1" and teams["n-a"] == "blue"
    # q-blue (blue queue) inside blue: b2, whom the whole staff's pick left the lighter.
    assert where["q-blue"] == "b2" and teams["q-blue"] == "blue"
    # Red: r2 (0 open, max 1), r3 (0), then r1 (1 open, and r2 is full).
    assert [where[i] for i in ("r-a", "r-b", "r-c")] == ["r2", "r3", "r1"]
    assert {teams[i] for i in ("r-a", "r-b", "r-c")} == {"red"}

def test_an_item_of_a_team_without_room_alerts_that_teams_leads(engine, tmp_path):
    gone = {**member("r-gone", "red"), "active": "false"}
    b_gone = {**member("b-gone", "blue"), "active": "false"}
    red_only = [member("r-lead1", "red", "lead"), member("r1", "red", max_open=0),
                member("b1", "blue", max_open=0), member("free-lead", None, "lead"),
                member("boss", None, "admin")]
    load(engine, tmp_path, red_only + [gone, b_gone],
         [breached("stuck", "r-gone"), breached("blue-stuck", "b-gone")])
    counts = run_auto_reassign_unresolved_tasks(engine, us(NOW), settings())
    assert counts["unplaced"] == 2
    assert alerted(engine, "unplaced") == {"stuck": {"r-lead1"},
                                           "blue-stuck": {"r-lead1", "free-lead", "boss"}}
