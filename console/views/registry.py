"""The views of the main window, in menu order: add a view by listing its class here."""

from __future__ import annotations

from console.views.agent_view import AgentView
from console.views.base import ConsoleView
from console.views.breaches_view import BreachesView
from console.views.comparison_view import ComparisonView
from console.views.dashboard_view import DashboardView
from console.views.workload_view import WorkloadView

VIEW_CLASSES: list[type[ConsoleView]] = [
    DashboardView,
    AgentView,
    ComparisonView,
    WorkloadView,
    BreachesView,
]


def register_view(view_class: type[ConsoleView]) -> type[ConsoleView]:
    """Decorator (or plain call) for views added later, e.g. a jobs panel."""
    if view_class not in VIEW_CLASSES:
        VIEW_CLASSES.append(view_class)
    return view_class
