"""The tables, as SQLAlchemy Core. Instants are BIGINT microseconds since the epoch, UTC
(see core.timeutil).

Every query of the rules (reports, dashboards, jobs) is written against these tables, so a
report process needs only SQLAlchemy Core: the ORM classes over the same tables live in
core.models, for the code that works with objects (import, demo, accounts, job bookkeeping).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

KINDS = ("ticket", "dispute", "order")
PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("open", "in_progress", "waiting", "resolved", "closed")
CLOSED_STATUSES = ("resolved", "closed")
OPEN_STATUSES = tuple(s for s in STATUSES if s not in CLOSED_STATUSES)
ROLES = ("agent", "lead", "admin")
SUPERVISOR_ROLES = ("lead", "admin")
TARGETS = ("first_response", "resolution")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def _id(length: int = 64) -> Column[Any]:
    return Column("id", String(length), primary_key=True)


def _serial() -> Column[Any]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _instant(name: str, nullable: bool = False) -> Column[Any]:
    return Column(name, BigInteger, nullable=nullable)


agents = Table(
    "agents", metadata,
    _id(),
    Column("name", String(200), nullable=False, default=""),
    Column("email", String(320)),
    Column("role", String(16), nullable=False, default="agent"),
    Column("active", Boolean, nullable=False, default=True),
    _instant("last_activity_at", nullable=True),
    Column("max_open", Integer),
    Column("password_hash", String(255)),
    Column("team", String(64)),  # empty: no team; a lead leads the team they belong to
    Index(None, "role"),
    Index(None, "team"),
)

items = Table(
    "items", metadata,
    _id(),
    Column("kind", String(16), nullable=False),
    Column("subject", Text, nullable=False, default=""),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee_id", ForeignKey("agents.id")),
    _instant("created_at"),
    _instant("first_response_at", nullable=True),
    _instant("resolved_at", nullable=True),
    Column("team", String(64)),  # the item's own queue (empty: none)
    # The effective team (team, else the assignee's team), stored so that a team filter is
    # one indexed range, never a join per item; core.teams keeps it right on every write
    # that changes an item's team, its assignee, or an agent's team.
    Column("effective_team", String(64)),
    # Stored due and warn instants (core.due_store): NULL means the plain rule,
    # created_at + minutes (no calendar, no pause); NO_DUE_AT means the clock stops for good.
    _instant("response_due_at", nullable=True),
    _instant("resolution_due_at", nullable=True),
    _instant("response_warn_at", nullable=True),
    _instant("resolution_warn_at", nullable=True),
    # Reports filter on kind and the created window and group by assignee. In this order
    # SQLite reads each agent's tickets together (no sort of the window's rows for GROUP BY
    # assignee: the comparison takes half the time), an agent's window is one range, and
    # the measured columns make the index covering.
    # effective_team ends the three assignee indexes (migration 0007): the figures of
    # every agent and every team come from one statement grouped by both, read in order.
    Index("ix_items_kind_assignee_created",
          "kind", "assignee_id", "created_at", "priority", "resolved_at", "first_response_at",
          "effective_team", "response_due_at", "resolution_due_at"),
    Index("ix_items_assignee_created", "assignee_id", "created_at", "effective_team"),
    # Open work (breaches, workload, reassignment) is a small slice of all items.
    Index("ix_items_status_assignee", "status", "assignee_id", "kind", "effective_team"),
    # One team's window (`--team`): one range, covering, as for one agent.
    Index("ix_items_kind_team_created", "kind", "effective_team", "created_at", "priority",
          "resolved_at", "first_response_at", "response_due_at", "resolution_due_at"),
)

# Business hours: per weekday the open intervals of local time, as on import
# ("09:00-12:30 13:30-18:00", empty: closed all day).
calendars = Table(
    "calendars", metadata,
    _id(),
    Column("time_zone", String(64), nullable=False),
    *(Column(day, String(200), nullable=False, default="") for day in WEEKDAYS),
)

holidays = Table(
    "holidays", metadata,
    Column("calendar_id", ForeignKey("calendars.id", ondelete="CASCADE"), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, local to the calendar
    Column("name", String(200), nullable=False, default=""),
)

sla_policies = Table(
    "sla_policies", metadata,
    Column("kind", String(16), primary_key=True),
    Column("priority", String(16), primary_key=True),
    Column("first_response_minutes", Integer),
    Column("resolution_minutes", Integer),
    Column("calendar_id", ForeignKey("calendars.id")),
)

# An item's recorded status changes: `status` from `changed_at` on.
status_changes = Table(
    "status_changes", metadata,
    Column("item_id", ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("changed_at", BigInteger, primary_key=True),
    Column("status", String(16), nullable=False),
)

# Small key/value facts about the database (for instance that it holds demo data).
meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False, default=""),
)

# A breached (item, target), recorded once by the breach check.
breach_records = Table(
    "breach_records", metadata,
    _serial(),
    Column("item_id", ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("target", String(16), nullable=False),
    _instant("due_at"),
    _instant("detected_at"),
    _instant("acknowledged_at", nullable=True),
    Column("acknowledged_by", String(64)),
    UniqueConstraint("item_id", "target"),
    Index(None, "detected_at"),
)

# One automatic or manual move of an item from one agent to another.
reassignments = Table(
    "reassignments", metadata,
    _serial(),
    Column("item_id", ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("from_agent_id", String(64)),
    Column("to_agent_id", String(64), nullable=False),
    _instant("moved_at"),
    Column("reason", Text, nullable=False, default=""),
    Index(None, "moved_at"),
    Index(None, "item_id"),
)

# An in-app alert for one person, and its email delivery state.
# recipient_id and breach_id have no foreign keys (migration 0004): the first breach check
# over a big backlog writes hundreds of thousands of alerts at once, and PostgreSQL checks
# each key of each row (measured: 4 of the 8 s at a million items). Every row is made by
# joining the agents and breach records it names, in the same transaction, and neither is
# ever deleted while alerts exist (a demo reload deletes the alerts first).
alerts = Table(
    "alerts", metadata,
    _serial(),
    Column("recipient_id", String(64), nullable=False),  # an agents.id
    Column("kind", String(32), nullable=False),  # breach, reassigned, unplaced
    Column("breach_id", Integer),  # a breach_records.id
    Column("reassignment_id", ForeignKey("reassignments.id", ondelete="CASCADE")),
    Column("item_id", String(64)),
    Column("dedupe_key", String(200)),
    Column("message", Text, nullable=False, default=""),
    _instant("created_at"),
    _instant("read_at", nullable=True),
    _instant("acknowledged_at", nullable=True),
    # none, pending, sending, sent, unconfirmed (possibly sent), failed (refused too often)
    Column("email_status", String(16), nullable=False, default="none"),
    Column("email_attempts", Integer, nullable=False, default=0),
    Column("email_error", Text),
    _instant("emailed_at", nullable=True),
    _instant("email_next_attempt_at", nullable=True),  # refused: not before this instant
    Column("email_refusals", Integer, nullable=False, server_default="0"),
    Column("email_message_id", String(200)),
    # Guards, not luck: one alert per (breach, person), per (move, person) and per key.
    # The last two are partial unique indexes, declared in core.models (see there why).
    UniqueConstraint("breach_id", "recipient_id"),
    Index(None, "recipient_id", "created_at"),
    Index(None, "email_status"),
)

# One run (or skipped run) of a periodic job.
job_runs = Table(
    "job_runs", metadata,
    _serial(),
    Column("job", String(64), nullable=False),
    _instant("started_at"),
    _instant("finished_at", nullable=True),
    Column("outcome", String(16), nullable=False),  # ok, failed, skipped, running
    Column("counts", Text, nullable=False, default="{}"),  # JSON object
    Column("error", Text),
    Column("host", String(200), nullable=False, default=""),
    Column("trigger", String(16), nullable=False, default="manual"),  # scheduled, catch-up
    _instant("clock_at", nullable=True),  # the job's `now`
    Index(None, "job", "started_at"),
)

# Whoever inserts (job, period) first runs that period; the others skip.
job_leases = Table(
    "job_leases", metadata,
    Column("job", String(64), primary_key=True),
    Column("period", String(40), primary_key=True),
    Column("holder", String(200), nullable=False),
    _instant("acquired_at"),
    _instant("finished_at", nullable=True),  # the period's run succeeded
)

workload_snapshots = Table(
    "workload_snapshots", metadata,
    _serial(),
    _instant("taken_at"),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
    Column("open_tickets", Integer, nullable=False, default=0),
    Column("open_disputes", Integer, nullable=False, default=0),
    Column("open_orders", Integer, nullable=False, default=0),
    UniqueConstraint("agent_id", "taken_at"),
    Index(None, "taken_at"),
)

def _day_figures() -> list[Column[Any]]:
    """The performance figures of one local day (daily_metrics, daily_team_metrics)."""
    return [
        Column("day", String(10), primary_key=True),  # YYYY-MM-DD
        Column("tickets_handled", Integer, nullable=False, default=0),
        Column("tickets_resolved", Integer, nullable=False, default=0),
        Column("resolution_rate_percent", Double),
        Column("avg_resolution_time_hours", Double),
        Column("avg_response_time_hours", Double),
        Column("sla_compliance_rate_percent", Double),
        Column("performance_score", Double),
        _instant("computed_at"),
    ]


# An agent's performance figures for one local day (a rerun replaces the row).
daily_metrics = Table(
    "daily_metrics", metadata,
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
    *_day_figures(),
)

# Everyone's ('team') or a team's ('team:<name>') performance figures for one local day.
daily_team_metrics = Table(
    "daily_team_metrics", metadata,
    Column("scope", String(80), primary_key=True),
    *_day_figures(),
)

# The last computed dashboard of the team ('team') or an agent ('agent:<id>'), as JSON.
dashboard_snapshots = Table(
    "dashboard_snapshots", metadata,
    Column("scope", String(80), primary_key=True),  # team, agent:<id>
    _instant("computed_at"),
    Column("payload", Text, nullable=False),
)

# Failed sign-ins per id as typed (known or not, so that a lock tells no one an id exists):
# the lock holds for every console on the database (core.accounts).
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("login_id", String(200), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    _instant("last_failed_at"),
    _instant("locked_until", nullable=True),
)

# One team digest per (period, recipient): queued by send-team-digest, kept until sent.
digest_deliveries = Table(
    "digest_deliveries", metadata,
    _serial(),
    Column("period", String(40), nullable=False),  # the job's period key (its Monday)
    Column("recipient_id", String(64), nullable=False),  # an agents.id
    Column("team", String(64)),  # the figures' scope; empty: everyone's
    _instant("as_of"),  # the clock of the figures (a retry sends the same ones)
    _instant("queued_at"),
    Column("status", String(16), nullable=False, default="pending"),  # pending/sending/sent
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    _instant("attempted_at", nullable=True),
    _instant("sent_at", nullable=True),
    UniqueConstraint("period", "recipient_id"),
    Index(None, "status"),
)
