"""The team selector: a lead's console opens on their team, every view and export follows
the choice, "all teams" is one choice away, and the choice is remembered."""

from __future__ import annotations

import csv
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSettings

from console.views.dashboard_charts import WORKLOAD_TOP, top_by_load
from console.widgets.team_selector import ALL_TEAMS
from core.access import Actor
from core.db import make_engine, session_scope
from core.reports import run_report
from core.settings import Settings
from core.window import Window
from tests.gui_helpers import FIXED_NOW, TZ, build_demo_database, wait_all_loaded

pytestmark = pytest.mark.gui


def open_as(qtbot, url, state_path, actor):
    from console.app import Console

    state = QSettings(str(state_path), QSettings.Format.IniFormat)
    console = Console(Settings(db_url=url, timezone=TZ), clock=lambda: FIXED_NOW, state=state,
                      watch_changes=False, actor=actor)
    with qtbot.waitSignal(console.startup.ready, timeout=30_000):
        console.start()
    console.window.build_all_views()
    wait_all_loaded(qtbot, console)
    return console


def workload_ids(url, team):
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = run_report(session, "workload", Window(FIXED_NOW, 30, ZoneInfo(TZ)),
                          settings=Settings(timezone=TZ), team=team)["agents"]
    engine.dispose()
    return sorted(row["agent_id"] for row in rows)


def shown_ids(console):
    return sorted(row["agent_id"] for row in console.window.views["workload"].model.rows())


def test_a_lead_opens_on_their_team_and_switches_to_all_teams(qtbot, sqlite_url, tmp_path):
    build_demo_database(sqlite_url, agents=40, items=800)
    lead = Actor(id="lead02", role="lead", name="Lead Two")  # the logistics lead
    console = open_as(qtbot, sqlite_url, tmp_path / "state.ini", lead)
    selector = console.window.team_selector
    assert selector.choice.currentText() == "logistics"
    assert [selector.choice.itemText(i) for i in range(selector.choice.count())] == [
        ALL_TEAMS, "accounts", "billing", "logistics"]
    team_only = workload_ids(sqlite_url, "logistics")
    assert shown_ids(console) == team_only and 0 < len(team_only) < 40
    breaches = console.window.views["breaches"].model.rows()
    expected = run_report_count(sqlite_url, "breaches", "logistics")
    assert len(breaches) == expected

    console.window.show_view("workload")
    exported = console.window.export_table("csv", str(tmp_path / "workload.csv"))
    with open(exported, newline="", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == len(team_only) + 1  # the header

    with qtbot.waitSignal(console.window.views["workload"].figures_shown, timeout=30_000):
        selector.choice.setCurrentIndex(0)  # all teams
    assert console.context.team.name is None
    assert shown_ids(console) == workload_ids(sqlite_url, None) and len(shown_ids(console)) == 40
    console.shutdown()

    again = open_as(qtbot, sqlite_url, tmp_path / "state.ini", lead)  # remembered
    assert again.window.team_selector.choice.currentText() == ALL_TEAMS
    assert len(shown_ids(again)) == 40
    again.shutdown()


def run_report_count(url, name, team):
    engine = make_engine(url)
    with session_scope(engine) as session:
        count = run_report(session, name, Window(FIXED_NOW, 30, ZoneInfo(TZ)),
                           settings=Settings(timezone=TZ), team=team)["count"]
    engine.dispose()
    return count


def test_the_workload_chart_keeps_the_most_loaded_and_adds_up_the_rest():
    agents = [{"agent_id": f"a{n:03d}", "agent_name": f"A {n}", "open_tickets": n % 7,
               "open_disputes": n % 3, "open_orders": 1, "total_open": n % 7 + n % 3 + 1}
              for n in range(200)]
    rows = top_by_load(agents)
    assert len(rows) == WORKLOAD_TOP + 1 and rows[-1]["agent_name"] == "180 others (mean)"
    shown, others = rows[:-1], rows[-1]
    rest = [a for a in agents if a not in shown]
    assert min(r["total_open"] for r in shown) >= max(a["total_open"] for a in rest)
    assert others["others_total"] == sum(a["total_open"] for a in rest)
    assert others["total_open"] == round(others["others_total"] / 180, 2)
    assert top_by_load(agents[:12]) == agents[:12]  # a small team: every agent, as given
