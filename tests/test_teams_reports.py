"""Teams (docs/rules.md, "Teams", "Import format"): `--team` on the reports, the role
rules, and the team columns of import and export, on hand-made teams."""

from __future__ import annotations

import pytest

from tests.rules_helpers import (
    AGENT_HEADER,
    ITEM_HEADER,
    NOW,
    D,
    agent,
    item,
    policy,
    run,
    ts,
    write_csv,
    write_folder,
)

# red: lead lr, agents a1 a2; blue: agent b1, no lead; n1 and ld belong to no team.
AGENTS = [
    {**agent("a1"), "team": "red"}, {**agent("a2"), "team": "red"},
    {**agent("b1"), "team": "blue"}, agent("n1"),
    {**agent("lr", "lead"), "team": "red"}, agent("ld", "lead"), agent("adm", "admin"),
]
ITEMS = [
    item("i1", NOW - D, assignee="a1", first_response=NOW - D + D / 24, resolved=NOW - D / 2),
    item("i2", NOW - D, assignee="a2"),
    item("i3", NOW - D, assignee="b1"),
    {**item("i4", NOW - D, assignee="a1"), "team": "blue"},  # a red agent, the blue queue
    {**item("i5", NOW - D), "team": "red"},  # unassigned, in the red queue
    item("i6", NOW - D, assignee="n1"),  # no team at all
    item("i7", NOW - D, kind="dispute"),
    item("i8", NOW - D, kind="order", assignee="b1"),
]


def cli(capsys, db_url, *argv):
    return run(capsys, "--db", db_url, *argv)


@pytest.fixture
def teams_db(capsys, db_url, tmp_path):
    folder = tmp_path / "teams"
    write_csv(folder, "agents.csv", AGENT_HEADER + ["team"], AGENTS)
    write_csv(folder, "items.csv", ITEM_HEADER + ["team"], ITEMS)
    write_folder(folder, policies=[policy("ticket", "medium", 60, 240)])
    assert cli(capsys, db_url, "init")[0] == 0
    code, _, err = cli(capsys, db_url, "import", folder)
    assert code == 0, err
    return db_url


def team_report(capsys, db_url, name, team, *extra):
    code, data, err = cli(capsys, db_url, "report", name, "--now", ts(NOW), "--tz", "UTC",
                          "--team", team, *extra)
    assert code == 0, err
    return data


def test_figures_cover_the_items_of_the_effective_team(capsys, teams_db):
    red = team_report(capsys, teams_db, "performance", "red")
    assert (red["tickets_handled"], red["tickets_resolved"]) == (3, 1)  # i1 i2 i5
    blue = team_report(capsys, teams_db, "performance", "blue")
    assert (blue["tickets_handled"], blue["tickets_resolved"]) == (2, 0)  # i3 i4
    sla = team_report(capsys, teams_db, "sla", "blue")
    assert (sla["total_sla_tasks"], sla["breached_count"]) == (2, 2)
    breaches = team_report(capsys, teams_db, "breaches", "red")
    assert sorted(b["item_id"] for b in breaches["breaches"]) == ["i2", "i5"]
    at_risk = team_report(capsys, teams_db, "at-risk", "red")
    assert at_risk["count"] == 0
    weeks = team_report(capsys, teams_db, "trends", "red")["trends"]
    assert sum(w["tickets_created"] for w in weeks) == 3
    metrics = team_report(capsys, teams_db, "metrics", "red")
    assert metrics["tickets_resolved_today"] == 1


def test_comparison_and_workload_rows_are_the_teams_agents(capsys, teams_db):
    rows = team_report(capsys, teams_db, "comparison", "red")["agents"]
    handled = {r["agent_id"]: r["tickets_handled"] for r in rows}
    assert handled == {"a1": 1, "a2": 1}  # i4 is blue's, though a1 holds it
    red = team_report(capsys, teams_db, "workload", "red")
    assert [(r["agent_id"], r["total_open"], r["share_percent"]) for r in red["agents"]] == [
        ("a1", 0, 0.0), ("a2", 1, 100.0)]
    assert red["unassigned_open"] == 1  # i5
    blue = team_report(capsys, teams_db, "workload", "blue")
    # The blue queue's assigned open items: i3 and i8 (b1), i4 (a1, not a blue agent).
    assert [(r["agent_id"], r["total_open"], r["share_percent"]) for r in blue["agents"]] == [
        ("b1", 2, 66.7)]
    assert blue["unassigned_open"] == 0


