"""Black-box tests of "Who may see what" (docs/rules.md) on the command line."""

from __future__ import annotations

import pytest

# tests/ is not a package and conftest.py is not ours: make the shared helpers importable
# whatever pytest's import mode is.
from tests.rules_helpers import NOW, D, H, agent, item, load, policy, report, run_raw, ts

AGENT_REPORTS = ["performance", "metrics", "trends", "performance-trends", "sla", "breaches", "at-risk"]


@pytest.fixture
def team_db(capsys, db_url, tmp_path):
    agents = [agent("a1"), agent("a2"), agent("lead1", "lead"), agent("adm1", "admin")]
    items = [
        item("t1", NOW - D, assignee="a1"),
        item("t2", NOW - 2 * D, assignee="a1"),
        item("t3", NOW - D, assignee="a2"),
        # Breached (response due 60 min after creation, none yet).
        item("b1", NOW - 2 * H, priority="low", assignee="a1"),
        item("b2", NOW - 3 * H, priority="low", assignee="a2"),
        item("b3", NOW - 4 * H, priority="low"),
    ]
    load(capsys, db_url, tmp_path / "in", agents=agents, items=items,
         policies=[policy("ticket", "low", response=60)])
    return db_url


def denied(capsys, db_url, name, *extra):
    code, out, err = run_raw(capsys, "--db", db_url, "report", name, "--days", "30",
                             "--now", ts(NOW), "--tz", "UTC", *extra)
    return code, out, err


def test_an_agent_without_agent_option_gets_own_figures(capsys, team_db):
    own = report(capsys, team_db, "performance", as_="a1")
    assert own["tickets_handled"] == 3  # t1 t2 b1, not the team's 6
    named = report(capsys, team_db, "performance", as_="a1", agent="a1")
    assert named["tickets_handled"] == 3


def test_an_agent_sees_only_own_breaches(capsys, team_db):
    data = report(capsys, team_db, "breaches", as_="a1")
    assert [e["item_id"] for e in data["breaches"]] == ["b1"]  # not b2 (a2) nor b3 (unassigned)
    assert data["count"] == 1


def test_an_agent_gets_own_sla_and_trends(capsys, team_db):
    sla = report(capsys, team_db, "sla", as_="a1")
    assert sla["total_sla_tasks"] == 1  # b1
    trends = report(capsys, team_db, "trends", as_="a1")["trends"]
    assert sum(w["tickets_created"] for w in trends) == 3  # t1 t2 b1


@pytest.mark.parametrize("name", AGENT_REPORTS)
def test_an_agent_asking_for_another_agent_is_refused(capsys, team_db, name):
    code, out, err = denied(capsys, team_db, name, "--as", "a1", "--agent", "a2")
    assert code == 3
    assert out == ""  # nothing else
    assert "permission denied" in err.lower()
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["comparison", "workload"])
def test_an_agent_cannot_see_comparison_or_workload(capsys, team_db, name):
    code, out, err = denied(capsys, team_db, name, "--as", "a1")
    assert code == 3
    assert out == ""
    assert "permission denied" in err.lower()


@pytest.mark.parametrize("name", ["performance", "breaches", "comparison"])
def test_someone_not_on_the_team_is_refused(capsys, team_db, name):
    code, out, err = denied(capsys, team_db, name, "--as", "ghost")
    assert code == 3
    assert out == ""
    assert "permission denied" in err.lower()
    assert "Traceback" not in err


def test_a_lead_sees_the_team_and_any_agent(capsys, team_db):
    assert report(capsys, team_db, "performance", as_="lead1")["tickets_handled"] == 6  # all tickets
    assert report(capsys, team_db, "performance", as_="lead1", agent="a2")["tickets_handled"] == 2  # t3 b2
    rows = report(capsys, team_db, "comparison", as_="lead1")["agents"]
    assert {r["agent_id"] for r in rows} == {"a1", "a2"}
    workload = report(capsys, team_db, "workload", as_="lead1")
    assert workload["unassigned_open"] == 1  # b3
    breaches = report(capsys, team_db, "breaches", as_="lead1")
    assert breaches["count"] == 3  # b1 b2 b3


def test_an_admin_and_the_local_operator_see_the_team(capsys, team_db):
    assert report(capsys, team_db, "performance", as_="adm1")["tickets_handled"] == 6
    assert report(capsys, team_db, "performance")["tickets_handled"] == 6
    assert report(capsys, team_db, "workload", as_="adm1")["unassigned_open"] == 1
