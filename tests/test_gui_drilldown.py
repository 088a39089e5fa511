"""The items behind a figure in the console: tiles and chart bars open them, export, preview."""

import csv
import threading
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QPushButton

from console.views.base import ItemsRequest
from core.db import make_engine, session_scope
from core.reports import run_report
from core.settings import Settings
from core.window import Window
from tests.gui_helpers import FIXED_NOW, TZ

# Offscreen, a top-level window (the items window, a dialog) warns about size hints.
pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def report(url, name, **options):
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return run_report(session, name, Window(FIXED_NOW, 30, ZoneInfo(TZ)),
                              settings=Settings(timezone=TZ), **options)
    finally:
        engine.dispose()


def opened_items(qtbot, console, click):
    """Run click(); wait for the items window it opens to show its items."""
    from console.views.items_view import ItemsView

    before = set(console.window.findChildren(ItemsView))
    click()
    qtbot.waitUntil(lambda: bool(set(console.window.findChildren(ItemsView)) - before),
                    timeout=10_000)
    (view,) = set(console.window.findChildren(ItemsView)) - before
    qtbot.waitUntil(lambda: view.refresh_count > 0 or bool(view.last_error), timeout=20_000)
    assert not view.last_error
    return view


def click_chart_at(qtbot, chart, x, y):
    scene = chart.getPlotItem().vb.mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=chart.mapFromScene(scene))


def test_a_tile_click_opens_exactly_the_items_behind_it(qtbot, console, known_url):
    dashboard = console.window.views["dashboard"]
    console.window.show_view("dashboard")
    tile = dashboard.tiles["active_breaches"]
    view = opened_items(qtbot, console,
                        lambda: qtbot.mouseClick(tile, Qt.MouseButton.LeftButton))
    expected = report(known_url, "items", figure="active_breaches")
    assert expected["count"] > 0
    assert view.item_ids() == [row["item_id"] for row in expected["items"]]
    assert view.total == expected["count"] == int(tile.value_text.replace(",", ""))
    assert view.windowTitle().startswith("Active breaches — team — now")
    # every listed item shows its SLA state
    column = view.model.SLA
    assert all(view.proxy.index(r, column).data().startswith("breached")
               for r in range(view.proxy.rowCount()))
    view.close()


def test_a_chart_bar_click_opens_that_weeks_items(qtbot, console, known_url):
    dashboard = console.window.views["dashboard"]
    console.window.show_view("dashboard")
    qtbot.waitUntil(lambda: dashboard.trend_chart.isVisible()
                    and dashboard.trend_chart._click is not None,
                    timeout=10_000)
    week = dashboard.payload["trends"][1]
    from console.views.dashboard_charts import DAY_S, week_seconds

    bar_x = week_seconds(week["week_start"], ZoneInfo(TZ)) + 3.5 * DAY_S - 1.5 * DAY_S
    view = opened_items(qtbot, console, lambda: click_chart_at(
        qtbot, dashboard.trend_chart, bar_x, max(week["tickets_created"], 1) / 2))
    expected = report(known_url, "items", figure="tickets_handled", week=week["week"])
    assert expected["count"] == week["tickets_created"] > 0
    assert view.item_ids() == [row["item_id"] for row in expected["items"]]
    assert f"week {week['week']} ({week['week_start']}" in view.windowTitle()
    view.close()


