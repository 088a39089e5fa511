"""Agent view: pick an agent; their metrics, the score's three parts and the trend chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from console.views.base import ConsoleView
from console.views.dashboard_charts import (
    draw_created_vs_resolved,
    draw_weekly_percentages,
)
from console.widgets.charts import SERIES_COLOURS, Chart
from console.widgets.tiles import Tile, TileGrid, number
from core.access import resolve_actor, scope_agent
from core.dashboard import build_dashboard
from core.performance import ScoreWeights
from core.score_components import score_components
from core.team import role_agents
from core.window import Window

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session

TILES = (
    ("tickets_resolved_today", "Resolved today", number(), "Tickets resolved since local midnight"),
    ("tickets_resolved_this_week", "Resolved this week", number(), "Since Monday 00:00"),
    ("tickets_resolved_this_month", "Resolved this month", number(), "Since the 1st, 00:00"),
    ("tickets_handled", "Tickets handled", number(), "Tickets created in the period"),
    ("resolution_rate", "Resolution rate", number(1, "%"), "Of the tickets handled"),
    ("avg_response_time_hours", "Avg first response", number(2, "h"), ""),
    ("avg_resolution_time_hours", "Avg resolution", number(2, "h"), ""),
    ("sla_compliance_rate", "SLA compliance", number(1, "%"), "SLA-tracked tickets"),
)
PARTS = (("resolution", "Resolution rate"), ("response", "First-response speed"),
         ("sla", "SLA compliance"))


@dataclass(frozen=True)
class AgentRequest:
    window: Window
    agent_id: str | None


class ScoreBreakdown(QGroupBox):
    """The score and the points each of its three parts adds."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Performance score", parent)
        layout = QGridLayout(self)
        layout.setVerticalSpacing(6)
        self.score = QLabel("—")
        self.score.setObjectName("scoreValue")
        layout.addWidget(self.score, 0, 0, 1, 3)
        self.bars: dict[str, QProgressBar] = {}
        self.texts: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(PARTS, start=1):
            layout.addWidget(QLabel(caption), row, 0)
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(14)
            layout.addWidget(bar, row, 1)
            text = QLabel()
            text.setMinimumWidth(120)
            layout.addWidget(text, row, 2)
            self.bars[key], self.texts[key] = bar, text
        self.formula = QLabel()
        self.formula.setObjectName("tileHint")
        self.formula.setWordWrap(True)
        layout.addWidget(self.formula, len(PARTS) + 1, 0, 1, 3)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(len(PARTS) + 2, 1)

    def show_score(self, score: float | None, parts: dict[str, Any], weights: ScoreWeights) -> None:
        self.score.setText("—  (no tickets handled)" if score is None else f"{score:.1f} / 100")
        for key, _caption in PARTS:
            maximum = parts["max"][key]
            points = parts[key]
            self.bars[key].setRange(0, round(maximum * 10))
            self.bars[key].setValue(0 if points is None else round(points * 10))
            self.texts[key].setText("—" if points is None
                                    else f"{points:.1f} of {maximum:.0f} points")
        self.formula.setText(
            f"score = {weights.resolution * 100:.0f} × resolution rate + "
            f"{weights.response * 100:.0f} × (1 − response h / {weights.response_horizon_hours:g}) + "
            f"{weights.sla * 100:.0f} × SLA compliance")


