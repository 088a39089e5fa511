"""send-team-digest: every supervisor with an e-mail gets the week's digest once per period."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine, and_, func, select, update
from sqlalchemy.orm import Session

from core.alerts import NOT_SENT, POSSIBLY_SENT, REFUSED, SENT, dialect_insert, inserted
from core.db import read_scope, write_transaction
from core.digest import digest_content
from core.mailer import MailProblem, MessageRefused, PossiblySent, SmtpConfig, SmtpConnection
from core.models import SUPERVISOR_ROLES, Agent, DigestDelivery
from core.settings import Settings
from core.timeutil import US_PER_HOUR, zone
from core.window import Window
from jobs.exclusive import job_transaction

NAME = "send-team-digest"
PENDING, SENDING, DELIVERED, UNCONFIRMED = "pending", "sending", "sent", "unconfirmed"
# A claimed delivery older than this was interrupted (the process died mid-run): requeue it.
STALE_SENDING_US = 2 * US_PER_HOUR
log = logging.getLogger(__name__)


def recipient_team(person: Any) -> str | None:
    """A lead of a team gets their team's figures; every other supervisor everyone's."""
    team = getattr(person, "team", None)  # the agents' team column, once the schema has one
    return team if person.role == "lead" and team else None


def queue_period(session: Session, period: str, now_us: int) -> int:
    """One pending digest per supervisor with an e-mail for the period; none twice."""
    has_email = and_(Agent.email.is_not(None), func.trim(Agent.email) != "")
    people = session.scalars(select(Agent).where(Agent.role.in_(SUPERVISOR_ROLES), has_email)
                             .order_by(Agent.id))
    queued = 0
    for person in people:
        statement = dialect_insert(session, DigestDelivery).values(
            period=period, recipient_id=person.id, team=recipient_team(person), as_of=now_us,
            queued_at=now_us, status=PENDING, attempts=0).on_conflict_do_nothing()
        queued += inserted(session, statement)
    return queued


def claim_pending(session: Session, now_us: int) -> list[dict[str, Any]]:
    """Take every pending digest (state 'sending', attempt counted), with its recipient's
    current name and address. Run it in the job's exclusive transaction."""
    session.execute(update(DigestDelivery).where(
        DigestDelivery.status == SENDING,
        DigestDelivery.attempted_at < now_us - STALE_SENDING_US,
    ).values(status=PENDING, error="an earlier delivery was interrupted"))
    rows = session.execute(
        select(DigestDelivery.id, DigestDelivery.period, DigestDelivery.team,
               DigestDelivery.as_of, Agent.name, Agent.email)
        .join(Agent, Agent.id == DigestDelivery.recipient_id)
        .where(DigestDelivery.status == PENDING, func.trim(Agent.email) != "")
        .order_by(DigestDelivery.period, DigestDelivery.recipient_id)).all()
    ids = [row.id for row in rows]
    if ids:
        session.execute(update(DigestDelivery).where(DigestDelivery.id.in_(ids)).values(
            status=SENDING, attempts=DigestDelivery.attempts + 1, attempted_at=now_us))
    return [row._asdict() for row in rows]


def record_outcome(session: Session, delivery_id: int, now_us: int, outcome: str,
                   error: str | None) -> None:
    """Sent; possibly sent (the connection broke during DATA: never sent twice, the error
    says so); else back in the queue with its error, for the next run."""
    values: dict[str, Any] = {"status": PENDING, "error": error}
    if outcome == SENT:
        values = {"status": DELIVERED, "sent_at": now_us, "error": None}
    elif outcome == POSSIBLY_SENT:
        values = {"status": UNCONFIRMED, "sent_at": now_us, "error": error}
    session.execute(update(DigestDelivery).where(DigestDelivery.id == delivery_id,
                                                 DigestDelivery.status == SENDING).values(**values))