def test_filters_details_and_the_full_export(qtbot, console, known_url, tmp_path, monkeypatch):
    from console.views import items_view

    monkeypatch.setattr(items_view, "SHOWN_LIMIT", 5)
    view = opened_items(qtbot, console, lambda: console.window.show_figure_items(
        ItemsRequest("open")))
    expected = report(known_url, "items", figure="open")
    assert len(view.item_ids()) == 5 < expected["count"] == view.total
    assert "export writes all of them" in view.status.text()

    kind = view.filters["kind"]
    kind.setCurrentIndex(kind.findData("dispute"))
    assert view.proxy.rowCount() == sum(
        1 for r in expected["items"][:5] if r["kind"] == "dispute")
    kind.setCurrentIndex(0)

    view.table.selectRow(0)
    failures = []
    view.load_failed.connect(failures.append)
    rect = view.table.visualRect(view.proxy.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: view.item_actions.details_dialog is not None or bool(failures),
                    timeout=10_000)
    assert not failures
    assert view.item_actions.details_dialog.windowTitle() == f"Item {view.item_ids()[0]}"
    view.item_actions.details_dialog.reject()

    path = tmp_path / "open.csv"
    with qtbot.waitSignal(view.export_finished, timeout=20_000) as done:
        view.export("csv", path)
    assert done.args[0]["rows"] == expected["count"]
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["item_id"] for r in rows] == [r["item_id"] for r in expected["items"]]

    xlsx = tmp_path / "open.xlsx"
    with qtbot.waitSignal(view.export_finished, timeout=20_000):
        view.export("xlsx", xlsx)
    from openpyxl import load_workbook

    workbook = load_workbook(xlsx, read_only=True)
    cells = [row[0] for row in workbook["items"].iter_rows(values_only=True)]
    workbook.close()
    assert cells == ["item_id"] + [r["item_id"] for r in expected["items"]]
    view.close()


def test_a_cancelled_export_leaves_no_file(qtbot, console, tmp_path, monkeypatch):
    from core import item_export

    monkeypatch.setattr(item_export, "PROGRESS_EVERY", 1)
    gate, real_cells = threading.Event(), item_export._cells

    def held_cells(row):  # the first row waits until the person has pressed Cancel
        gate.wait(10)
        return real_cells(row)

    monkeypatch.setattr(item_export, "_cells", held_cells)
    view = opened_items(qtbot, console, lambda: console.window.show_figure_items(
        ItemsRequest("tickets_handled")))
    assert view.total > 1
    path = tmp_path / "handled.csv"
    with qtbot.waitSignal(view.export_cancelled, timeout=20_000):
        view.export("csv", path)
        qtbot.mouseClick(view.progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
        gate.set()
    assert not path.exists()
    assert list(tmp_path.glob("*.part*")) == []
    view.close()


def test_medians_sit_under_the_means(console, known_url):
    dashboard = console.window.views["dashboard"]
    performance = report(known_url, "performance")
    text = dashboard.tiles["avg_response_time_hours"].secondary.text()
    assert text == (f"median {performance['median_response_time_hours']:,.2f} h · "
                    f"P90 {performance['p90_response_time_hours']:,.2f} h")
    comparison = console.window.views["comparison"]
    first = comparison.model.rows()[0]
    expected = {a["agent_id"]: a for a in report(known_url, "comparison")["agents"]}
    assert first["p90_resolution_time_hours"] == \
        expected[first["agent_id"]]["p90_resolution_time_hours"]
    marks = [item for item in dashboard.response_chart.getPlotItem().items
             if item.objectName() == "median_response_time_hours"]
    assert len(marks) == 1


def test_the_policy_preview_shows_before_and_after(qtbot, console, known_url):
    from console.views.policy_preview import PolicyPreview

    preview = PolicyPreview(console.window.context)
    qtbot.addWidget(preview)
    stricter = [("ticket", p, 1, 1) for p in ("low", "medium", "high", "urgent")]
    with qtbot.waitSignal(preview.preview_shown, timeout=20_000):
        preview.preview(stricter)
    total = preview.model.rows()[0]
    sla = report(known_url, "sla")
    assert total["kind"] == "all"
    assert total["breached_before"] == sla["breached_count"]
    assert total["tracked_before"] == sla["total_sla_tasks"]
    assert total["breached_after"] > total["breached_before"]
    assert "→" in preview.summary.text()
    assert report(known_url, "sla") == sla  # nothing was written


def test_a_comparison_row_opens_that_agents_tickets(qtbot, console, known_url):
    comparison = console.window.views["comparison"]
    console.window.show_view("comparison")
    index = comparison.proxy.index(0, 0)
    agent_id = index.data()
    rect = comparison.table.visualRect(index)

    def double_click():
        viewport = comparison.table.viewport()
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())

    view = opened_items(qtbot, console, double_click)
    expected = report(known_url, "items", figure="tickets_handled", agent_id=agent_id)
    assert view.item_ids() == [row["item_id"] for row in expected["items"]]
    row = next(r for r in comparison.model.rows() if r["agent_id"] == agent_id)
    assert view.total == row["tickets_handled"]
    assert " — agent " in view.windowTitle()
    view.close()
