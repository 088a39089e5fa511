"""Agent comparison (supervisors): a sortable table with score bars and a score chart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from console.models.comparison_model import ComparisonModel
from console.models.sorting import SortProxyModel
from console.views.base import ConsoleView
from console.views.dashboard_charts import short_name
from console.widgets.charts import SERIES_COLOURS, Chart, bars, nearest_index
from console.widgets.tables import DataTable, ScoreBarDelegate
from core.reports import run_report
from core.window import Window

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session


class ComparisonView(ConsoleView):
    key = "comparison"
    title = "Agent comparison"
    supervisor_only = True

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.model = ComparisonModel(self)
        self.proxy = SortProxyModel(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        self.table = DataTable()
        self.table.setModel(self.proxy)
        self.table.setItemDelegateForColumn(ComparisonModel.SCORE, ScoreBarDelegate(self.table))
        self.table.sortByColumn(ComparisonModel.SCORE, Qt.SortOrder.DescendingOrder)
        self.chart = Chart("Performance score by agent (0–100)", "Score (0–100)", "Agent")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setSizes([480, 320])
        layout.addWidget(splitter, 1)

    def fetch(self, session: Session, window: Window) -> dict[str, Any]:
        return run_report(session, "comparison", window, actor_id=self.context.actor_id,
                          settings=self.context.settings, team=self.context.team.name)

    def show_figures(self, result: dict[str, Any]) -> None:
        agents = result["agents"]
        self.model.set_rows(agents)
        self.table.fit_columns(stretch_column=ComparisonModel.NAME)
        self.table.setColumnWidth(ComparisonModel.SCORE, 170)
        self.status.setText(f"{len(agents)} agents, tickets created in the last "
                            f"{self.context.period.days} days. Click a header to sort.")
        self.draw_charts(lambda: self._draw_chart(agents))

    def _draw_chart(self, agents: list[dict[str, Any]]) -> None:
        chart = self.chart
        chart.reset()
        scored = [a for a in agents if a["performance_score"] is not None]
        if not scored:
            chart.show_empty("No agent handled a ticket in this period")
            return
        xs = list(range(len(scored)))
        chart.addItem(bars(xs, [a["performance_score"] for a in scored], 0.7,
                           SERIES_COLOURS[0], None))  # one series: the title names it
        chart.legend.setVisible(False)
        chart.set_category_ticks([short_name(a["agent_name"]) for a in scored])
        chart.getPlotItem().setXRange(-0.6, len(scored) - 0.4, padding=0)
        chart.getPlotItem().setYRange(0, 105, padding=0)

        def hover(x: float, _y: float) -> str | None:
            i = nearest_index(xs, x, 0.45)
            if i is None:
                return None
            a = scored[i]
            return (f"{a['agent_name']} ({a['agent_id']})\nscore: {a['performance_score']:.1f}\n"
                    f"tickets handled: {a['tickets_handled']}")

        chart.set_hover(hover)

    def tables(self):
        return [("agent-comparison", self.proxy)]

    def charts(self) -> list[Chart]:
        return [self.chart]
