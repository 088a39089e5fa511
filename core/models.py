"""ORM models. Instants are BIGINT microseconds since the epoch, UTC (see core.timeutil)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

KINDS = ("ticket", "dispute", "order")
PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("open", "in_progress", "waiting", "resolved", "closed")
CLOSED_STATUSES = ("resolved", "closed")
OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
ROLES = ("agent", "lead", "admin")
SUPERVISOR_ROLES = ("lead", "admin")
TARGETS = ("first_response", "resolution")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_activity_at: Mapped[int | None] = mapped_column(BigInteger)
    max_open: Mapped[int | None] = mapped_column(Integer)
    password_hash: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (Index(None, "role"),)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id"))
    created_at: Mapped[int] = mapped_column(BigInteger)
    first_response_at: Mapped[int | None] = mapped_column(BigInteger)
    resolved_at: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # Reports filter on kind and the created window and group by assignee. In this
        # order SQLite reads each agent's tickets together (no sort of the window's rows
        # for GROUP BY assignee: the comparison takes half the time), an agent's window is
        # one range, and the measured columns make the index covering.
        Index(
            "ix_items_kind_assignee_created",
            "kind", "assignee_id", "created_at", "priority", "resolved_at", "first_response_at",
        ),
        Index("ix_items_assignee_created", "assignee_id", "created_at"),
        # Open work (breaches, workload, reassignment) is a small slice of all items.
        Index("ix_items_status_assignee", "status", "assignee_id", "kind"),
    )


class SlaPolicy(Base):
    __tablename__ = "sla_policies"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    priority: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_response_minutes: Mapped[int | None] = mapped_column(Integer)
    resolution_minutes: Mapped[int | None] = mapped_column(Integer)


class Meta(Base):
    """Small key/value facts about the database (for instance that it holds demo data)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class BreachRecord(Base):
    """A breached (item, target), recorded once by the breach check."""

    __tablename__ = "breach_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[int] = mapped_column(BigInteger)
    detected_at: Mapped[int] = mapped_column(BigInteger)
    acknowledged_at: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("item_id", "target"), Index(None, "detected_at"))


class Reassignment(Base):
    """One automatic or manual move of an item from one agent to another."""

    __tablename__ = "reassignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    from_agent_id: Mapped[str | None] = mapped_column(String(64))
    to_agent_id: Mapped[str] = mapped_column(String(64))
    moved_at: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index(None, "moved_at"), Index(None, "item_id"))


class Alert(Base):
    """An in-app alert for one person, and its email delivery state."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # breach, reassigned, unplaced
    breach_id: Mapped[int | None] = mapped_column(
        ForeignKey("breach_records.id", ondelete="CASCADE")
    )
    reassignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("reassignments.id", ondelete="CASCADE")
    )
    item_id: Mapped[str | None] = mapped_column(String(64))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[int | None] = mapped_column(BigInteger)
    email_status: Mapped[str] = mapped_column(String(16), default="none")  # none/pending/sent
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str | None] = mapped_column(Text)
    emailed_at: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # Guards, not luck: one alert per (breach, person), per (move, person), per key.
        # The last two are partial: the many breach alerts have neither (migration 0003).
        UniqueConstraint("breach_id", "recipient_id"),
        Index("uq_alerts_reassignment_id_recipient_id", "reassignment_id", "recipient_id",
              unique=True, sqlite_where=text("reassignment_id IS NOT NULL"),
              postgresql_where=text("reassignment_id IS NOT NULL")),
        Index("uq_alerts_dedupe_key_recipient_id", "dedupe_key", "recipient_id",
              unique=True, sqlite_where=text("dedupe_key IS NOT NULL"),
              postgresql_where=text("dedupe_key IS NOT NULL")),
        Index(None, "recipient_id", "created_at"),
        Index(None, "email_status"),
    )


class JobRun(Base):
    """One run (or skipped run) of a periodic job."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[int] = mapped_column(BigInteger)
    finished_at: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(16))  # ok, failed, skipped, running
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(200), default="")
    trigger: Mapped[str] = mapped_column(String(16), default="manual")  # scheduled, catch-up
    clock_at: Mapped[int | None] = mapped_column(BigInteger)  # the job's `now`

    __table_args__ = (Index(None, "job", "started_at"),)


class JobLease(Base):
    """Whoever inserts (job, period) first runs that period; the others skip."""

    __tablename__ = "job_leases"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[int] = mapped_column(BigInteger)


class WorkloadSnapshot(Base):
    __tablename__ = "workload_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    taken_at: Mapped[int] = mapped_column(BigInteger)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    open_tickets: Mapped[int] = mapped_column(Integer, default=0)
    open_disputes: Mapped[int] = mapped_column(Integer, default=0)
    open_orders: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("agent_id", "taken_at"), Index(None, "taken_at"))


class DailyMetric(Base):
    """An agent's performance figures for one local day (a rerun replaces the row)."""

    __tablename__ = "daily_metrics"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    tickets_handled: Mapped[int] = mapped_column(Integer, default=0)
    tickets_resolved: Mapped[int] = mapped_column(Integer, default=0)
    resolution_rate_percent: Mapped[float | None]
    avg_resolution_time_hours: Mapped[float | None]
    avg_response_time_hours: Mapped[float | None]
    sla_compliance_rate_percent: Mapped[float | None]
    performance_score: Mapped[float | None]
    computed_at: Mapped[int] = mapped_column(BigInteger)


class DashboardSnapshot(Base):
    """The last computed dashboard of the team ('team') or an agent ('agent:<id>'), as JSON."""

    __tablename__ = "dashboard_snapshots"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)  # team, agent:<id>
    computed_at: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[str] = mapped_column(Text)
