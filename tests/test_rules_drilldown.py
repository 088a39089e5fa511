"""`report items` (docs/rules.md, The items behind a figure): every figure's count equals its
list, for the team, one agent and each week, on both databases."""

from __future__ import annotations

import pytest

from tests.drilldown_data import AGENTS, POLICIES, mixed_items
from tests.rules_helpers import NOW, D, H, instant, load, report, run


def items_of(capsys, db_url, figure, **options):
    argv = ["--db", db_url, "report", "items", "--figure", figure, "--days",
            options.pop("days", 14), "--now", NOW.isoformat()]
    for name, value in options.items():
        argv += [f"--{name.rstrip('_')}", value]
    code, data, err = run(capsys, *argv)
    assert code == 0, err
    assert data["count"] == len(data["items"])
    ids = [row["item_id"] for row in data["items"]]
    assert ids == sorted(ids)
    return data


def ids(data):
    return {row["item_id"] for row in data["items"]}


@pytest.fixture
def mixed(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "in", agents=AGENTS, items=mixed_items(), policies=POLICIES)
    return db_url


def test_each_figure_lists_exactly_its_items(capsys, mixed):
    expected = {
        "tickets_handled": {"t1", "t2", "t3", "t4", "t5"},
        "tickets_resolved": {"t1", "t2"},
        "tickets_responded": {"t1", "t2", "t4"},
        "sla_tracked": {"t1", "t2", "t3", "t4", "d1", "d2"},
        "sla_breached": {"t2", "t3"},
        "resolved_on_time": {"t1", "d1"},
        "open": {"t3", "t4", "t5", "t6", "d2"},
        "unassigned_open": {"t5", "d2"},
        "active_breaches": {"t3", "t6"},
        "at_risk": {"t4", "d2"},
    }
    for figure, wanted in expected.items():
        assert ids(items_of(capsys, mixed, figure)) == wanted, figure


def test_rows_carry_the_items_fields_and_breached_targets(capsys, mixed):
    rows = {r["item_id"]: r for r in items_of(capsys, mixed, "sla_tracked")["items"]}
    assert rows["t2"]["breached_targets"] == ["first_response"]
    assert rows["t3"]["breached_targets"] == ["first_response", "resolution"]
    assert rows["t1"]["breached_targets"] == []
    assert rows["t1"]["assignee"] == "a1" and rows["t1"]["status"] == "resolved"
    assert instant(rows["t1"]["created_at"]) == NOW - 10 * D
    assert instant(rows["t1"]["resolved_at"]) == NOW - 10 * D + 4 * H
    assert rows["d2"]["first_response_at"] is None
    assert set(rows["d1"]) == {"item_id", "kind", "priority", "status", "assignee", "subject",
                               "created_at", "first_response_at", "resolved_at",
                               "breached_targets"}


def figures_of(capsys, db_url, days, agent=None):
    perf = report(capsys, db_url, "performance", days=days, agent=agent, now=NOW)
    sla = report(capsys, db_url, "sla", days=days, agent=agent, now=NOW)
    breaches = report(capsys, db_url, "breaches", days=days, agent=agent, now=NOW)
    at_risk = report(capsys, db_url, "at-risk", days=days, agent=agent, now=NOW)
    responded = items_of(capsys, db_url, "tickets_responded", days=days,
                         **({"agent": agent} if agent else {}))
    figures = {
        "tickets_handled": perf["tickets_handled"],
        "tickets_resolved": perf["tickets_resolved"],
        "sla_tracked": sla["total_sla_tasks"],
        "sla_breached": sla["breached_count"],
        "resolved_on_time": sla["resolved_on_time"],
        "active_breaches": breaches["count"],
        "at_risk": at_risk["count"],
    }
    return figures, perf, responded


@pytest.mark.parametrize("who", [None, "a1", "a2", "lead1"])
def test_every_count_equals_its_figure_for_the_team_and_each_agent(capsys, mixed, who):
    for days in (7, 14, 30):
        figures, perf, responded = figures_of(capsys, mixed, days, who)
        for figure, value in figures.items():
            options = {"days": days, **({"agent": who} if who else {})}
            assert items_of(capsys, mixed, figure, **options)["count"] == value, (figure, days)
        # the responded set is the one avg_response_time_hours averages
        if responded["count"]:
            mean = sum((instant(r["first_response_at"]) - instant(r["created_at"])).total_seconds()
                       for r in responded["items"]) / 3600 / responded["count"]
            assert perf["avg_response_time_hours"] == pytest.approx(mean, abs=0.0051)
        else:
            assert perf["avg_response_time_hours"] is None


def test_weeks_match_the_trends_weeks(capsys, mixed):
    for who in (None, "a1"):
        options = {"agent": who} if who else {}
        weeks = report(capsys, mixed, "trends", days=14, agent=who)["trends"]
        for week in weeks:
            n = week["week"]
            handled = items_of(capsys, mixed, "tickets_handled", week=n, **options)
            resolved = items_of(capsys, mixed, "tickets_resolved", week=n, **options)
            assert handled["count"] == week["tickets_created"]
            assert resolved["count"] == week["tickets_resolved"]
    assert ids(items_of(capsys, mixed, "tickets_handled", week=1)) == {"t1", "t2"}
    assert ids(items_of(capsys, mixed, "sla_tracked", week=2)) == {"t3", "t4", "d1", "d2"}


def test_an_agent_sees_only_their_items(capsys, mixed):
    assert ids(items_of(capsys, mixed, "open", as_="a2")) == {"t3", "t6"}
    assert ids(items_of(capsys, mixed, "sla_breached", as_="a1")) == {"t2"}


@pytest.mark.parametrize(("argv", "code"), [
    (["--figure", "nonsense"], 2),
    ([], 2),
    (["--figure", "tickets_handled", "--week", "3"], 2),  # 14 days: weeks 1 and 2
    (["--figure", "tickets_handled", "--week", "0"], 2),
    (["--figure", "open", "--week", "1"], 2),  # no window
    (["--figure", "open", "--agent", "a1", "--as", "a2"], 3),
    (["--figure", "unassigned_open", "--as", "a1"], 3),
])
def test_bad_requests_are_refused(capsys, mixed, argv, code):
    result, data, err = run(capsys, "--db", mixed, "report", "items", "--days", "14",
                            "--now", NOW.isoformat(), *argv)
    assert result == code, err
    assert data is None
    assert err.startswith("support-console: ") and "Traceback" not in err


def test_figure_is_only_for_items(capsys, mixed):
    code, _, err = run(capsys, "--db", mixed, "report", "sla", "--figure", "open")
    assert code == 2 and "items" in err
