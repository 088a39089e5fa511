"""Helpers the job tests share: rows, the command line in its own process, a real SMTP
server (their fixtures, `engine` and `mail_sink`, are in conftest.py)."""

from __future__ import annotations

import email
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Agent, Item, SlaPolicy
from core.settings import Settings
from core.timeutil import to_us

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)  # a Friday
M = timedelta(minutes=1)
H = timedelta(hours=1)
D = timedelta(days=1)
JOB_NAMES = ("check-sla-breaches", "send-sla-breach-alerts", "auto-reassign-unresolved-tasks",
             "update-support-workload-trackers", "refresh-support-dashboards",
             "calculate-support-performance-metrics", "send-team-digest")


def us(moment: datetime) -> int:
    return to_us(moment)


def settings(**overrides) -> Settings:
    return Settings(timezone="UTC").with_overrides(**overrides)


def add_agent(session: Session, id: str, role: str = "agent", *, active: bool = True,
              last_activity: datetime | None = NOW - H, email: str | None = "",
              max_open: int | None = None) -> None:
    session.add(Agent(id=id, name=f"Agent {id}", role=role, active=active,
                      email=f"{id}@example.com" if email == "" else email,
                      last_activity_at=us(last_activity) if last_activity else None,
                      max_open=max_open))


def add_item(session: Session, id: str, created: datetime, *, kind: str = "ticket",
             priority: str = "high", assignee: str | None = None, status: str | None = None,
             first_response: datetime | None = None, resolved: datetime | None = None) -> None:
    status = status or ("resolved" if resolved else "open")
    session.add(Item(id=id, kind=kind, subject=f"subject of {id}", priority=priority,
                     status=status, assignee_id=assignee, created_at=us(created),
                     first_response_at=us(first_response) if first_response else None,
                     resolved_at=us(resolved) if resolved else None))


def add_policy(session: Session, kind: str, priority: str, response: int | None,
               resolution: int | None) -> None:
    session.add(SlaPolicy(kind=kind, priority=priority, first_response_minutes=response,
                          resolution_minutes=resolution))


def item_rows(engine) -> dict[str, tuple]:
    """Every item's full data, to prove a job changed only what it should."""
    with Session(engine) as session:
        return {i.id: (i.kind, i.subject, i.priority, i.status, i.assignee_id, i.created_at,
                       i.first_response_at, i.resolved_at)
                for i in session.scalars(select(Item))}


def cli_command(db_url: str, *argv: str) -> list[str]:
    return [sys.executable, "-m", "cli", "--db", db_url, *argv]


def cli_env(**settings_env: str) -> dict[str, str]:
    """The test's environment (already isolated) plus SUPPORT_CONSOLE_* settings."""
    return dict(os.environ, PYTHONPATH=str(ROOT), **settings_env)


def cli(db_url: str, *argv: str, timeout: float = 120, **settings_env: str):
    """The real command line in its own process (as cron or a second console runs it)."""
    return subprocess.run(cli_command(db_url, *argv), cwd=ROOT, env=cli_env(**settings_env),
                          check=False,
                          capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- a real SMTP server

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """aiosmtpd on 127.0.0.1: start(), stop() (the server is then really down), messages."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[tuple[list[str], Message]] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append((list(envelope.rcpt_tos),
                                  email.message_from_bytes(envelope.content)))
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def recipients(self) -> list[str]:
        with self._lock:
            return sorted(addr for rcpts, _ in self.received for addr in rcpts)

    def messages_to(self, address: str) -> list[Message]:
        with self._lock:
            return [msg for rcpts, msg in self.received if address in rcpts]


def smtp(sink, **more):
    """Settings that send mail to the MailSink sink."""
    values = {"smtp_host": "127.0.0.1", "smtp_port": sink.port, "smtp_security": "none",
              "smtp_sender": "alerts@support.example", **more}
    return settings(**values)


def body_text(message: Message, subtype: str = "plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


# ---------------------------------------------------------------- teams several tests load

def load_breach_team(engine) -> None:
    """Five people, a policy and items around their due instants (tests/test_jobs_breaches)."""
    with Session(engine) as session, session.begin():
        add_agent(session, "a1")
        add_agent(session, "a2", email=None)  # in-app only
        add_agent(session, "a3")  # nothing of theirs is breached: hears of nothing
        add_agent(session, "lead1", "lead")
        add_agent(session, "admin1", "admin")
        add_policy(session, "ticket", "high", 60, 240)
        session.flush()
        add_item(session, "b1", NOW - 2 * H, assignee="a1")  # response due NOW-1h
        add_item(session, "b2", NOW - 5 * H, assignee="a2",
                 first_response=NOW - 5 * H + 30 * M)  # resolution due NOW-1h
        add_item(session, "b3", NOW - 5 * H)  # unassigned, both targets
        add_item(session, "fine", NOW - 30 * M, assignee="a1")
        add_item(session, "edge", NOW - 60 * M, assignee="a3")  # due exactly at NOW: not yet
        add_item(session, "late-but-done", NOW - 10 * H, assignee="a1", resolved=NOW - H)
        add_item(session, "no-policy", NOW - 100 * H, assignee="a1", priority="low")


EXPECTED_MOVES = {"g2": ("gone", "idle"), "g1": ("gone", "idle"), "n1": ("never", "mid"),
                  "s1": ("stale", "busy")}


def load_reassign_team(engine) -> None:
    """Agents gone, stale, never active, busy and idle (tests/test_jobs_reassignment)."""
    with Session(engine) as session, session.begin():
        add_agent(session, "gone", active=False)  # not active
        add_agent(session, "stale", last_activity=NOW - 7 * H)  # older than 6 h
        add_agent(session, "never", last_activity=None)  # no activity recorded
        add_agent(session, "busy", max_open=3)
        add_agent(session, "idle", max_open=2)
        add_agent(session, "mid")
        add_agent(session, "lead1", "lead", last_activity=None)  # supervisors are never moved
        add_agent(session, "admin1", "admin")
        add_policy(session, "ticket", "high", 60, 240)
        session.flush()
        add_item(session, "g1", NOW - 1 * H, assignee="gone")  # response due NOW
        add_item(session, "g2", NOW - 3 * H, assignee="gone")  # response due NOW-2h: first
        add_item(session, "g-done", NOW - 3 * H, assignee="gone", resolved=NOW - H)
        add_item(session, "n1", NOW - 30 * M, assignee="never",
                 first_response=NOW - 20 * M)  # resolution due NOW+210m
        add_item(session, "s1", NOW - 10 * H, assignee="stale", priority="low")  # no SLA: last
        add_item(session, "b1", NOW - 2 * H, assignee="busy")
        add_item(session, "b2", NOW - 2 * H, assignee="busy", kind="order")
        add_item(session, "m1", NOW - 2 * H, assignee="mid", kind="dispute")
        add_item(session, "lead-item", NOW - 2 * H, assignee="lead1")
        add_item(session, "nobody", NOW - 2 * H)
