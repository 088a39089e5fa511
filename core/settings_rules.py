"""The rules every settings object must keep, wherever it comes from (files, environment,
options, the settings dialog)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import BadInput
from core.timeutil import parse_hhmm, parse_weekly, zone
from core.wallboard_thresholds import parse_thresholds

if TYPE_CHECKING:
    from core.settings import Settings


class InvalidSettings(BadInput):
    """Settings that break a rule; `problems` maps each bad setting to the reason."""

    def __init__(self, problems: dict[str, str], source: str = "settings"):
        self.problems = dict(problems)
        self.source = source
        by_reason: dict[str, list[str]] = {}
        for name, reason in self.problems.items():
            by_reason.setdefault(reason, []).append(name)
        details = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in by_reason.items())
        super().__init__(f"{source}: {details}")


JOB_INTERVAL_FIELDS = ("check_sla_breaches_minutes", "send_sla_breach_alerts_minutes",
                       "auto_reassign_unresolved_tasks_minutes",
                       "update_support_workload_trackers_minutes",
                       "refresh_support_dashboards_minutes")
WEIGHT_FIELDS = ("weight_resolution", "weight_response", "weight_sla")
SMTP_SECURITY_MODES = ("none", "starttls", "ssl")
MAX_JOB_INTERVAL_MINUTES = 7 * 24 * 60


def validate(settings: Settings, *, url_password_allowed: bool = False) -> None:
    """Refuse settings that break a rule, naming every bad one (InvalidSettings.problems).
    A database password inside db_url is refused unless allowed: it is for the environment
    (SUPPORT_CONSOLE_DB) or the keyring, never a settings file."""
    problems = settings_problems(settings, url_password_allowed=url_password_allowed)
    if problems:
        raise InvalidSettings(problems)


def settings_problems(settings: Settings, *, url_password_allowed: bool) -> dict[str, str]:
    problems: dict[str, str] = {}

    def within(name: str, low: float, high: float, unit: str = "") -> None:
        value = getattr(settings, name)
        if not low <= value <= high:
            problems[name] = f"must be between {low:g} and {high:g}{unit}, not {value:g}"

    def positive(name: str, unit: str) -> None:
        if getattr(settings, name) <= 0:
            problems[name] = f"must be more than 0 {unit}"

    within("warn_percent", 1, 100, " %")
    positive("inactive_hours", "hours")
    positive("response_horizon_hours", "hours")
    positive("smtp_timeout_seconds", "seconds")
    within("smtp_port", 0, 65535)
    within("misfire_grace_seconds", 0, 86_400, " seconds")
    within("db_connect_timeout_seconds", 1, 3600, " seconds")
    within("db_statement_timeout_seconds", 0, 86_400, " seconds")
    within("email_retry_minutes", 1, 7 * 24 * 60, " minutes")
    within("email_max_refusals", 1, 100)
    within("job_retry_first_seconds", 1, 86_400, " seconds")
    within("job_retry_max_seconds", settings.job_retry_first_seconds, 86_400, " seconds")
    for name in JOB_INTERVAL_FIELDS:
        within(name, 1, MAX_JOB_INTERVAL_MINUTES, " minutes")
    for name in WEIGHT_FIELDS:
        within(name, 0, 1)
    total = sum(getattr(settings, name) for name in WEIGHT_FIELDS)
    if abs(total - 1.0) > 1e-6 and not set(WEIGHT_FIELDS) & problems.keys():
        for name in WEIGHT_FIELDS:
            problems[name] = f"the three score weights must add up to 1, not {total:.2f}"
    if settings.smtp_security not in SMTP_SECURITY_MODES:
        problems["smtp_security"] = f"must be one of {', '.join(SMTP_SECURITY_MODES)}"
    _check_time_of_day(settings, problems)
    _check_wallboard_and_digest(settings, problems)
    if settings.timezone:
        try:
            zone(settings.timezone)
        except BadInput as exc:
            problems["timezone"] = str(exc)
    url_problem = _db_url_problem(settings.db_url, url_password_allowed)
    if url_problem:
        problems["db_url"] = url_problem
    return problems


def _check_time_of_day(settings: Settings, problems: dict[str, str]) -> None:
    for name in ("calculate_support_performance_metrics_at", "quiet_hours_start",
                 "quiet_hours_end"):
        text = getattr(settings, name)
        if not text and name.startswith("quiet_hours"):
            continue
        try:
            parse_hhmm(text)
        except ValueError as exc:
            problems[name] = str(exc)
    if bool(settings.quiet_hours_start) != bool(settings.quiet_hours_end):
        for name in ("quiet_hours_start", "quiet_hours_end"):
            problems.setdefault(name, "quiet hours need both a start and an end")


def _check_wallboard_and_digest(settings: Settings, problems: dict[str, str]) -> None:
    try:
        parse_weekly(settings.send_team_digest_at)
    except ValueError as exc:
        problems["send_team_digest_at"] = str(exc)
    try:
        parse_thresholds(settings.wallboard_thresholds)
    except BadInput as exc:
        problems["wallboard_thresholds"] = str(exc).removeprefix("wallboard_thresholds: ")
    if not 5 <= settings.wallboard_refresh_seconds <= 86_400:
        problems["wallboard_refresh_seconds"] = "must be between 5 and 86400 seconds"
    if not 0 <= settings.wallboard_rotate_seconds <= 86_400:
        problems["wallboard_rotate_seconds"] = "must be between 0 (no rotation) and 86400 seconds"


def _db_url_problem(url: str, password_allowed: bool) -> str | None:
    from core.db import url_has_password

    if url_has_password(url) and not password_allowed:
        return ("no password inside the database URL: keep it in the keyring "
                "(or in the SUPPORT_CONSOLE_DB environment variable)")
    return None