class AgentView(ConsoleView):
    key = "agent"
    title = "Agent"

    def __init__(self, context, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.result: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        top = QHBoxLayout()
        top.addWidget(QLabel("Agent:"))
        self.agent_choice = QComboBox()
        self.agent_choice.setMinimumWidth(260)
        self.agent_choice.activated.connect(lambda _i: self.refresh())
        top.addWidget(self.agent_choice)
        top.addWidget(self.status, 1)
        layout.addLayout(top)
        self.tiles = TileGrid(columns=len(TILES))
        for key, caption, fmt, hint in TILES:
            self.tiles.add(Tile(key, caption, fmt, hint))
        layout.addWidget(self.tiles)
        tz = context.tz
        middle = QHBoxLayout()
        self.breakdown = ScoreBreakdown()
        self.breakdown.setFixedWidth(440)
        middle.addWidget(self.breakdown)
        self.tickets_chart = Chart("Tickets created vs resolved per week", "Tickets per week",
                                   f"Week starting ({tz.key})", tz=tz)
        middle.addWidget(self.tickets_chart, 1)
        middle_box = QWidget()
        middle_box.setLayout(middle)
        middle.setContentsMargins(0, 0, 0, 0)
        middle_box.setFixedHeight(250)
        layout.addWidget(middle_box)
        self.trend_chart = Chart("Performance by week", "Score (0–100) and rates (%)",
                                 f"Week starting ({tz.key})", tz=tz, legend_at="bottom-right")
        layout.addWidget(self.trend_chart, 1)

    @property
    def agent_id(self) -> str | None:
        return self.agent_choice.currentData()

    def select_agent(self, agent_id: str) -> None:
        index = self.agent_choice.findData(agent_id)
        if index >= 0:
            self.agent_choice.setCurrentIndex(index)
        self.refresh()

    def request(self) -> AgentRequest:
        return AgentRequest(self.context.window(), self.agent_id)

    def fetch(self, session: Session, request: AgentRequest) -> dict[str, Any]:
        actor = resolve_actor(session, self.context.actor_id)
        if actor.is_supervisor:
            agents = [(a.id, a.name, a.active)
                      for a in role_agents(session, self.context.team.name)]
        else:
            agents = [(actor.id, actor.name, True)]
        listed = request.agent_id in {agent[0] for agent in agents}
        wanted = request.agent_id if listed else (agents[0][0] if agents else None)
        if wanted is None:
            return {"agents": [], "agent_id": None}
        agent_id = scope_agent(session, actor, wanted)
        dashboard = build_dashboard(session, request.window, self.context.settings, agent_id)
        return {"agents": agents, "agent_id": agent_id, "dashboard": dashboard}

    def show_figures(self, result: dict[str, Any]) -> None:
        self.result = result
        self._fill_choices(result["agents"], result["agent_id"])
        if result["agent_id"] is None:
            self.status.setText("No agents on the team yet.")
            self.tiles.set_values({})
            self.trend_chart.show_empty("No agents")
            self.tickets_chart.show_empty("No agents")
            return
        dashboard = result["dashboard"]
        metrics = dashboard["metrics"]
        self.tiles.set_values(metrics)
        weights = ScoreWeights.from_settings(self.context.settings)
        self.breakdown.show_score(metrics["performance_score"],
                                  score_components(metrics, weights), weights)
        tiles = dashboard["tiles"]
        self.status.setText(
            f"  {tiles['open_items']} open items, {tiles['active_breaches']} breached, "
            f"{tiles['at_risk']} at risk · period: last {dashboard['days']} days")
        self.draw_charts(
            lambda: self._draw_trend(dashboard["performance_trends"]),
            lambda: draw_created_vs_resolved(self.tickets_chart, dashboard["trends"],
                                             self.context.tz))

    def _fill_choices(self, agents: list[tuple], selected: str | None) -> None:
        self.agent_choice.blockSignals(True)
        self.agent_choice.clear()
        for agent_id, name, active in agents:
            suffix = "" if active else " (inactive)"
            self.agent_choice.addItem(f"{name} — {agent_id}{suffix}", agent_id)
        index = self.agent_choice.findData(selected)
        self.agent_choice.setCurrentIndex(max(index, 0))
        self.agent_choice.blockSignals(False)

    def _draw_trend(self, weeks: list[dict[str, Any]]) -> None:
        series = (("performance_score", "Score", SERIES_COLOURS[0], False),
                  ("sla_compliance_rate_percent", "SLA compliance", SERIES_COLOURS[2], True),
                  ("resolution_rate_percent", "Resolution rate", SERIES_COLOURS[1], True))
        draw_weekly_percentages(self.trend_chart, weeks, self.context.tz, series)

    def charts(self) -> list[Chart]:
        return [self.trend_chart, self.tickets_chart]
