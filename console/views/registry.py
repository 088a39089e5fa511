"""The views of the main window, in menu order: add a view by listing its class here."""

from __future__ import annotations

from console.views.agent_view import AgentView
from console.views.alerts_view import AlertsView
from console.views.base import ConsoleView
from console.views.breaches_view import BreachesView
from console.views.comparison_view import ComparisonView
from console.views.dashboard_view import DashboardView
from console.views.jobs_panel import JobsPanel
from console.views.workload_view import WorkloadView

VIEW_CLASSES: list[type[ConsoleView]] = [
    DashboardView,
    AgentView,
    ComparisonView,
    WorkloadView,
    BreachesView,
    AlertsView,
    JobsPanel,
]

