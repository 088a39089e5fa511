"""ORM classes over the tables of core.schema, for the code that works with objects
(import, demo, accounts, job bookkeeping). Queries of the rules use core.schema directly."""

from __future__ import annotations

from sqlalchemy import Index, text
from sqlalchemy.orm import DeclarativeBase, Mapped

from core import schema
from core.schema import (
    CLOSED_STATUSES,
    KINDS,
    OPEN_STATUSES,
    PRIORITIES,
    ROLES,
    STATUSES,
    SUPERVISOR_ROLES,
    TARGETS,
)

__all__ = [
    "CLOSED_STATUSES", "KINDS", "OPEN_STATUSES", "PRIORITIES", "ROLES", "STATUSES",
    "SUPERVISOR_ROLES", "TARGETS", "Agent", "Alert", "Base", "BreachRecord", "DailyMetric",
    "DashboardSnapshot", "Item", "JobLease", "JobRun", "Meta", "Reassignment", "SlaPolicy",
    "WorkloadSnapshot",
]

# The alerts' (move, person) and (key, person) guards: partial, since the many breach alerts
# have neither (migration 0003). Declared here, not in core.schema, because a WHERE for
# SQLite and PostgreSQL loads both SQL dialects (30 ms): too slow for a report process,
# which needs no DDL. Migrations and the schema test import this module.
for _column in ("reassignment_id", "dedupe_key"):
    _where = text(f"{_column} IS NOT NULL")
    Index(f"uq_alerts_{_column}_recipient_id", schema.alerts.c[_column],
          schema.alerts.c.recipient_id, unique=True, sqlite_where=_where,
          postgresql_where=_where)


class Base(DeclarativeBase):
    metadata = schema.metadata


class Agent(Base):
    __table__ = schema.agents
    id: Mapped[str]
    name: Mapped[str]
    email: Mapped[str | None]
    role: Mapped[str]
    active: Mapped[bool]
    last_activity_at: Mapped[int | None]
    max_open: Mapped[int | None]
    password_hash: Mapped[str | None]
    team: Mapped[str | None]


class Item(Base):
    __table__ = schema.items
    id: Mapped[str]
    kind: Mapped[str]
    subject: Mapped[str]
    priority: Mapped[str]
    status: Mapped[str]
    assignee_id: Mapped[str | None]
    created_at: Mapped[int]
    first_response_at: Mapped[int | None]
    resolved_at: Mapped[int | None]
    team: Mapped[str | None]
    effective_team: Mapped[str | None]


class SlaPolicy(Base):
    __table__ = schema.sla_policies
    kind: Mapped[str]
    priority: Mapped[str]
    first_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]
    calendar_id: Mapped[str | None]


class Calendar(Base):
    __table__ = schema.calendars
    id: Mapped[str]
    time_zone: Mapped[str]


class Holiday(Base):
    __table__ = schema.holidays


class StatusChange(Base):
    __table__ = schema.status_changes


class Meta(Base):
    __table__ = schema.meta
    key: Mapped[str]
    value: Mapped[str]


class BreachRecord(Base):
    __table__ = schema.breach_records
    id: Mapped[int]
    item_id: Mapped[str]
    target: Mapped[str]
    due_at: Mapped[int]
    detected_at: Mapped[int]
    acknowledged_at: Mapped[int | None]
    acknowledged_by: Mapped[str | None]


class Reassignment(Base):
    __table__ = schema.reassignments
    id: Mapped[int]
    item_id: Mapped[str]
    from_agent_id: Mapped[str | None]
    to_agent_id: Mapped[str]
    moved_at: Mapped[int]
    reason: Mapped[str]


class Alert(Base):
    __table__ = schema.alerts
    id: Mapped[int]
    recipient_id: Mapped[str]
    kind: Mapped[str]
    breach_id: Mapped[int | None]
    reassignment_id: Mapped[int | None]
    item_id: Mapped[str | None]
    dedupe_key: Mapped[str | None]
    message: Mapped[str]
    created_at: Mapped[int]
    read_at: Mapped[int | None]
    acknowledged_at: Mapped[int | None]
    email_status: Mapped[str]
    email_attempts: Mapped[int]
    email_error: Mapped[str | None]
    emailed_at: Mapped[int | None]
    email_next_attempt_at: Mapped[int | None]
    email_refusals: Mapped[int]
    email_message_id: Mapped[str | None]


class JobRun(Base):
    __table__ = schema.job_runs
    id: Mapped[int]
    job: Mapped[str]
    started_at: Mapped[int]
    finished_at: Mapped[int | None]
    outcome: Mapped[str]
    counts: Mapped[str]
    error: Mapped[str | None]
    host: Mapped[str]
    trigger: Mapped[str]
    clock_at: Mapped[int | None]


class JobLease(Base):
    __table__ = schema.job_leases
    job: Mapped[str]
    period: Mapped[str]
    holder: Mapped[str]
    acquired_at: Mapped[int]
    finished_at: Mapped[int | None]


class WorkloadSnapshot(Base):
    __table__ = schema.workload_snapshots
    id: Mapped[int]
    taken_at: Mapped[int]
    agent_id: Mapped[str]
    open_tickets: Mapped[int]
    open_disputes: Mapped[int]
    open_orders: Mapped[int]


class DailyFigures:
    """The columns of a day's stored performance figures (typing only: the tables say it)."""
    day: Mapped[str]
    tickets_handled: Mapped[int]
    tickets_resolved: Mapped[int]
    resolution_rate_percent: Mapped[float | None]
    avg_resolution_time_hours: Mapped[float | None]
    avg_response_time_hours: Mapped[float | None]
    sla_compliance_rate_percent: Mapped[float | None]
    performance_score: Mapped[float | None]
    computed_at: Mapped[int]


class DailyMetric(DailyFigures, Base):
    __table__ = schema.daily_metrics
    agent_id: Mapped[str]


class DailyTeamMetric(DailyFigures, Base):
    __table__ = schema.daily_team_metrics
    scope: Mapped[str]


class DashboardSnapshot(Base):
    __table__ = schema.dashboard_snapshots
    scope: Mapped[str]
    computed_at: Mapped[int]
    payload: Mapped[str]


class SignInFailure(Base):
    __table__ = schema.sign_in_failures
    login_id: Mapped[str]
    failures: Mapped[int]
    last_failed_at: Mapped[int]
    locked_until: Mapped[int | None]


class DigestDelivery(Base):
    __table__ = schema.digest_deliveries
    id: Mapped[int]
    period: Mapped[str]
    recipient_id: Mapped[str]
    team: Mapped[str | None]
    as_of: Mapped[int]
    queued_at: Mapped[int]
    status: Mapped[str]
    attempts: Mapped[int]
    error: Mapped[str | None]
    attempted_at: Mapped[int | None]
    sent_at: Mapped[int | None]
