"""Alerts: queueing them (breach, reassigned, unplaced), the e-mail queue, and a person's inbox."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from sqlalchemy import (
    Table,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Executable

from core.access import Actor
from core.errors import BadInput, PermissionDenied
from core.models import SUPERVISOR_ROLES, Agent, Alert, Base, BreachRecord, Item
from core.sql_types import changed_rows
from core.timeutil import US_PER_HOUR, US_PER_MINUTE, iso_utc

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

    DialectInsert: TypeAlias = postgresql.Insert | sqlite.Insert

T = TypeVar("T")

# A claimed delivery older than this was interrupted (the process died mid-run): requeue it.
STALE_SENDING_US = 2 * US_PER_HOUR
EMAIL_NONE, EMAIL_PENDING, EMAIL_SENDING, EMAIL_SENT = "none", "pending", "sending", "sent"
# The server may have delivered it (the connection failed during DATA): never sent again.
EMAIL_UNCONFIRMED = "unconfirmed"
# Refused by the server email_max_refusals times: given up (the in-app alert stays).
EMAIL_FAILED = "failed"
# How one message's delivery ended, for record_email_outcome.
SENT, REFUSED, POSSIBLY_SENT, NOT_SENT = "sent", "refused", "possibly sent", "not sent"


def dialect_insert(session: Session, model: type[Base] | Table) -> DialectInsert:
    """INSERT with ON CONFLICT support for the session's database (SQLite or PostgreSQL)."""
    # Imported here: the PostgreSQL dialect module alone costs ~70 ms of start-up.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def inserted_keys(session: Session, statement: DialectInsert, key_column: Any) -> list[Any]:
    """The keys of the rows an INSERT (... ON CONFLICT DO NOTHING) added, by RETURNING."""
    return list(session.scalars(statement.returning(key_column)))


def inserted(session: Session, statement: Executable) -> int:
    """How many rows an INSERT (... ON CONFLICT DO NOTHING) added: SQLAlchemy 2.1 reports
    an INSERT's rowcount on PostgreSQL only when asked to keep it (else -1)."""
    return changed_rows(session.execute(statement, execution_options={"preserve_rowcount": True}))


def _has_email(person: Any) -> Any:
    return and_(person.email.is_not(None), func.trim(person.email) != "")


def _led_teams() -> Any:
    return select(Agent.team).where(Agent.role == "lead", Agent.team.is_not(None))


def _responsible(person: Any, team: str | None) -> Any:
    """Whom an item's trouble goes to besides its assignee: the leads of its effective team,
    or every supervisor when it has none or its team has no lead."""
    everyone = person.role.in_(SUPERVISOR_ROLES)
    if team is None:
        return everyone
    return or_(and_(person.role == "lead", person.team == team),
               and_(everyone, ~exists().where(Agent.role == "lead", Agent.team == team)))


