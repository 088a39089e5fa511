"""send-sla-breach-alerts: one e-mail per person per run listing all their pending breaches."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.alerts import (
    EMAIL_PENDING,
    NOT_SENT,
    POSSIBLY_SENT,
    REFUSED,
    SENT,
    claim_pending_emails,
    record_email_outcome,
)
from core.db import write_transaction
from core.mailer import (
    MailProblem,
    MessageRefused,
    PossiblySent,
    SmtpConfig,
    SmtpConnection,
    breach_message,
    message_id,
)
from core.models import Alert
from core.settings import Settings
from core.timeutil import zone
from jobs.exclusive import job_transaction
from jobs.send_team_digest import retry_waiting_digests

NAME = "send-sla-breach-alerts"
log = logging.getLogger(__name__)
_told_no_smtp = False


def _say_once_no_smtp() -> None:
    global _told_no_smtp
    if not _told_no_smtp:
        _told_no_smtp = True
        log.info("no SMTP host configured (smtp_host): breach alerts are in-app only "
                 "(e-mail waits until a server is set)")


Result = tuple[dict[str, Any], str, str | None, str]  # batch, outcome, error, Message-ID


def deliver(config: SmtpConfig, batches: list[dict[str, Any]], now_us: int,
            settings: Settings) -> list[Result]:
    """How each person's message ended (core.alerts' outcomes): one connection, one message
    each. A refused message fails alone; a connection that breaks stops the run (a message
    caught in DATA is possibly sent; the ones after it wait for the next run)."""
    tz = zone(settings.timezone)
    results: list[Result] = []
    try:
        with SmtpConnection(config) as smtp:
            for index, batch in enumerate(batches):
                msgid = message_id(config.sender, batch["recipient_id"], batch["alert_ids"])
                message = breach_message(config.sender, batch["name"], batch["email"],
                                         batch["breaches"], now_us, tz, msgid)
                try:
                    smtp.send(message)
                    results.append((batch, SENT, None, msgid))
                except MessageRefused as exc:
                    results.append((batch, REFUSED, str(exc), msgid))
                except PossiblySent as exc:
                    results.append((batch, POSSIBLY_SENT, str(exc), msgid))
                    results += [(rest, NOT_SENT, f"not tried: {exc}", "")
                                for rest in batches[index + 1:]]
                    break
                except MailProblem as exc:
                    results += [(rest, NOT_SENT, str(exc), "") for rest in batches[index:]]
                    break
    except MailProblem as exc:
        done = {id(result[0]) for result in results}
        results += [(batch, NOT_SENT, str(exc), "") for batch in batches
                    if id(batch) not in done]
    return results


def run_send_sla_breach_alerts(engine: Engine, now_us: int, settings: Settings) -> dict[str, Any]:
    config = SmtpConfig.from_settings(settings)
    if config is None:
        _say_once_no_smtp()
        with Session(engine) as session:
            waiting = session.scalar(select(func.count()).select_from(Alert).where(
                Alert.email_status == EMAIL_PENDING))
        return {"recipients": 0, "emails_sent": 0, "alerts_sent": 0, "alerts_failed": 0,
                "alerts_waiting": int(waiting or 0)}
    # Claimed under the job's lock, then sent outside any transaction, so a slow mail
    # server never holds the database's write lock; a second sender finds nothing to claim.
    with job_transaction(engine, NAME) as session:
        batches = claim_pending_emails(session, now_us)
    results = deliver(config, batches, now_us, settings) if batches else []
    with write_transaction(engine) as session:
        for batch, outcome, error, msgid in results:
            record_email_outcome(session, batch["alert_ids"], now_us, outcome, error,
                                 msgid or None, retry_minutes=settings.email_retry_minutes,
                                 max_refusals=settings.email_max_refusals)

    def alerts(*outcomes: str) -> int:
        return sum(len(b["alert_ids"]) for b, outcome, _e, _m in results if outcome in outcomes)

    failed = [(outcome, error) for _b, outcome, error, _m in results if outcome != SENT]
    counts: dict[str, Any] = {
        "recipients": len(results),
        "emails_sent": sum(1 for _b, outcome, _e, _m in results if outcome == SENT),
        "alerts_sent": alerts(SENT), "alerts_failed": alerts(REFUSED, NOT_SENT),
        "alerts_unconfirmed": alerts(POSSIBLY_SENT)}
    if failed:
        counts["_warning"] = f"{len(failed)} of {len(results)} e-mails not delivered " \
                             f"({failed[0][0]}): {failed[0][1]}"
        log.warning("breach e-mail: %s", counts["_warning"])
    counts.update(retry_waiting_digests(engine, now_us, settings, config))
    return counts