def test_a_lead_may_ask_for_any_team_an_agent_for_none(capsys, teams_db):
    assert team_report(capsys, teams_db, "performance", "blue", "--as", "lr")[
        "tickets_handled"] == 2
    code, data, err = cli(capsys, teams_db, "report", "performance", "--now", ts(NOW),
                          "--team", "red", "--as", "a1")
    assert (code, data) == (3, None) and "permission denied" in err.lower()
    code, _, err = cli(capsys, teams_db, "report", "workload", "--now", ts(NOW),
                       "--team", "green")
    assert code == 2 and "green" in err and "Traceback" not in err


def test_without_team_the_reports_cover_everyone(capsys, teams_db):
    code, everyone, _ = cli(capsys, teams_db, "report", "performance", "--now", ts(NOW))
    assert code == 0 and everyone["tickets_handled"] == 6


def test_export_writes_the_team_columns_and_reads_them_back(capsys, teams_db, tmp_path):
    assert cli(capsys, teams_db, "export", tmp_path / "out")[0] == 0
    agents = (tmp_path / "out" / "agents.csv").read_text().splitlines()
    assert agents[0].endswith(",team") and "a1," in agents[1] and agents[1].endswith(",red")
    items = (tmp_path / "out" / "items.csv").read_text().splitlines()
    assert items[0].endswith(",team")
    assert [line.rsplit(",", 1)[1] for line in items[1:]] == [
        "", "", "", "blue", "red", "", "", ""]


def test_an_old_file_keeps_teams_and_a_team_change_moves_the_items(capsys, teams_db,
                                                                      tmp_path):
    # agents.csv without the team column: the agents keep their teams.
    write_folder(tmp_path / "old", agents=[agent("a1", name="Renamed")])
    assert cli(capsys, teams_db, "import", tmp_path / "old")[0] == 0
    assert team_report(capsys, teams_db, "performance", "red")["tickets_handled"] == 3
    # a2 moves to blue: their items without a queue of their own follow them.
    write_csv(tmp_path / "move", "agents.csv", AGENT_HEADER + ["team"],
              [{**agent("a2"), "team": "blue"}])
    assert cli(capsys, teams_db, "import", tmp_path / "move")[0] == 0
    assert team_report(capsys, teams_db, "performance", "red")["tickets_handled"] == 2
    assert team_report(capsys, teams_db, "performance", "blue")["tickets_handled"] == 3
    # items.csv without the team column: i4 stays in the blue queue.
    write_folder(tmp_path / "items", items=[item("i4", NOW - D, assignee="a1")])
    assert cli(capsys, teams_db, "import", tmp_path / "items")[0] == 0
    assert team_report(capsys, teams_db, "performance", "blue")["tickets_handled"] == 3


def test_demo_data_exports_byte_identical_after_import(capsys, sqlite_url, tmp_path):
    second = f"sqlite:///{tmp_path / 'second.db'}"
    assert cli(capsys, sqlite_url, "demo", "--items", "600", "--now", ts(NOW))[0] == 0
    assert cli(capsys, sqlite_url, "export", tmp_path / "first")[0] == 0
    assert cli(capsys, second, "init")[0] == 0
    assert cli(capsys, second, "import", tmp_path / "first")[0] == 0
    assert cli(capsys, second, "export", tmp_path / "again")[0] == 0
    for name in ("agents.csv", "items.csv", "sla_policies.csv"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "again" / name).read_bytes()
    header = (tmp_path / "first" / "agents.csv").read_text().splitlines()
    assert {line.rsplit(",", 1)[1] for line in header[1:]} >= {"billing", "logistics", "accounts"}
