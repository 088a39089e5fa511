"""send-sla-breach-alerts through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import logging
import subprocess

from sqlalchemy import select
from sqlalchemy.orm import Session

import jobs.send_sla_breach_alerts as sender
from core.mailer import breach_message
from core.models import Alert
from core.secrets import SMTP_PASSWORD_ENV, get_smtp_password
from core.timeutil import zone
from jobs.check_sla_breaches import run_check_sla_breaches
from jobs.send_sla_breach_alerts import run_send_sla_breach_alerts
from tests.jobs_helpers import (
    NOW,
    ROOT,
    M,
    body_text,
    cli_command,
    cli_env,
    settings,
    smtp,
    us,
)
from tests.jobs_helpers import (
    load_breach_team as load_team,
)

PEOPLE_WITH_MAIL = ["a1@example.com", "admin1@example.com", "lead1@example.com"]


def email_states(engine) -> dict[str, tuple[str, int]]:
    with Session(engine) as session:
        rows = session.execute(select(Alert.recipient_id, Alert.email_status,
                                      Alert.email_attempts, Alert.email_error)).all()
    return {(r.recipient_id, r.email_status, r.email_attempts, r.email_error) for r in rows}


def test_every_person_hears_of_each_breach_once_and_nobody_else_gets_mail(engine, mail_sink):
    load_team(engine)
    config = smtp(mail_sink)
    run_check_sla_breaches(engine, us(NOW), config)

    counts = run_send_sla_breach_alerts(engine, us(NOW), config)

    assert counts == {"recipients": 3, "emails_sent": 3, "alerts_sent": 9, "alerts_failed": 0,
                      "alerts_unconfirmed": 0}  # 1 + 4 + 4
    assert mail_sink.recipients() == PEOPLE_WITH_MAIL  # a2 has no address, a3 no breach
    lead_mail = mail_sink.messages_to("lead1@example.com")[0]
    plain, html = body_text(lead_mail), body_text(lead_mail, "html")
    for text in (plain, html):
        for expected in ("b1", "subject of b1", "b2", "b3", "ticket", "high",
                         "first response", "resolution", "2024-03-15 11:00 UTC", "1 h 0 min",
                         "4 h 0 min", "2024-03-15 08:00 UTC"):
            assert expected in text, (expected, text)
    assert lead_mail["From"] == "alerts@support.example"
    assert "4 breaches" in lead_mail["Subject"]
    a1_mail = body_text(mail_sink.messages_to("a1@example.com")[0])
    assert "b1" in a1_mail and "b2" not in a1_mail and "b3" not in a1_mail

    assert run_send_sla_breach_alerts(engine, us(NOW + M), config)["emails_sent"] == 0
    assert len(mail_sink.received) == 3

    run_check_sla_breaches(engine, us(NOW + M), config)  # "edge" of a3 breaches now
    counts = run_send_sla_breach_alerts(engine, us(NOW + 2 * M), config)
    assert counts["emails_sent"] == 3
    assert mail_sink.recipients() == sorted(
        PEOPLE_WITH_MAIL + ["a3@example.com", "admin1@example.com", "lead1@example.com"])
    second_to_lead = body_text(mail_sink.messages_to("lead1@example.com")[1])
    assert "edge" in second_to_lead and "b1" not in second_to_lead


def test_smtp_down_keeps_alerts_queued_then_delivers_each_exactly_once(engine, mail_sink):
    load_team(engine)
    config = smtp(mail_sink)
    run_check_sla_breaches(engine, us(NOW), config)
    mail_sink.stop()

    for attempt in (1, 2):
        counts = run_send_sla_breach_alerts(engine, us(NOW + attempt * M), config)
        assert counts["emails_sent"] == 0 and counts["alerts_failed"] == 9
        assert "not delivered" in counts["_warning"]
        states = {(who, status, tries) for who, status, tries, _ in email_states(engine)}
        assert {s for s in states if s[1] != "none"} == {
            (who, "pending", attempt) for who in ("a1", "lead1", "admin1")}
        errors = {error for *_, status, _t, error in email_states(engine) if status == "pending"}
        assert all(error and "127.0.0.1" in error for error in errors)

    mail_sink.start()  # the same port, up again
    counts = run_send_sla_breach_alerts(engine, us(NOW + 3 * M), config)
    assert counts["emails_sent"] == 3
    assert run_send_sla_breach_alerts(engine, us(NOW + 4 * M), config)["emails_sent"] == 0
    assert mail_sink.recipients() == PEOPLE_WITH_MAIL
    assert {(who, status, tries) for who, status, tries, _ in email_states(engine)
            if status != "none"} == {(who, "sent", 3) for who in ("a1", "lead1", "admin1")}


def test_no_smtp_host_means_in_app_only_said_once(engine, caplog, monkeypatch):
    monkeypatch.setattr(sender, "_told_no_smtp", False)
    load_team(engine)
    run_check_sla_breaches(engine, us(NOW), settings())
    with caplog.at_level(logging.INFO, logger=sender.__name__):
        first = run_send_sla_breach_alerts(engine, us(NOW), settings())
        run_send_sla_breach_alerts(engine, us(NOW + M), settings())
    assert first["emails_sent"] == 0
    assert [r.getMessage() for r in caplog.records].count(
        "no SMTP host configured (smtp_host): breach alerts are in-app only "
        "(e-mail waits until a server is set)") == 1
    # Nothing was sent or tried; the alerts of people with an address wait for a server.
    assert {(w, status, tries) for w, status, tries, _e in email_states(engine)} == {
        ("a1", "pending", 0), ("a2", "none", 0), ("lead1", "pending", 0),
        ("admin1", "pending", 0)}


def test_mail_configured_after_the_breach_check_still_reaches_everyone_once(engine, mail_sink):
    load_team(engine)
    run_check_sla_breaches(engine, us(NOW), settings())  # no SMTP yet
    first = run_send_sla_breach_alerts(engine, us(NOW + M), smtp(mail_sink))
    again = run_send_sla_breach_alerts(engine, us(NOW + 2 * M), smtp(mail_sink))
    assert first["emails_sent"] == 3 and again["emails_sent"] == 0
    assert mail_sink.recipients() == PEOPLE_WITH_MAIL  # once each


def test_a_server_without_starttls_is_an_error_that_keeps_mail_queued(engine, mail_sink):
    load_team(engine)
    config = smtp(mail_sink, smtp_security="starttls")
    run_check_sla_breaches(engine, us(NOW), config)
    counts = run_send_sla_breach_alerts(engine, us(NOW), config)
    assert counts["emails_sent"] == 0 and "STARTTLS" in counts["_warning"]
    assert mail_sink.received == []


def test_message_has_plain_and_html_parts_and_escapes_html():
    breaches = [{"item_id": "T1", "subject": "<b>bold</b> & co", "kind": "ticket",
                 "priority": "urgent", "target": "resolution", "due_at": us(NOW - 90 * M)}]
    message = breach_message("from@x", "Ann", "ann@x", breaches, us(NOW), zone("Europe/Berlin"))
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html and "<b>bold</b>" not in html
    assert "<b>bold</b> & co" in plain
    assert "2024-03-15 11:30 CET" in plain and "1 h 30 min" in plain


def test_smtp_password_from_the_environment_when_no_keyring(monkeypatch):
    monkeypatch.setenv(SMTP_PASSWORD_ENV, "s3cret")
    assert get_smtp_password("alerts", "mail.example") == "s3cret"
    monkeypatch.delenv(SMTP_PASSWORD_ENV)
    assert get_smtp_password("alerts", "mail.example") is None


def test_the_jobs_refuse_a_plain_text_keyring_as_the_console_does(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):  # keyrings.alt's name: a file anyone can read
        priority = 1

        def get_password(self, service, username):
            return "from-a-plain-file"

        def set_password(self, service, username, password):
            raise AssertionError("never stored")

        def delete_password(self, service, username):
            raise AssertionError("never deleted")

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert get_smtp_password("alerts", "mail.example") is None
        monkeypatch.setenv(SMTP_PASSWORD_ENV, "s3cret")
        assert get_smtp_password("alerts", "mail.example") == "s3cret"
    finally:
        keyring.set_keyring(previous)


def test_three_processes_sending_at_once_mail_each_person_once(pg_url, mail_sink):
    from core.db import make_engine, upgrade_schema

    engine = make_engine(pg_url)
    try:
        upgrade_schema(engine)
        load_team(engine)
        run_check_sla_breaches(engine, us(NOW), smtp(mail_sink))
    finally:
        engine.dispose()
    env = cli_env(SUPPORT_CONSOLE_SMTP_HOST="127.0.0.1",
                  SUPPORT_CONSOLE_SMTP_PORT=str(mail_sink.port))
    racers = [subprocess.Popen(cli_command(pg_url, "jobs", "run", "send-sla-breach-alerts",
                                           "--now", NOW.isoformat()),
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(3)]
    results = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0], results
    assert mail_sink.recipients() == PEOPLE_WITH_MAIL
