"""Each view shows the same figures as the services (the command line's reports) on a known database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from console.models.breach_model import BreachListModel
from console.views.dashboard_view import TILES
from console.widgets.tiles import number
from core.dashboard import build_dashboard
from core.db import make_engine, session_scope
from core.reports import run_report
from core.settings import Settings
from core.window import Window
from tests.gui_helpers import FIXED_NOW, TZ, wait_all_loaded

pytestmark = pytest.mark.gui


def report(url, name, days=30, agent_id=None):
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return run_report(session, name, Window(FIXED_NOW, days, ZoneInfo(TZ)),
                              agent_id=agent_id, settings=Settings(timezone=TZ))
    finally:
        engine.dispose()


def model_rows(model, keys):
    return [{k: row[k] for k in keys} for row in model.rows()]


def test_dashboard_tiles_and_charts_match_the_services(console, known_url):
    view = console.window.views["dashboard"]
    engine = make_engine(known_url)
    with session_scope(engine) as session:
        expected = build_dashboard(session, Window(FIXED_NOW, 30, ZoneInfo(TZ)),
                                   Settings(timezone=TZ))
    engine.dispose()
    performance = report(known_url, "performance")
    for key, _caption, fmt, _hint in TILES:
        assert view.tiles[key].value_text == fmt(expected["tiles"][key]), key
    for key in ("resolution_rate_percent", "avg_response_time_hours", "performance_score",
                "sla_compliance_rate_percent", "avg_resolution_time_hours"):
        assert view.payload["tiles"][key] == performance[key]
    assert view.payload["trends"] == report(known_url, "trends")["trends"]
    assert view.payload["workload"] == report(known_url, "workload")
    created = view.trend_chart.getPlotItem().listDataItems() or [
        item for item in view.trend_chart.getPlotItem().items if hasattr(item, "opts")]
    heights = [list(item.opts["height"]) for item in created if item.opts.get("name") == "Created"]
    assert heights == [[w["tickets_created"] for w in expected["trends"]]]
    assert "ticket" in view.workload_chart.hover_at(5, 0)


def test_agent_view_matches_the_metrics_report(console, known_url, qtbot):
    view = console.window.views["agent"]
    agents = report(known_url, "comparison")["agents"]
    chosen = sorted(a["agent_id"] for a in agents)[1]
    with qtbot.waitSignal(view.figures_shown, timeout=20_000):
        view.select_agent(chosen)
    metrics = report(known_url, "metrics", agent_id=chosen)
    assert view.agent_id == chosen
    assert view.tiles["tickets_resolved_this_month"].value_text == number()(
        metrics["tickets_resolved_this_month"])
    assert view.tiles["resolution_rate"].value_text == number(1, "%")(metrics["resolution_rate"])
    assert view.tiles["avg_response_time_hours"].value_text == number(2, "h")(
        metrics["avg_response_time_hours"])
    assert view.breakdown.score.text().startswith(f"{metrics['performance_score']:.1f}")
    parts = [float(view.breakdown.texts[k].text().split()[0]) for k in ("resolution", "response", "sla")]
    assert abs(sum(parts) - metrics["performance_score"]) <= 0.2
    trends = report(known_url, "performance-trends", agent_id=chosen)["trends"]
    assert view.result["dashboard"]["performance_trends"] == trends


def test_comparison_and_workload_tables_match_the_reports(console, known_url):
    comparison = console.window.views["comparison"]
    expected = report(known_url, "comparison")["agents"]
    by_id = lambda rows: sorted(rows, key=lambda r: r["agent_id"])
    assert by_id(comparison.model.rows()) == by_id(expected)
    proxy = comparison.proxy
    scores = [proxy.index(r, 2).data() for r in range(proxy.rowCount())]
    assert scores[0] == f"{expected[0]['performance_score']:.1f}"  # sorted by score, best first
    workload = console.window.views["workload"]
    expected_workload = report(known_url, "workload")
    assert by_id(workload.model.rows()) == by_id(expected_workload["agents"])
    assert f"{expected_workload['unassigned_open']:,} open items unassigned" in workload.status.text()


def test_breach_list_matches_the_breach_and_at_risk_reports(console, known_url):
    view = console.window.views["breaches"]
    breaches = report(known_url, "breaches")
    at_risk = report(known_url, "at-risk")
    keys = ("item_id", "kind", "priority", "assignee", "targets", "due_at", "overdue_minutes")
    shown = model_rows(view.model, keys)
    assert shown == [{k: e[k] for k in keys} for e in breaches["breaches"] + at_risk["items"]]
    assert breaches["count"] > 0
    view.filters["kind"].setCurrentIndex(view.filters["kind"].findData("dispute"))
    kinds = {view.proxy.index(r, BreachListModel.KIND).data() for r in range(view.proxy.rowCount())}
    assert kinds <= {"dispute"}
    assert view.proxy.rowCount() == sum(1 for e in breaches["breaches"] + at_risk["items"]
                                        if e["kind"] == "dispute")


def test_changing_the_period_reloads_every_view(console, known_url, qtbot):
    views = console.window.views.values()
    with qtbot.waitSignals([v.figures_shown for v in views], timeout=30_000):
        console.window.period_selector.choice.setCurrentIndex(0)  # 7 days
    assert console.context.period.days == 7
    shown = console.window.views["comparison"].model.rows()
    expected = report(known_url, "comparison", days=7)["agents"]
    assert sorted(shown, key=str) == sorted(expected, key=str)
    assert len(console.window.views["dashboard"].payload["trends"]) == 1


def test_a_data_change_loads_the_view_on_screen_first(console, qtbot):
    """The others start loading only once it shows its fresh figures: their worker threads
    would otherwise hold the GIL while the GUI thread draws the visible charts."""
    wait_all_loaded(qtbot, console)
    window = console.window
    window.show_view("breaches")
    events = []
    for view in window.views.values():
        view.loading_started.connect(lambda key=view.key: events.append(("start", key)))
        view.figures_shown.connect(lambda key=view.key: events.append(("shown", key)))
    with qtbot.waitSignals([v.figures_shown for v in window.views.values()], timeout=30_000):
        console.bus.announce_local_change()
    assert events[0] == ("start", "breaches")
    shown = events.index(("shown", "breaches"))
    others = {key for what, key in events[shown + 1:] if what == "start"}
    assert others == set(window.views) - {"breaches"}, events
    assert not [e for e in events[1:shown] if e[0] == "start"], events


def test_stored_snapshot_shows_while_fresh_figures_load(qtbot, known_url, monkeypatch,
                                                       open_console):
    import json

    from console.views.dashboard_view import DashboardView
    from core.db import write_transaction
    from core.models import DashboardSnapshot

    engine = make_engine(known_url)
    with session_scope(engine) as session:
        payload = build_dashboard(session, Window(FIXED_NOW, 30, ZoneInfo(TZ)), Settings())
    with write_transaction(engine) as session:
        session.merge(DashboardSnapshot(scope="team", computed_at=FIXED_NOW,
                                        payload=json.dumps(payload)))
    engine.dispose()
    release = threading.Event()
    original = DashboardView.fetch

    def slow_fetch(self, session, request):
        release.wait(20)
        return original(self, session, request)

    monkeypatch.setattr(DashboardView, "fetch", slow_fetch)
    console = open_console(known_url)
    view = console.window.views["dashboard"]
    try:
        qtbot.waitUntil(lambda: view.showing_snapshot, timeout=10_000)
        assert "Stored figures" in view.status.text()
        assert view.tiles["open_items"].value_text == f"{payload['tiles']['open_items']:,}"
        with qtbot.waitSignal(view.figures_shown, timeout=20_000):
            release.set()
        assert not view.showing_snapshot
    finally:
        release.set()


def test_a_failing_load_shows_a_banner_not_a_dialog(qtbot, known_url, monkeypatch, open_console):
    from console.views.workload_view import WorkloadView

    def broken(self, session, request):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(WorkloadView, "fetch", broken)
    console = open_console(known_url)
    qtbot.waitUntil(lambda: "disk on fire" in console.window.banner.text, timeout=20_000)
    assert console.window.isVisible()
    assert console.window.views["workload"].last_error


def test_exports_write_csv_xlsx_and_png(console, tmp_path):
    from openpyxl import load_workbook

    window = console.window
    window.show_view("comparison")
    csv_path = window.export_table("csv", str(tmp_path / "comparison.csv"))
    lines = (tmp_path / "comparison.csv").read_text(encoding="utf-8").splitlines()
    assert csv_path and lines[0].startswith("Agent,Name,Score")
    assert len(lines) == 1 + window.views["comparison"].model.rowCount()
    window.export_table("xlsx", str(tmp_path / "comparison.xlsx"))
    sheet = load_workbook(tmp_path / "comparison.xlsx").active
    assert sheet.cell(1, 1).value == "Agent"
    assert isinstance(sheet.cell(2, 3).value, float | int)
    window.show_view("dashboard")
    window.export_chart(str(tmp_path / "chart.png"))
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_window_remembers_view_period_and_geometry(known_url, open_console):
    console = open_console(known_url)
    console.window.show_view("breaches")
    console.context.period.set_days(90)
    console.window.resize(1000, 700)  # offscreen screens are 800 px wide: Qt clamps wider
    size = console.window.size()
    console.shutdown()
    again = open_console(known_url)
    assert again.window.current_view.key == "breaches"
    assert again.context.period.days == 90
    assert again.window.period_selector.choice.currentData() == 90
    assert again.window.size() == size


def test_window_title_names_the_database_and_marks_demo_data(console, known_url):
    title = console.window.windowTitle()
    assert title.startswith("Support Console — sqlite:///")
    assert title.endswith("— DEMO DATA")
    assert console.window.demo_label.isVisibleTo(console.window)
    assert console.window.views["breaches"].table.horizontalHeader().isSortIndicatorShown()
    assert Qt.AlignmentFlag.AlignRight


def test_only_the_first_view_is_built_before_the_window_shows(qtbot, known_url, open_console):
    """The first paint waits for one view; the others are built after it, one per event-loop
    turn, before the figures load."""
    console = open_console(known_url, start=False)
    window = console.window
    assert list(window.views) == ["dashboard"]
    assert window.navigation.count() == len(window.view_classes) == 7
    built = []
    window.view_built.connect(lambda view: built.append(view.key))
    console.start()
    qtbot.waitUntil(lambda: len(window.views) == 7 and all(
        v.refresh_count > 0 and not v.loading for v in window.views.values()),
        timeout=30_000)
    assert built == [key for key in window.view_classes if key != "dashboard"]
    window.show_view("breaches")
    assert window.current_view is window.views["breaches"]


def test_breach_list_shows_the_sla_clock_and_paused_items(console, known_url):
    view = console.window.views["breaches"]
    rows = view.model.rows()
    clocks = [view.model.index(n, BreachListModel.CLOCK).data() for n in range(len(rows))]
    calendars = {view.model.index(n, BreachListModel.CALENDAR).data() for n in range(len(rows))}
    # Demo data: some breached items wait on the customer now, their clock stopped.
    paused = [row for row, text in zip(rows, clocks, strict=True)
              if text.startswith("paused since")]
    assert paused and all(row["clock"]["paused_since"] is not None for row in paused)
    assert "office" in calendars
    at_risk = [text for row, text in zip(rows, clocks, strict=True) if row["state"] == "at risk"]
    assert all("business min left" in text for text in at_risk)
    # The item details say the same, with each target's running time.
    from console.actions import item_details
    from console.views.item_details_dialog import describe_clock

    def load_details():  # the console reads off the GUI thread; so does this test
        engine = make_engine(known_url)
        try:
            with session_scope(engine) as session:
                return item_details(session, paused[0]["item_id"], FIXED_NOW)
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as pool:
        details = pool.submit(load_details).result(timeout=30)
    text = describe_clock(details["clock"], ZoneInfo(TZ))
    assert "paused since" in text and "business min" in text


def test_table_exports_write_formulas_as_text(qtbot, tmp_path):
    """Issue 13 item 6: a subject such as =HYPERLINK(...) is no live formula in CSV or XLSX."""
    from openpyxl import load_workbook
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from console.widgets import export

    model = QStandardItemModel(0, 2)
    model.setHorizontalHeaderLabels(["Subject", "Overdue"])
    hostile = '=HYPERLINK("http://evil.example","y")'
    model.appendRow([QStandardItem(hostile), QStandardItem("12")])
    model.appendRow([QStandardItem("-1+2"), QStandardItem("3")])
    export.export_csv(model, tmp_path / "t.csv")
    import csv

    with (tmp_path / "t.csv").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1:] == [["'" + hostile, "12"], ["'-1+2", "3"]]
    export.export_xlsx(model, tmp_path / "t.xlsx", "Breaches")
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet.cell(2, 1).value == "'" + hostile and sheet.cell(2, 1).data_type == "s"
    assert sheet.cell(3, 1).value == "'-1+2"
    assert not list(tmp_path.glob("*.part"))


def test_an_agents_own_dashboard_is_titled_for_the_agent(qtbot, known_url, open_console):
    """Issue 13 item 9: an agent's dashboard shows their own figures, and says so."""
    from sqlalchemy import select

    from core.access import Actor
    from core.schema import agents

    engine = make_engine(known_url)
    with engine.connect() as conn:
        agent_id, name = conn.execute(select(agents.c.id, agents.c.name)
                                      .where(agents.c.role == "agent")
                                      .order_by(agents.c.id)).first()
    engine.dispose()
    console = open_console(known_url, actor=Actor(agent_id, "agent", name), start=False)
    dashboard_shown = console.window.view("dashboard").figures_shown
    with qtbot.waitSignal(dashboard_shown, timeout=30_000):
        console.start()
    view = console.window.views["dashboard"]
    assert console.window.navigation.item(0).text() == view.title == "My dashboard"
    assert view.status.text().startswith(f"Your figures ({agent_id}) for the last 30 days")
    assert "Team" not in view.status.text()
