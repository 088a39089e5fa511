"""The rules tab: when an item is at risk, when an agent is inactive, the score's weights,
the wallboard's thresholds."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from console.views.settings.form import SettingsTab, TabEnv, double
from core.settings import Settings

WEIGHTS = (("weight_resolution", "Score weight, resolution rate:"),
           ("weight_response", "Score weight, response time:"),
           ("weight_sla", "Score weight, SLA compliance:"))


class RulesTab(SettingsTab):
    title = "Rules"

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.number("warn_percent", "At risk from:", double(1, 100, 5, 1, " % of the target"),
                    tip="An open item is at risk once this share of its SLA time has passed")
        self.number("inactive_hours", "Inactive after:", double(0.5, 720, 0.5, 1, " h"),
                    tip="An agent without activity this long has their open work reassigned")
        self.number("response_horizon_hours", "Response horizon:", double(1, 720, 1, 1, " h"))
        for name, label in WEIGHTS:
            self.number(name, label, double(0, 1, 0.05, 2))
        self.note("The three score weights must add up to 1.")
        self.line("wallboard_thresholds", "Wallboard thresholds:",
                  tip="Caution and warning per tile, over the defaults, e.g. "
                      "\"active_breaches=1:10 sla_compliance_percent=90:80\"",
                  placeholder="defaults (rules.md, Wallboard)")