def queue_breach_alerts(session: Session, breach_ids: list[int], now_us: int) -> int:
    """One alert per (breach, person) for the item's assignee and the leads of its
    effective team (every supervisor when it has none or its team has no lead),
    set-based, for breaches this transaction has just recorded. The alert of a person
    with an e-mail address waits for mail even while no SMTP server is configured: the
    send job delivers it once one is (each breach still reaches each person once)."""
    created = 0
    # By id, in chunks: never an anti-join against alerts while inserting into alerts (on a
    # freshly analysed, empty table PostgreSQL plans that as a quadratic nested loop).
    for chunk in _chunks(sorted(breach_ids), 20_000):
        fresh = (select(BreachRecord.id, BreachRecord.item_id, BreachRecord.target)
                 .where(BreachRecord.id.in_(chunk)).subquery())
        person = aliased(Agent)
        email_status = case((_has_email(person), literal(EMAIL_PENDING)),
                            else_=literal(EMAIL_NONE))
        target_label = case((fresh.c.target == "first_response", literal("first response")),
                            else_=literal("resolution"))
        message = (literal("SLA breach: ") + fresh.c.item_id + literal(" missed its ")
                   + target_label + literal(" target"))
        columns = (person.id, literal("breach"), fresh.c.id, fresh.c.item_id, message,
                   literal(now_us), email_status, literal(0))
        # Three plain joins rather than one OR-join, which databases run as a nested loop:
        # the assignee, the team's leads, and every supervisor for an item of no team or
        # of a team without a lead; the assignee is never counted twice.
        to_assignees = (select(*columns).select_from(fresh)
                        .join(Item, Item.id == fresh.c.item_id)
                        .join(person, person.id == Item.assignee_id))
        not_assignee = or_(Item.assignee_id.is_(None), person.id != Item.assignee_id)
        to_leads = (select(*columns).select_from(fresh)
                    .join(Item, Item.id == fresh.c.item_id)
                    # coalesce: no index of items on this side, so that the database goes
                    # from each breach to its item to the team's leads, not from every lead
                    # through every item of the team.
                    .join(person, and_(person.role == "lead",
                                       person.team == func.coalesce(Item.effective_team, "")))
                    .where(not_assignee))
        to_supervisors = (select(*columns).select_from(fresh)
                          .join(Item, Item.id == fresh.c.item_id)
                          .join(person, person.role.in_(SUPERVISOR_ROLES))
                          # Uncorrelated: the led teams are read once, not per row.
                          .where(not_assignee, or_(Item.effective_team.is_(None),
                                                   Item.effective_team.not_in(_led_teams()))))
        # A plain INSERT: nobody can have alerted a breach recorded in this transaction,
        # and ON CONFLICT costs PostgreSQL a speculative insertion per row. The unique
        # (breach, recipient) still refuses a second alert.
        statement = insert(Alert).from_select(
            ["recipient_id", "kind", "breach_id", "item_id", "message", "created_at",
             "email_status", "email_attempts"], union_all(to_assignees, to_leads, to_supervisors))
        created += inserted(session, statement)
    return created


def queue_unplaced_alerts(session: Session, unplaced: Iterable[tuple[str, str | None, str]],
                          teams: dict[str, str | None], now_us: int) -> int:
    """Tell the leads of each item's effective team (every supervisor when it has none or
    its team has no lead) that the (item, from agent, reason) could not be moved; once per
    (item, agent). teams: each item's effective team."""
    recipients: dict[str | None, list[str]] = {}
    rows = []
    for item_id, from_agent_id, reason in unplaced:
        team = teams.get(item_id)
        if team not in recipients:
            recipients[team] = list(session.scalars(
                select(Agent.id).where(_responsible(Agent, team)).order_by(Agent.id)))
        message = (f"Item {item_id} of inactive agent {from_agent_id} could not be "
                   f"reassigned: {reason}")
        rows += [{"recipient_id": person, "kind": "unplaced", "item_id": item_id,
                  "dedupe_key": f"unplaced:{item_id}:{from_agent_id}", "message": message,
                  "created_at": now_us, "email_status": EMAIL_NONE, "email_attempts": 0}
                 for person in recipients[team]]
    if not rows:
        return 0
    statement = dialect_insert(session, Alert).on_conflict_do_nothing()
    return sum(inserted(session, statement.values(chunk)) for chunk in _chunks(rows, 500))


# ---------------------------------------------------------------- the e-mail queue

def requeue_interrupted(session: Session, now_us: int) -> int:
    statement = (update(Alert)
                 .where(Alert.email_status == EMAIL_SENDING,
                        Alert.emailed_at < now_us - STALE_SENDING_US)
                 .values(email_status=EMAIL_PENDING, emailed_at=None,
                         email_error="an earlier delivery was interrupted"))
    return changed_rows(session.execute(statement))


