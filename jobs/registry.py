"""Every job by name: its function and where its schedule comes from in Settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from core.errors import BadInput
from core.settings import Settings
from core.timeutil import parse_hhmm, parse_weekly
from jobs.auto_reassign_unresolved_tasks import run_auto_reassign_unresolved_tasks
from jobs.calculate_support_performance_metrics import run_calculate_support_performance_metrics
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.refresh_support_dashboards import run_refresh_support_dashboards
from jobs.send_sla_breach_alerts import run_send_sla_breach_alerts
from jobs.send_team_digest import run_send_team_digest
from jobs.update_support_workload_trackers import run_update_support_workload_trackers

JobFunction = Callable[[Engine, int, Settings], dict[str, Any]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: JobFunction
    description: str
    interval_setting: str | None = None  # Settings field: every N minutes
    daily_setting: str | None = None  # Settings field: HH:MM local to settings.timezone
    weekly_setting: str | None = None  # Settings field: "mon 08:00", local to settings.timezone

    def interval_minutes(self, settings: Settings) -> int | None:
        if self.interval_setting is None:
            return None
        minutes = int(getattr(settings, self.interval_setting))
        if minutes < 1:
            raise BadInput(f"{self.interval_setting} must be at least 1 minute, not {minutes}")
        return minutes

    def daily_at(self, settings: Settings) -> tuple[int, int] | None:
        if self.daily_setting is None:
            return None
        text = str(getattr(settings, self.daily_setting)).strip()
        try:
            at = parse_hhmm(text)
        except ValueError as exc:
            raise BadInput(f"{self.daily_setting}: {exc}")
        return at.hour, at.minute

    def weekly_at(self, settings: Settings) -> tuple[int, int, int] | None:
        """(weekday 0 = Monday, hour, minute), or None for a job that is not weekly."""
        if self.weekly_setting is None:
            return None
        text = str(getattr(settings, self.weekly_setting))
        try:
            weekday, at = parse_weekly(text)
        except ValueError as exc:
            raise BadInput(f"{self.weekly_setting}: {exc}")
        return weekday, at.hour, at.minute


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec("check-sla-breaches", run_check_sla_breaches,
            "record new SLA breaches and queue their alerts",
            interval_setting="check_sla_breaches_minutes"),
    JobSpec("send-sla-breach-alerts", run_send_sla_breach_alerts,
            "e-mail queued breach alerts, one message per person",
            interval_setting="send_sla_breach_alerts_minutes"),
    JobSpec("auto-reassign-unresolved-tasks", run_auto_reassign_unresolved_tasks,
            "move the open work of inactive agents",
            interval_setting="auto_reassign_unresolved_tasks_minutes"),
    JobSpec("update-support-workload-trackers", run_update_support_workload_trackers,
            "snapshot each agent's open work",
            interval_setting="update_support_workload_trackers_minutes"),
    JobSpec("refresh-support-dashboards", run_refresh_support_dashboards,
            "store the team's and each agent's dashboard",
            interval_setting="refresh_support_dashboards_minutes"),
    JobSpec("calculate-support-performance-metrics", run_calculate_support_performance_metrics,
            "store each agent's figures for the previous day",
            daily_setting="calculate_support_performance_metrics_at"),
    JobSpec("send-team-digest", run_send_team_digest,
            "mail the supervisors the week's figures beside the week before",
            weekly_setting="send_team_digest_at"),
)}


def get_job(name: str) -> JobSpec:
    try:
        return JOBS[name]
    except KeyError:
        raise BadInput(f"unknown job {name!r} (one of: {', '.join(JOBS)})")
