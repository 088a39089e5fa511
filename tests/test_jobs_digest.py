"""send-team-digest through a real SMTP server (aiosmtpd on loopback), and its schedule."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import read_scope
from core.models import DigestDelivery
from core.reports import run_report
from core.settings import Settings
from core.timeutil import US_PER_DAY, parse_now, zone
from core.window import Window
from jobs.registry import get_job
from jobs.schedule import current_period, describe_schedule, next_run_us
from jobs.send_sla_breach_alerts import run_send_sla_breach_alerts
from jobs.send_team_digest import run_send_team_digest
from tests import jobs_helpers
from tests.jobs_helpers import (
    NOW,
    D,
    H,
    M,
    MailSink,
    add_agent,
    add_item,
    body_text,
    cli,
    load_breach_team,
    settings,
    us,
)

SUPERVISORS_WITH_MAIL = ["admin1@example.com", "lead1@example.com"]
SMTP_ENV = {"SUPPORT_CONSOLE_SMTP_HOST": "127.0.0.1", "SUPPORT_CONSOLE_SMTP_SECURITY": "none",
            "SUPPORT_CONSOLE_TIMEZONE": "UTC"}


def load_digest_team(engine) -> None:
    """The breach team (lead1, admin1 with addresses) plus a lead without one and a
    previous week of tickets, so both weeks have figures."""
    load_breach_team(engine)
    with Session(engine) as session, session.begin():
        add_agent(session, "lead2", "lead", email=None)
        add_item(session, "prev1", NOW - 9 * D, assignee="a1", first_response=NOW - 9 * D + 2 * H,
                 resolved=NOW - 9 * D + 3 * H)
        add_item(session, "prev2", NOW - 8 * D, assignee="a3", priority="low")


def smtp(sink, **more) -> Settings:
    return jobs_helpers.smtp(sink, smtp_sender="digest@support.example", **more)


def attachment_text(message) -> str:
    for part in message.walk():
        if part.get_filename() == "agents.csv":
            return part.get_payload(decode=True).decode("utf-8")
    raise AssertionError("no agents.csv attachment")


def attachment(message) -> tuple[str, list[dict]]:
    text = attachment_text(message)
    return text.splitlines()[0], list(csv.DictReader(io.StringIO(text)))


def as_csv_row(row: dict) -> dict:
    return {key: "" if value is None else str(value) for key, value in row.items()}


def deliveries(engine) -> list[tuple]:
    with Session(engine) as session:
        return list(session.execute(
            select(DigestDelivery.period, DigestDelivery.recipient_id, DigestDelivery.status,
                   DigestDelivery.attempts, DigestDelivery.error)
            .order_by(DigestDelivery.recipient_id)).all())


def test_each_supervisor_gets_one_digest_with_the_weeks_and_the_agents_and_only_once(
        engine, db_url, mail_sink):
    load_digest_team(engine)

    first = cli(db_url, "jobs", "run", "send-team-digest", "--now", NOW.isoformat(),
                SUPPORT_CONSOLE_SMTP_PORT=str(mail_sink.port), **SMTP_ENV)
    assert first.returncode == 0, first.stderr
    outcome = json.loads(first.stdout)
    assert outcome["outcome"] == "ok", outcome
    assert outcome["counts"] == {"period": "2024-03-11", "queued": 2, "sent": 2, "failed": 0}
    assert mail_sink.recipients() == SUPERVISORS_WITH_MAIL  # lead2 has no address, agents none

    printed = cli(db_url, "report", "comparison", "--days", "7", "--now", NOW.isoformat(),
                  "--tz", "UTC")
    assert printed.returncode == 0, printed.stderr
    comparison = json.loads(printed.stdout)["agents"]
    as_csv = cli(db_url, "report", "comparison", "--days", "7", "--now", NOW.isoformat(),
                 "--tz", "UTC", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    with read_scope(engine) as conn:
        week = Window(us(NOW), 7, zone("UTC"))
        figures = run_report(conn, "performance", week)
        before = run_report(conn, "performance", Window(us(NOW) - 7 * US_PER_DAY, 7, zone("UTC")))
    for address in SUPERVISORS_WITH_MAIL:
        (message,) = mail_sink.messages_to(address)
        header, rows = attachment(message)
        assert header == ",".join(comparison[0])  # agent_id,agent_name,...
        assert header.startswith("agent_id,agent_name,tickets_handled")
        assert rows == [as_csv_row(row) for row in comparison]
        assert attachment_text(message).splitlines() == as_csv.stdout.splitlines()
        assert [p.get_content_type() for p in message.walk()].count("image/png") == 1
        plain, html = body_text(message), body_text(message, "html")
        # Handled: b1, b2, b3, fine, edge, late-but-done, no-policy; before: prev1, prev2.
        assert figures["tickets_handled"] == 7 and before["tickets_handled"] == 2
        handled_line = next(line for line in plain.splitlines() if "Tickets handled" in line)
        assert handled_line.split()[-3:] == ["7", "2", "+5"]
        for text in (plain, html):
            for breach in ("b1", "b2", "b3"):
                assert breach in text
            assert "Active breaches: 3" in text
        assert "cid:" in html

    again = cli(db_url, "jobs", "run", "send-team-digest", "--now", (NOW + H).isoformat(),
                SUPPORT_CONSOLE_SMTP_PORT=str(mail_sink.port), **SMTP_ENV)
    assert json.loads(again.stdout)["counts"] == {"period": "2024-03-11", "queued": 0,
                                                  "sent": 0, "failed": 0}
    assert len(mail_sink.received) == 2


class RefusingSink(MailSink):
    """Refuses the listed recipients at RCPT time, as a real server refuses a mailbox."""

    def __init__(self, refuse: set[str]):
        super().__init__()
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_digest_stays_queued_with_its_error_and_is_retried_once(engine):
    load_digest_team(engine)
    sink = RefusingSink({"lead1@example.com"})
    sink.start()
    try:
        counts = run_send_team_digest(engine, us(NOW), smtp(sink))
        assert counts["sent"] == 1 and counts["failed"] == 1
        assert "550" in counts["_warning"]
        assert sink.recipients() == ["admin1@example.com"]
        states = deliveries(engine)
        assert [(s.recipient_id, s.status, s.attempts) for s in states] == [
            ("admin1", "sent", 1), ("lead1", "pending", 1)]
        assert "550" in states[1].error

        sink.refuse.clear()
        # The mail job of every 15 minutes retries it, as it retries a breach alert.
        counts = run_send_sla_breach_alerts(engine, us(NOW + 15 * M), smtp(sink))
        assert counts["digests_sent"] == 1 and counts["digests_failed"] == 0
        assert sink.recipients() == ["admin1@example.com", "lead1@example.com"]
        assert [(s.status, s.attempts, s.error) for s in deliveries(engine)] == [
            ("sent", 1, None), ("sent", 2, None)]
        # The retry carries the figures of the period's clock, not of the retry's.
        retried = sink.messages_to("lead1@example.com")[0]
        assert NOW.isoformat() in body_text(retried)

        assert run_send_team_digest(engine, us(NOW + H), smtp(sink)) == {
            "period": "2024-03-11", "queued": 0, "sent": 0, "failed": 0}
        assert "digests_sent" not in run_send_sla_breach_alerts(engine, us(NOW + H), smtp(sink))
        assert len(sink.received) == 2
    finally:
        sink.stop()


def test_without_an_smtp_server_digests_wait_and_go_once_one_is_set(engine, mail_sink):
    load_digest_team(engine)
    counts = run_send_team_digest(engine, us(NOW), settings())
    assert counts["queued"] == 2 and counts["waiting"] == 2
    assert mail_sink.received == []

    counts = run_send_team_digest(engine, us(NOW + H), smtp(mail_sink))
    assert counts["queued"] == 0 and counts["sent"] == 2
    next_week = run_send_team_digest(engine, us(NOW + 4 * D), smtp(mail_sink))  # Tue 19th
    assert next_week == {"period": "2024-03-18", "queued": 2, "sent": 2, "failed": 0}
    assert len(mail_sink.received) == 4


def test_the_digest_runs_weekly_on_monday_at_eight_in_the_sites_zone():
    spec = get_job("send-team-digest")
    berlin = Settings(timezone="Europe/Berlin")
    assert describe_schedule(spec, berlin) == "weekly on Monday at 08:00 (Europe/Berlin)"
    # Monday 2024-03-11 08:00 in Berlin is 07:00 UTC.
    monday = parse_now("2024-03-11T07:00:00+00:00")
    assert current_period(spec, monday, berlin) == ("2024-03-11", monday)
    assert current_period(spec, monday - 1, berlin)[0] == "2024-03-04"
    assert current_period(spec, us(NOW), berlin) == ("2024-03-11", monday)
    assert next_run_us(spec, berlin, monday) == monday + 7 * US_PER_DAY
    assert next_run_us(spec, berlin, monday - 1) == monday
    thursday = Settings(timezone="UTC", send_team_digest_at="thu 17:30")
    assert describe_schedule(spec, thursday) == "weekly on Thursday at 17:30 (UTC)"
    assert current_period(spec, us(NOW), thursday)[0] == "2024-03-14"


def test_a_lead_of_a_team_gets_the_teams_figures_and_others_everyones(engine, db_url, mail_sink):
    from sqlalchemy import update

    from core.models import Agent
    from core.teams import refresh_agents_items

    load_digest_team(engine)
    with Session(engine) as session, session.begin():
        session.execute(update(Agent).where(Agent.id.in_(["lead1", "a1"])).values(team="blue"))
        refresh_agents_items(session.connection(), {"lead1": "blue", "a1": "blue"})

    counts = run_send_team_digest(engine, us(NOW), smtp(mail_sink))
    assert counts["sent"] == 2
    lead, admin = (mail_sink.messages_to(f"{who}@example.com")[0] for who in ("lead1", "admin1"))
    assert "Team blue:" in body_text(lead) and "The whole team:" in body_text(admin)
    team_csv = cli(db_url, "report", "comparison", "--days", "7", "--now", NOW.isoformat(),
                   "--tz", "UTC", "--team", "blue", "--format", "csv")
    assert team_csv.returncode == 0, team_csv.stderr
    assert attachment_text(lead).splitlines() == team_csv.stdout.splitlines()
    # a1's tickets only (b1, fine, late-but-done, no-policy, prev1): not b2, b3 or edge.
    assert "b1" in body_text(lead) and "b3" not in body_text(lead)
    assert "b3" in body_text(admin)
