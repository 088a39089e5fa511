"""Workload (supervisors): open items per agent as a table and stacked bars, and its history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from console.models.sorting import SortProxyModel
from console.models.workload_model import WorkloadModel
from console.views.base import ConsoleView
from console.views.dashboard_charts import KIND_LABELS, draw_workload
from console.widgets.charts import KIND_COLOURS, Chart, nearest_index, plot_line
from console.widgets.tables import DataTable
from core.reports import run_report
from core.window import Window
from core.workload_history import workload_history

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


class WorkloadView(ConsoleView):
    key = "workload"
    title = "Workload"
    supervisor_only = True

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = WorkloadModel(self)
        self.proxy = SortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.history: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.sortByColumn(WorkloadModel.TOTAL, Qt.SortOrder.DescendingOrder)
        self.bars_chart = Chart("Open items per agent by kind", "", "Open items",
                                legend_at="bottom-right")
        tz = context.tz
        self.history_chart = Chart("Open items over time (workload snapshots)", "Open items",
                                   f"Time ({tz.key})", tz=tz)
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.bars_chart)
        charts_layout.addWidget(self.history_chart)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(charts)
        splitter.setSizes([420, 380])
        layout.addWidget(splitter, 1)

    def fetch(self, session: Session, window: Window) -> dict[str, Any]:
        result = run_report(session, "workload", window, actor_id=self.context.actor_id,
                            settings=self.context.settings, team=self.context.team.name)
        result["history"] = workload_history(session, window, team=self.context.team.name)
        return result

    def show_figures(self, result: dict[str, Any]) -> None:
        agents = result["agents"]
        self.model.set_rows(agents)
        self.table.fit_columns(stretch_column=WorkloadModel.NAME)
        total = sum(a["total_open"] for a in agents)
        self.status.setText(
            f"{total:,} open items assigned to {len(agents)} agents; "
            f"{result['unassigned_open']:,} open items unassigned. "
            f"“Assigned in period”: the last {self.context.period.days} days.")
        self.history = result["history"]
        self.draw_charts(lambda: draw_workload(self.bars_chart, agents),
                         lambda: self._draw_history(result["history"]))

    def _draw_history(self, points: list[dict[str, Any]]) -> None:
        chart = self.history_chart
        chart.reset()
        if not points:
            chart.show_empty("No workload snapshots in this period yet:\n"
                             "the workload tracker job stores one every 10 minutes.")
            return
        xs = [p["taken_at"] / 1_000_000 for p in points]
        for kind, key, label in KIND_LABELS:
            plot_line(chart, xs, [p[key] for p in points], KIND_COLOURS[kind], label)
        totals = [sum(p[k] for _, k, _ in KIND_LABELS) for p in points]
        plot_line(chart, xs, totals, "#333333", "All open", dashed=True)
        chart.legend_in_one_row()
        span = max(xs[-1] - xs[0], 3600.0)
        chart.getPlotItem().setXRange(xs[0] - span * 0.03, xs[-1] + span * 0.03, padding=0)
        chart.getPlotItem().setYRange(0, max(totals + [1]) * 1.15, padding=0)
        tz = self.context.tz

        def hover(x: float, _y: float) -> str | None:
            i = nearest_index(xs, x, span / max(len(xs), 1))
            if i is None:
                return None
            from datetime import datetime

            p = points[i]
            when = datetime.fromtimestamp(xs[i], tz).strftime("%Y-%m-%d %H:%M")
            return (f"{when}\ntickets: {p['open_tickets']}\ndisputes: {p['open_disputes']}\n"
                    f"orders: {p['open_orders']}\nall open: {totals[i]}")

        chart.set_hover(hover)

    def tables(self):
        return [("workload", self.proxy)]

    def charts(self) -> list[Chart]:
        return [self.bars_chart, self.history_chart]
