"""Jobs through a database outage: the failed run is recorded once the database is back,
retried with backoff within its period, and still run once across consoles."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core.db import make_engine, upgrade_schema
from core.models import JobLease, JobRun
from jobs.child_process import run_in_child_process
from jobs.runner import run_job
from jobs.scheduler import JobScheduler
from tests.jobs_helpers import NOW, settings, us
from tests.tcp_proxy import CuttableProxy

METRICS = "calculate-support-performance-metrics"


@pytest.fixture
def outage(pg_url):
    """(proxy, engine through it) on a migrated PostgreSQL database."""
    url = make_url(pg_url)
    proxy = CuttableProxy(url.host, url.port)
    engine = make_engine(url.set(host="127.0.0.1", port=proxy.port)
                         .render_as_string(hide_password=False))
    upgrade_schema(engine)
    yield proxy, engine
    engine.dispose()
    proxy.close()


class Outcomes:
    """on_run hook: every outcome of one job, and an event per outcome kind."""

    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.failed, self.ok = threading.Event(), threading.Event()

    def __call__(self, name: str, outcome: dict) -> None:
        if name == METRICS:
            self.seen.append(outcome)
            {"failed": self.failed, "ok": self.ok}.get(outcome["outcome"], threading.Event()).set()


@pytest.mark.parametrize("runner", [run_job, run_in_child_process],
                         ids=["jobs serve", "the console's scheduler"])
def test_a_daily_job_failing_in_an_outage_is_recorded_and_retried_within_its_period(
        outage, runner):
    proxy, engine = outage
    proxy.cut()  # 02:00 with the database down
    outcomes = Outcomes()
    scheduler = JobScheduler(engine, settings(job_retry_first_seconds=1), on_run=outcomes,
                             runner=runner)
    try:
        scheduler.start()  # its catch-up runs every job whose period nobody has run
        assert outcomes.failed.wait(60), outcomes.seen
        proxy.restore()
        assert outcomes.ok.wait(60), outcomes.seen
    finally:
        scheduler.shutdown(wait=True)

    assert outcomes.seen[-1]["trigger"] == "retry"
    with Session(engine) as session:
        runs = [(r.outcome, r.trigger, r.error or "") for r in session.scalars(
            select(JobRun).where(JobRun.job == METRICS).order_by(JobRun.id))]
        lease = session.scalars(select(JobLease).where(JobLease.job == METRICS)).one()
    failed = [run for run in runs if run[0] == "failed"]
    assert failed and all("recorded when the database was back" in e for _o, _t, e in failed)
    assert failed[0][1] == "catch-up"
    assert runs[-1][:2] == ("ok", "retry")
    assert lease.finished_at is not None
    # Still once per period: another console now finds the period done.
    other = run_job(engine, METRICS, scheduler._clock(), settings(), trigger="scheduled",
                    period=lease.period)
    assert other["outcome"] == "skipped"


def test_a_lease_left_unfinished_by_a_vanished_run_is_taken_over_once_stale(engine):
    from jobs.exclusive import LEASE_STALE_US, acquire_lease

    assert acquire_lease(engine, METRICS, "2024-03-15", "gone:1", us(NOW))  # never finished
    assert not acquire_lease(engine, METRICS, "2024-03-15", "here:2", us(NOW) + 60_000_000)
    assert acquire_lease(engine, METRICS, "2024-03-15", "here:2", us(NOW) + LEASE_STALE_US + 1)
    assert not acquire_lease(engine, METRICS, "2024-03-15", "there:3",
                             us(NOW) + LEASE_STALE_US + 2)