def _messages(engine: Engine, claims: list[dict[str, Any]], config: SmtpConfig,
              settings: Settings) -> list[EmailMessage]:
    """One message per claim; the figures of each (team, clock) are computed once."""
    from core.digest_mail import digest_message  # Pillow: loaded when a digest is made

    tz = zone(settings.timezone)
    contents: dict[tuple[str | None, int], dict[str, Any]] = {}
    messages = []
    with read_scope(engine) as conn:
        for claim in claims:
            key = (claim["team"], claim["as_of"])
            if key not in contents:
                contents[key] = digest_content(conn, Window(claim["as_of"], 7, tz), settings,
                                               team=claim["team"])
            # The same digest always has the same Message-ID, so a copy can be told.
            domain = config.sender.rpartition("@")[2] or "localhost"
            msgid = f"<team-digest.{claim['period']}.{claim['id']}@{domain}>"
            messages.append(digest_message(config.sender, claim["name"], claim["email"].strip(),
                                           contents[key], msgid))
    return messages


def send_all(config: SmtpConfig, messages: list[EmailMessage]) -> list[tuple[str, str | None]]:
    """(outcome, error) of each message, over one connection: a refused message fails alone;
    a broken connection stops the run (the message caught in DATA possibly sent)."""
    results: list[tuple[str, str | None]] = []
    try:
        with SmtpConnection(config) as smtp:
            for message in messages:
                try:
                    smtp.send(message)
                    results.append((SENT, None))
                except MessageRefused as exc:
                    results.append((REFUSED, str(exc)))
                except PossiblySent as exc:
                    results.append((POSSIBLY_SENT, str(exc)))
                    break
    except MailProblem as exc:
        results += [(NOT_SENT, str(exc))] * (len(messages) - len(results))
    results += [(NOT_SENT, "not tried: the connection broke")] * (len(messages) - len(results))
    return results


def deliver_pending(engine: Engine, now_us: int, settings: Settings,
                    config: SmtpConfig) -> dict[str, Any]:
    """Send every queued digest (of this period or an earlier one that failed)."""
    with job_transaction(engine, NAME) as session:
        claims = claim_pending(session, now_us)
    if not claims:
        return {"sent": 0, "failed": 0}
    try:
        results = send_all(config, _messages(engine, claims, config, settings))
    except Exception as exc:  # nothing was sent: every claim waits for the next run
        reason = f"the digest could not be made: {type(exc).__name__}: {exc}"
        results = [(NOT_SENT, reason)] * len(claims)
        log.exception("team digest")
    with write_transaction(engine) as session:
        for claim, (outcome, error) in zip(claims, results, strict=True):
            record_outcome(session, claim["id"], now_us, outcome, error)
    failed = [(outcome, error) for outcome, error in results if outcome != SENT]
    counts: dict[str, Any] = {"sent": len(results) - len(failed), "failed": len(failed)}
    if failed:
        counts["_warning"] = (f"{len(failed)} of {len(results)} digests not delivered "
                              f"({failed[0][0]}; a possibly sent one is not sent again, the "
                              f"others are kept queued): {failed[0][1]}")
        log.warning("team digest: %s", counts["_warning"])
    return counts


def retry_waiting_digests(engine: Engine, now_us: int, settings: Settings,
                          config: SmtpConfig) -> dict[str, Any]:
    """For the breach-alert sender's frequent runs: digests that failed (or waited for an
    SMTP server) are retried within minutes, not a week later. {} when none waited."""
    counts = deliver_pending(engine, now_us, settings, config)
    if not counts["sent"] and not counts["failed"]:
        return {}
    return {"digests_sent": counts["sent"], "digests_failed": counts["failed"]}


def run_send_team_digest(engine: Engine, now_us: int, settings: Settings) -> dict[str, Any]:
    from jobs.registry import get_job  # the registry imports this module
    from jobs.schedule import current_period

    period, _start = current_period(get_job(NAME), now_us, settings)
    config = SmtpConfig.from_settings(settings)
    with job_transaction(engine, NAME) as session:
        queued = queue_period(session, period, now_us)
    counts: dict[str, Any] = {"period": period, "queued": queued}
    if config is None:
        with Session(engine) as session:
            counts["waiting"] = int(session.scalar(select(func.count()).select_from(
                DigestDelivery).where(DigestDelivery.status == PENDING)) or 0)
        counts["_warning"] = "no SMTP host configured (smtp_host): digests wait in the queue"
        return counts
    counts.update(deliver_pending(engine, now_us, settings, config))
    return counts
