"""check-sla-breaches: record each newly breached (item, target) once and queue its alerts."""

from __future__ import annotations

from sqlalchemy import BigInteger, Engine, String, literal, select

from core import sla
from core.alerts import dialect_insert, queue_breach_alerts
from core.models import OPEN_STATUSES, BreachRecord, Item
from core.settings import Settings
from jobs.exclusive import job_transaction

NAME = "check-sla-breaches"


def breached_rows(target: str, now_us: int):
    """(item_id, target, due_at, detected_at) of the open items whose target is breached now."""
    if target == "first_response":
        breached, due = sla.response_breached(now_us), sla.response_due()
    else:
        breached, due = sla.resolution_breached(now_us), sla.resolution_due()
    query = select(Item.id, literal(target, String), due, literal(now_us, BigInteger))
    return sla.with_policy(query.select_from(Item)).where(
        Item.status.in_(OPEN_STATUSES), breached)


def run_check_sla_breaches(engine: Engine, now_us: int, settings: Settings) -> dict[str, int]:
    """Set-based: one INSERT ... SELECT per target; the unique (item, target) keeps each
    breach to one row however often (and from however many consoles) this runs."""
    email_enabled = bool(settings.smtp_host.strip())
    counts = {"new_breaches": 0, "alerts_queued": 0}
    with job_transaction(engine, NAME) as session:
        for target in ("first_response", "resolution"):
            statement = dialect_insert(session, BreachRecord).from_select(
                ["item_id", "target", "due_at", "detected_at"], breached_rows(target, now_us)
            ).on_conflict_do_nothing(index_elements=["item_id", "target"])
            counts["new_breaches"] += session.execute(statement).rowcount or 0
        counts["alerts_queued"] = queue_breach_alerts(session, now_us, email_enabled)
    return counts
