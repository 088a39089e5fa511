"""Team dashboard (an agent's own, for an agent): the headline tiles and four charts; the stored snapshot shows first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from console.views import dashboard_charts as draw
from console.views.base import ConsoleView
from console.widgets.charts import Chart
from console.widgets.tiles import Tile, TileGrid, number
from core.access import resolve_actor, scope_agent, scope_team
from core.dashboard import build_dashboard
from core.timeutil import from_us
from core.window import Window

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session

TILES = (
    ("open_items", "Open items", number(), "Items not resolved or closed"),
    ("unassigned_open", "Unassigned", number(), "Open items with no assignee"),
    ("active_breaches", "Active breaches", number(), "Open items past an SLA target"),
    ("at_risk", "At risk", number(), "Open items past the warning share of a target"),
    ("resolution_rate_percent", "Resolution rate", number(1, "%"), "Tickets created in the period"),
    ("avg_response_time_hours", "Avg first response", number(2, "h"), "Mean hours to first response"),
    ("avg_resolution_time_hours", "Avg resolution", number(2, "h"), "Mean hours to resolution"),
    ("sla_compliance_rate_percent", "SLA compliance", number(1, "%"), "SLA-tracked tickets"),
    ("performance_score", "Performance score", number(1), "0–100"),
)


class DashboardView(ConsoleView):
    key = "dashboard"
    title = "Team dashboard"

    @classmethod
    def title_for(cls, context) -> str:
        return cls.title if context.supervisor else "My dashboard"

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.title = self.title_for(context)
        self.payload: dict[str, Any] | None = None
        self.showing_snapshot = False
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.addWidget(self.status)
        self.tiles = TileGrid(columns=len(TILES))
        for key, caption, fmt, hint in TILES:
            self.tiles.add(Tile(key, caption, fmt, hint))
        layout.addWidget(self.tiles)
        tz = self.context.tz
        self.trend_chart = Chart("Tickets created vs resolved per week", "Tickets per week",
                                 f"Week starting ({tz.key})", tz=tz)
        self.sla_chart = Chart("SLA compliance by week", "Share of tickets (%)",
                               f"Week starting ({tz.key})", tz=tz, legend_at="bottom-right")
        self.workload_chart = Chart("Open workload per agent", "", "Open items",
                                    legend_at="bottom-right")
        self.response_chart = Chart("First-response time distribution", "Tickets",
                                    "Time to first response (h)")
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, chart in enumerate(self.charts()):
            grid.addWidget(chart, index // 2, index % 2)
        layout.addLayout(grid, 1)

    def charts(self) -> list[Chart]:
        return [self.trend_chart, self.sla_chart, self.workload_chart, self.response_chart]

    def fetch(self, session: Session, window: Window) -> dict[str, Any]:
        actor = resolve_actor(session, self.context.actor_id)
        agent_id = scope_agent(session, actor, None)
        team = scope_team(session, actor, self.context.team.name)
        return build_dashboard(session, window, self.context.settings, agent_id, team)

    def show_snapshot(self, snapshot: dict[str, Any],
                      then: Callable[[], None] | None = None) -> None:
        """The stored dashboard (core.dashboard.read_dashboard_snapshot), drawn at start while
        the fresh figures load; ignored once they are there. `then` runs once it is drawn."""
        if self.payload is not None:
            if then is not None:
                then()
            return
        payload = snapshot["payload"]
        self._draw(payload, then)
        self.showing_snapshot = True
        stored = from_us(snapshot["computed_at_us"]).astimezone(self.context.tz)
        self.status.setText(f"Stored figures from {stored:%Y-%m-%d %H:%M} "
                            f"({payload['days']} days) — fresh figures are loading…")

    def show_figures(self, result: dict[str, Any]) -> None:
        self.payload = result
        self.showing_snapshot = False
        self._draw(result)
        window_days = result["days"]
        whose = ("Team figures" if self.context.supervisor
                 else f"Your figures ({self.context.actor_id})")
        self.status.setText(f"{whose} for the last {window_days} days, as of "
                            f"{_local(result['computed_at'], self.context)} "
                            f"({self.context.tz.key}).")

    def _draw(self, payload: dict[str, Any], then: Callable[[], None] | None = None) -> None:
        self.tiles.set_values(payload["tiles"])
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft)
        tz = self.context.tz
        workload = (payload.get("workload") or {"agents": []})["agents"]
        self.draw_charts(
            lambda: draw.draw_created_vs_resolved(self.trend_chart, payload["trends"], tz),
            lambda: draw.draw_sla_by_week(self.sla_chart, payload["performance_trends"], tz),
            lambda: draw.draw_workload(self.workload_chart, workload),
            lambda: draw.draw_response_histogram(self.response_chart,
                                                 payload["response_histogram"]),
            then=then)


def _local(iso: str, context) -> str:
    from datetime import datetime

    return datetime.fromisoformat(iso).astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
