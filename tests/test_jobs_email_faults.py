"""Breach e-mail against hostile mail servers (aiosmtpd on loopback): a refused recipient,
a server that stalls after DATA. Each person still hears of each breach at most once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Alert
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.send_sla_breach_alerts import run_send_sla_breach_alerts
from tests.jobs_helpers import NOW, M, MailSink, smtp, us
from tests.jobs_helpers import load_breach_team as load_team


class RefusingSink(MailSink):
    """Answers 550 to one recipient's RCPT; takes everyone else's mail."""

    def __init__(self, refused: str) -> None:
        super().__init__()
        self.refused = refused
        self.refusals = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            self.refusals += 1
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class StallingSink(MailSink):
    """Takes one recipient's message and then does not answer DATA until released: the
    message has arrived, but the sender never hears so."""

    def __init__(self, stalled: str) -> None:
        super().__init__()
        self.stalled = stalled
        self._release: asyncio.Event | None = None

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if self.stalled in envelope.rcpt_tos:
            self._release = self._release or asyncio.Event()
            await self._release.wait()
        return reply

    def stop(self) -> None:
        if self._controller is not None and self._release is not None:
            self._controller.loop.call_soon_threadsafe(self._release.set)
        super().stop()


def states(engine, recipient: str) -> set[tuple]:
    with Session(engine) as session:
        return set(session.execute(
            select(Alert.email_status, Alert.email_attempts, Alert.email_refusals,
                   Alert.email_next_attempt_at, Alert.email_error)
            .where(Alert.recipient_id == recipient, Alert.kind == "breach")).all())


def started(sink):
    sink.start()
    return sink


def test_a_refused_recipient_fails_alone_backs_off_and_is_given_up_at_the_cap(engine):
    sink = started(RefusingSink("a1@example.com"))  # a1 sorts first: the others come after
    try:
        load_team(engine)
        config = smtp(sink, email_retry_minutes=10, email_max_refusals=3)
        run_check_sla_breaches(engine, us(NOW), config)

        counts = run_send_sla_breach_alerts(engine, us(NOW), config)

        assert counts["emails_sent"] == 2 and counts["alerts_sent"] == 8
        assert counts["alerts_failed"] == 1 and "550" in counts["_warning"]
        assert sink.recipients() == ["admin1@example.com", "lead1@example.com"]
        ((status, attempts, refusals, next_at, error),) = states(engine, "a1")
        assert (status, attempts, refusals, next_at) == ("pending", 1, 1, us(NOW + 10 * M))
        assert "550" in error and "a1@example.com" in error

        # Backing off: not tried again before its next attempt, then twice as long.
        assert run_send_sla_breach_alerts(engine, us(NOW + 9 * M), config)["recipients"] == 0
        assert sink.refusals == 1
        run_send_sla_breach_alerts(engine, us(NOW + 10 * M), config)
        assert {s[:4] for s in states(engine, "a1")} == {("pending", 2, 2, us(NOW + 30 * M))}

        run_send_sla_breach_alerts(engine, us(NOW + 30 * M), config)  # the third refusal
        ((status, attempts, refusals, next_at, error),) = states(engine, "a1")
        assert (status, attempts, refusals, next_at) == ("failed", 3, 3, None)
        assert "550" in error

        later = run_send_sla_breach_alerts(engine, us(NOW + 600 * M), config)
        assert later["recipients"] == 0 and sink.refusals == 3
        assert sink.recipients() == ["admin1@example.com", "lead1@example.com"]  # once each
    finally:
        sink.stop()


def test_a_server_stalling_after_data_never_gets_a_breach_twice_to_one_person(engine):
    sink = started(StallingSink("a1@example.com"))
    try:
        load_team(engine)
        config = smtp(sink, smtp_timeout_seconds=0.5)
        run_check_sla_breaches(engine, us(NOW), config)

        first = run_send_sla_breach_alerts(engine, us(NOW), config)

        assert first["emails_sent"] == 0 and first["alerts_unconfirmed"] == 1
        ((status, _attempts, _refusals, next_at, error),) = states(engine, "a1")
        assert status == "unconfirmed" and next_at is None
        assert "possibly delivered" in error
        with Session(engine) as session:
            stored_id = session.scalar(select(Alert.email_message_id).where(
                Alert.recipient_id == "a1", Alert.kind == "breach"))
        assert [m["Message-ID"] for m in sink.messages_to("a1@example.com")] == [stored_id]

        for minute in (1, 2, 3):  # later runs deliver the others and never a1's again
            run_send_sla_breach_alerts(engine, us(NOW + minute * M), config)
        assert sink.recipients() == ["a1@example.com", "admin1@example.com",
                                     "lead1@example.com"]
        assert {s[0] for s in states(engine, "a1")} == {"unconfirmed"}
    finally:
        sink.stop()
