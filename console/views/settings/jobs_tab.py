"""The jobs tab: the embedded scheduler, how often each job runs, the daily metrics time."""

from __future__ import annotations

from PySide6.QtWidgets import QTimeEdit, QWidget

from console.views.settings.form import SettingsTab, TabEnv, spin, to_qtime
from core.settings import Settings
from core.settings_rules import MAX_JOB_INTERVAL_MINUTES

JOB_MINUTES = (
    ("check_sla_breaches_minutes", "Check SLA breaches every"),
    ("send_sla_breach_alerts_minutes", "E-mail breach alerts every"),
    ("auto_reassign_unresolved_tasks_minutes", "Reassign inactive agents' work every"),
    ("update_support_workload_trackers_minutes", "Snapshot workload every"),
    ("refresh_support_dashboards_minutes", "Refresh dashboards every"),
)


class JobsTab(SettingsTab):
    title = "Jobs"

    def __init__(self, settings: Settings, env: TabEnv, parent: QWidget | None = None):
        super().__init__(settings, env, parent)
        self.check("scheduler_enabled", "Scheduler:",
                   "Run the jobs inside this console (from the next start)")
        for name, label in JOB_MINUTES:
            self.number(name, label + ":", spin(1, MAX_JOB_INTERVAL_MINUTES, " min"))
        daily = QTimeEdit()
        daily.setDisplayFormat("HH:mm")
        self.bind("calculate_support_performance_metrics_at", "Daily metrics at:", daily,
                  lambda: daily.time().toString("HH:mm"), lambda v: daily.setTime(to_qtime(v)),
                  tip="Local time in the console's time zone")
        self.number("misfire_grace_seconds", "Late run allowed for:", spin(0, 86_400, " s"),
                    tip="A run missed by more than this is skipped")
