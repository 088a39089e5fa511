"""Helpers shared by tests/test_jobs_*.py (a real database, rows, a real SMTP server), and
checks of the job registry itself."""

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

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import make_engine, upgrade_schema
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


@pytest.fixture
def engine(db_url):
    """A migrated, empty database (SQLite file and PostgreSQL), disposed after the test."""
    eng = make_engine(db_url)
    upgrade_schema(eng)
    yield eng
    eng.dispose()


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


@pytest.fixture
def mail_sink():
    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()


def body_text(message: Message, subtype: str = "plain") -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no text/{subtype} part")


# ---------------------------------------------------------------- the registry

def test_registry_has_exactly_the_seven_jobs_with_plain_functions():
    from jobs.registry import JOBS

    assert tuple(JOBS) == JOB_NAMES
    for name, spec in JOBS.items():
        assert spec.function.__name__ == "run_" + name.replace("-", "_")


def test_default_schedules_are_the_seeds():
    from jobs.registry import JOBS
    from jobs.schedule import describe_schedule

    described = {name: describe_schedule(spec, Settings(timezone="Europe/Berlin"))
                 for name, spec in JOBS.items()}
    assert described == {
        "check-sla-breaches": "every 5 minutes",
        "send-sla-breach-alerts": "every 15 minutes",
        "auto-reassign-unresolved-tasks": "every 30 minutes",
        "update-support-workload-trackers": "every 10 minutes",
        "refresh-support-dashboards": "every 15 minutes",
        "calculate-support-performance-metrics": "daily at 02:00 (Europe/Berlin)",
        "send-team-digest": "weekly on Monday at 08:00 (Europe/Berlin)",
    }