def claim_pending_emails(session: Session, now_us: int) -> list[dict[str, Any]]:
    """Take every queued breach e-mail (state 'sending', attempt counted) and group it by
    person. Run it in the job's exclusive transaction: a second sender then finds nothing."""
    requeue_interrupted(session, now_us)
    # Someone whose address was removed since: in-app only from now on.
    session.execute(update(Alert).where(
        Alert.email_status == EMAIL_PENDING,
        Alert.recipient_id.in_(select(Agent.id).where(~_has_email(Agent))),
    ).values(email_status=EMAIL_NONE, email_error="no e-mail address"))
    rows = session.execute(
        select(Alert.id, Alert.recipient_id, Agent.name, Agent.email, BreachRecord.target,
               BreachRecord.due_at, Item.id.label("item_id"), Item.subject, Item.kind,
               Item.priority)
        .join(Agent, Agent.id == Alert.recipient_id)
        .join(BreachRecord, BreachRecord.id == Alert.breach_id)
        .join(Item, Item.id == BreachRecord.item_id)
        .where(Alert.email_status == EMAIL_PENDING, Alert.kind == "breach",
               or_(Alert.email_next_attempt_at.is_(None),
                   Alert.email_next_attempt_at <= now_us))
        .order_by(Alert.recipient_id, Alert.id)
    ).all()
    batches: dict[str, dict[str, Any]] = {}
    for row in rows:
        batch = batches.setdefault(row.recipient_id, {
            "recipient_id": row.recipient_id, "name": row.name, "email": row.email.strip(),
            "alert_ids": [], "breaches": []})
        batch["alert_ids"].append(row.id)
        batch["breaches"].append({"item_id": row.item_id, "subject": row.subject,
                                  "kind": row.kind, "priority": row.priority,
                                  "target": row.target, "due_at": int(row.due_at)})
    for ids in _chunks([row.id for row in rows]):
        session.execute(update(Alert).where(Alert.id.in_(ids)).values(
            email_status=EMAIL_SENDING, email_attempts=Alert.email_attempts + 1,
            emailed_at=now_us))
    return list(batches.values())


def record_email_outcome(session: Session, alert_ids: list[int], now_us: int, outcome: str,
                         error: str | None = None, message_id: str | None = None, *,
                         retry_minutes: int = 15, max_refusals: int = 5) -> None:
    """The delivery rule, for the alerts one message carried:
    - SENT: never again.
    - POSSIBLY_SENT (the connection failed during DATA): 'unconfirmed', never sent again:
      a person gets each breach at most once (the in-app alert still shows it).
    - REFUSED (the server will not take this message): back in the queue, not before
      retry_minutes, then twice as long after each refusal; at max_refusals 'failed'.
    - NOT_SENT (the server could not be reached or the connection broke before the
      message): back in the queue as it was, for the next run."""
    claimed = [Alert.email_status == EMAIL_SENDING]
    if outcome == REFUSED:
        _record_refusals(session, alert_ids, now_us, error, message_id, claimed,
                         retry_minutes, max_refusals)
        return
    by_outcome: dict[str, dict[str, Any]] = {
        SENT: {"email_status": EMAIL_SENT, "emailed_at": now_us, "email_error": None},
        POSSIBLY_SENT: {"email_status": EMAIL_UNCONFIRMED, "emailed_at": now_us,
                        "email_error": error},
        NOT_SENT: {"email_status": EMAIL_PENDING, "emailed_at": None, "email_error": error},
    }
    values = by_outcome[outcome]
    if message_id is not None and outcome != NOT_SENT:
        values["email_message_id"] = message_id
    for ids in _chunks(alert_ids):
        session.execute(update(Alert).where(Alert.id.in_(ids), *claimed).values(**values))


def _record_refusals(session: Session, alert_ids: list[int], now_us: int, error: str | None,
                     message_id: str | None, claimed: list[Any], retry_minutes: int,
                     max_refusals: int) -> None:
    by_refusals: dict[int, list[int]] = defaultdict(list)
    for ids in _chunks(alert_ids):
        for alert_id, refusals in session.execute(
                select(Alert.id, Alert.email_refusals).where(Alert.id.in_(ids))):
            by_refusals[int(refusals)].append(alert_id)
    for refusals, ids in by_refusals.items():
        given_up = refusals + 1 >= max_refusals
        values = {"email_refusals": refusals + 1, "email_error": error, "emailed_at": None,
                  "email_message_id": message_id,
                  "email_status": EMAIL_FAILED if given_up else EMAIL_PENDING,
                  "email_next_attempt_at": None if given_up else
                  now_us + retry_minutes * US_PER_MINUTE * 2 ** refusals}
        for chunk in _chunks(ids):
            session.execute(update(Alert).where(Alert.id.in_(chunk), *claimed).values(**values))


