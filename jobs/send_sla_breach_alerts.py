"""send-sla-breach-alerts: one e-mail per person per run listing all their pending breaches."""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.alerts import EMAIL_PENDING, claim_pending_emails, record_email_outcome
from core.db import write_transaction
from core.mailer import MailProblem, SmtpConfig, SmtpConnection, breach_message, describe_smtp_error
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


def deliver(config: SmtpConfig, batches: list[dict[str, Any]], now_us: int,
            settings: Settings) -> list[tuple[dict[str, Any], str | None]]:
    """(batch, error or None) for each person: one connection, one message each."""
    tz = zone(settings.timezone)
    results: list[tuple[dict[str, Any], str | None]] = []
    try:
        with SmtpConnection(config) as smtp:
            for index, batch in enumerate(batches):
                message = breach_message(config.sender, batch["name"], batch["email"],
                                         batch["breaches"], now_us, tz)
                try:
                    smtp.send(message)
                    results.append((batch, None))
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    # The connection is gone: this one and the rest wait for the next run.
                    error = f"SMTP {config.host}:{config.port}: {describe_smtp_error(exc)}"
                    results += [(rest, error) for rest in batches[index:]]
                    break
                except smtplib.SMTPException as exc:
                    results.append((batch, describe_smtp_error(exc)))
    except MailProblem as exc:
        done = {id(batch) for batch, _ in results}
        results += [(batch, str(exc)) for batch in batches if id(batch) not in done]
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
        for batch, error in results:
            record_email_outcome(session, batch["alert_ids"], now_us, error)
    sent = [batch for batch, error in results if error is None]
    failed = [(batch, error) for batch, error in results if error is not None]
    counts: dict[str, Any] = {
        "recipients": len(results), "emails_sent": len(sent),
        "alerts_sent": sum(len(b["alert_ids"]) for b in sent),
        "alerts_failed": sum(len(b["alert_ids"]) for b, _ in failed)}
    if failed:
        counts["_warning"] = f"{len(failed)} of {len(results)} e-mails not delivered " \
                             f"(kept queued): {failed[0][1]}"
        log.warning("breach e-mail: %s", counts["_warning"])
    counts.update(retry_waiting_digests(engine, now_us, settings, config))
    return counts
