"""check-sla-breaches: record each newly breached (item, target) once and queue its alerts."""

from __future__ import annotations

from sqlalchemy import BigInteger, Engine, String, literal, select, true, union_all

from core import sla
from core.alerts import dialect_insert, inserted_keys, queue_breach_alerts
from core.models import OPEN_STATUSES, BreachRecord, Item
from core.settings import Settings
from core.sql_types import AnySelect
from jobs.exclusive import job_transaction

NAME = "check-sla-breaches"


def breached_rows(target: str, now_us: int) -> AnySelect:
    """(item_id, target, due_at, detected_at) of the open items whose target is breached now."""
    if target == "first_response":
        breached, due = sla.response_breached(now_us), sla.response_due()
    else:
        breached, due = sla.resolution_breached(now_us), sla.resolution_due()
    query = select(Item.id, literal(target, String), due, literal(now_us, BigInteger))
    return sla.with_policy(query.select_from(Item)).where(
        Item.status.in_(OPEN_STATUSES), breached)


def run_check_sla_breaches(engine: Engine, now_us: int, settings: Settings) -> dict[str, int]:
    """Set-based: one INSERT ... SELECT over both targets; the unique (item, target) keeps each
    breach to one row however often (and from however many consoles) this runs."""
    with job_transaction(engine, NAME) as session:
        rows = union_all(breached_rows("first_response", now_us),
                         breached_rows("resolution", now_us))
        statement = dialect_insert(session, BreachRecord).from_select(
            ["item_id", "target", "due_at", "detected_at"], select(rows.subquery()).where(true())
        ).on_conflict_do_nothing(index_elements=["item_id", "target"])
        new_ids = inserted_keys(session, statement, BreachRecord.id)
        alerts = queue_breach_alerts(session, new_ids, now_us)
    return {"new_breaches": len(new_ids), "alerts_queued": alerts}