def _chunks(values: list[T], size: int = 500) -> Iterable[list[T]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ---------------------------------------------------------------- a person's inbox

def _alert_entry(alert: Alert, breach: BreachRecord | None) -> dict[str, Any]:
    return {
        "id": alert.id, "kind": alert.kind, "item_id": alert.item_id, "message": alert.message,
        "created_at": iso_utc(alert.created_at), "read": alert.read_at is not None,
        "read_at": iso_utc(alert.read_at), "acknowledged_at": iso_utc(alert.acknowledged_at),
        "breach_id": alert.breach_id, "target": breach.target if breach else None,
        "due_at": iso_utc(breach.due_at) if breach else None,
        "breach_acknowledged_at": iso_utc(breach.acknowledged_at) if breach else None,
        "reassignment_id": alert.reassignment_id, "email_status": alert.email_status,
        "email_attempts": alert.email_attempts, "email_error": alert.email_error,
        "email_next_attempt_at": iso_utc(alert.email_next_attempt_at),
    }


def list_alerts(session: Session, recipient_id: str, *, unread_only: bool = False,
                after_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """A person's alerts, newest first; after_id gives only those newer than a known one."""
    query = (select(Alert, BreachRecord)
             .outerjoin(BreachRecord, BreachRecord.id == Alert.breach_id)
             .where(Alert.recipient_id == recipient_id)
             .order_by(Alert.id.desc()).limit(limit))
    if unread_only:
        query = query.where(Alert.read_at.is_(None))
    if after_id is not None:
        query = query.where(Alert.id > after_id)
    return [_alert_entry(alert, breach) for alert, breach in session.execute(query)]


def unread_count(session: Session, recipient_id: str) -> int:
    return int(session.scalar(select(func.count()).select_from(Alert).where(
        Alert.recipient_id == recipient_id, Alert.read_at.is_(None))) or 0)


def mark_read(session: Session, recipient_id: str, alert_ids: Iterable[int] | None,
              now_us: int) -> int:
    """Mark some (or, with None, all) of a person's alerts read; returns how many changed."""
    statement = update(Alert).where(Alert.recipient_id == recipient_id,
                                    Alert.read_at.is_(None))
    if alert_ids is not None:
        statement = statement.where(Alert.id.in_(list(alert_ids)))
    return changed_rows(session.execute(statement.values(read_at=now_us)))


def acknowledge_alert(session: Session, recipient_id: str, alert_id: int, now_us: int) -> bool:
    """The person has seen to it (also marks it read). False when it was already done."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.recipient_id != recipient_id:
        raise BadInput(f"no alert {alert_id} for {recipient_id!r}")
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now_us
    alert.read_at = alert.read_at or now_us
    return True


def acknowledge_breach(session: Session, actor: Actor, breach_id: int, now_us: int) -> bool:
    """The item's assignee or a supervisor takes the breach in hand; their alerts of it are
    acknowledged too. False when the breach was acknowledged already."""
    breach = session.get(BreachRecord, breach_id)
    if breach is None:
        raise BadInput(f"no breach {breach_id}")
    assignee = session.scalar(select(Item.assignee_id).where(Item.id == breach.item_id))
    if not actor.is_supervisor and (actor.id is None or actor.id != assignee):
        raise PermissionDenied("only the assignee or a supervisor acknowledges a breach")
    if actor.id is not None:
        session.execute(update(Alert).where(
            Alert.breach_id == breach_id, Alert.recipient_id == actor.id,
            Alert.acknowledged_at.is_(None),
        ).values(acknowledged_at=now_us, read_at=func.coalesce(Alert.read_at, now_us)))
    if breach.acknowledged_at is not None:
        return False
    breach.acknowledged_at = now_us
    breach.acknowledged_by = actor.id or "local operator"
    return True

