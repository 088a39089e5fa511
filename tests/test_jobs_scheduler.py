"""The background scheduler: real runs reported through on_run, control, catch-up, serve."""

from __future__ import annotations

import signal
import subprocess
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import JobRun
from jobs.registry import JOBS
from jobs.runner import run_job
from jobs.schedule import current_period
from jobs.scheduler import JobScheduler
from tests.jobs_helpers import JOB_NAMES, NOW, ROOT, cli_command, cli_env, settings, us


class RunRecorder:
    """on_run hook: remembers outcomes and wakes the test when a wanted one arrives."""

    def __init__(self, wanted: set[str]):
        self.wanted = set(wanted)
        self.outcomes: dict[str, dict] = {}
        self.done = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, name: str, outcome: dict) -> None:
        with self._lock:
            self.outcomes.setdefault(name, outcome)
            if self.wanted <= set(self.outcomes):
                self.done.set()


@pytest.fixture
def scheduler_factory(engine):
    made = []

    def make(**kwargs) -> JobScheduler:
        scheduler = JobScheduler(engine, settings(), **kwargs)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.shutdown(wait=True)


def test_start_catches_up_every_job_once_and_logs_each_run(engine, scheduler_factory):
    recorder = RunRecorder(set(JOB_NAMES))
    scheduler = scheduler_factory(on_run=recorder)
    scheduler.start()
    assert recorder.done.wait(60), f"runs seen: {sorted(recorder.outcomes)}"
    # At a period boundary the regular fire may win the lease instead: still one run.
    with Session(engine) as session:
        logged = [(r.job, r.outcome, r.trigger) for r in session.scalars(select(JobRun))]
    ran = [(job, trigger) for job, outcome, trigger in logged if outcome == "ok"]
    assert sorted(job for job, _trigger in ran) == sorted(JOB_NAMES)
    assert {trigger for _job, trigger in ran} <= {"catch-up", "scheduled"}
    # Coalesced and leased: the period just run is not overdue any more.
    assert scheduler.catch_up("test") == []


def test_run_now_pause_resume_and_next_runs(engine, scheduler_factory):
    recorder = RunRecorder({"update-support-workload-trackers"})
    scheduler = scheduler_factory(on_run=recorder, catch_up_on_start=False)
    scheduler.start()
    next_runs = scheduler.next_run_times_iso()
    assert set(next_runs) == set(JOB_NAMES)
    five = datetime.fromisoformat(next_runs["check-sla-breaches"])
    assert five.minute % 5 == 0 and five.second == 0 and five > datetime.now(UTC)
    daily = datetime.fromisoformat(next_runs["calculate-support-performance-metrics"])
    assert (daily.hour, daily.minute) == (2, 0)  # settings(): UTC

    scheduler.pause("check-sla-breaches")
    assert scheduler.is_paused("check-sla-breaches")
    assert scheduler.next_run_times()["check-sla-breaches"] is None
    scheduler.resume("check-sla-breaches")
    assert not scheduler.is_paused("check-sla-breaches")

    scheduler.run_now("update-support-workload-trackers")
    assert recorder.done.wait(60)
    outcome = recorder.outcomes["update-support-workload-trackers"]
    assert (outcome["outcome"], outcome["trigger"]) == ("ok", "manual")
    with Session(engine) as session:
        row = session.get(JobRun, outcome["run_id"])
        assert (row.job, row.outcome, row.trigger) == (
            "update-support-workload-trackers", "ok", "manual")
    entries = {e["job"]: e for e in scheduler.overview()}
    assert entries["update-support-workload-trackers"]["last_run"]["trigger"] == "manual"


def test_catch_up_queues_only_jobs_whose_period_nobody_ran(engine, scheduler_factory):
    fixed = settings()
    for name in JOB_NAMES[1:]:  # every job but the first has run in the current period
        period, _start = current_period(JOBS[name], us(NOW), fixed)
        run_job(engine, name, us(NOW), fixed, trigger="scheduled", period=period)
    scheduler = scheduler_factory(clock=lambda: us(NOW), catch_up_on_start=False)
    assert scheduler.catch_up("test") == ["check-sla-breaches"]


def test_daily_period_is_the_latest_local_fire_time():
    spec = JOBS["calculate-support-performance-metrics"]
    berlin = settings(timezone="Europe/Berlin")
    # 00:30 UTC on the 15th is 01:30 in Berlin: before 02:00, so the period is the 14th's.
    assert current_period(spec, us(datetime(2024, 3, 15, 0, 30, tzinfo=UTC)), berlin)[0] == \
        "2024-03-14"
    assert current_period(spec, us(datetime(2024, 3, 15, 1, 0, tzinfo=UTC)), berlin)[0] == \
        "2024-03-15"


def test_jobs_serve_runs_headless_and_stops_cleanly_on_sigterm(engine, db_url):
    server = subprocess.Popen(cli_command(db_url, "jobs", "serve"), cwd=ROOT, env=cli_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in server.stderr:  # blocks until the scheduler says it runs: no sleeping
            seen.append(line)
            if "job check-sla-breaches ok" in line:
                break
        assert any("scheduler running" in line for line in seen), seen
        server.send_signal(signal.SIGTERM)
        _out, rest = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, rest
    assert "scheduler stopped" in rest
    with Session(engine) as session:
        assert session.scalars(select(JobRun).where(JobRun.job == "check-sla-breaches",
                                                    JobRun.outcome == "ok")).first()


def test_shutdown_with_wait_returns_while_a_catch_up_is_queueing_runs(engine, monkeypatch):
    """APScheduler's own shutdown(wait=True) holds the lock a running job needs to add a job:
    a console quit during the start-up catch-up would hang. It must return instead."""
    import jobs.scheduler as scheduler_module

    in_catch_up, release = threading.Event(), threading.Event()
    real_lease_holder = scheduler_module.lease_holder

    def slow_lease_holder(*args):
        in_catch_up.set()
        release.wait(10)
        return real_lease_holder(*args)

    monkeypatch.setattr(scheduler_module, "lease_holder", slow_lease_holder)
    scheduler = JobScheduler(engine, settings(), clock=lambda: us(NOW))
    scheduler.start()
    assert in_catch_up.wait(10), "the start-up catch-up did not run"
    stopper = threading.Thread(target=scheduler.shutdown, kwargs={"wait": True})
    stopper.start()
    release.set()
    stopper.join(15)
    assert not stopper.is_alive(), "shutdown(wait=True) hung behind the catch-up"
    assert not scheduler.running


def test_a_one_off_job_handed_out_as_the_scheduler_stops_does_not_kill_its_thread():
    """APScheduler marks itself stopped before taking the lock its loop holds while it
    hands out due jobs: the loop then fails to remove a finished one-off job. Ours lets
    that go after a stop, and only then."""
    from apscheduler.jobstores.base import JobLookupError

    from jobs.scheduler import _Scheduler

    scheduler = _Scheduler()
    scheduler.start(paused=True)
    with pytest.raises(JobLookupError):
        scheduler.remove_job("nothing#catch-up")  # running: still an error
    scheduler.shutdown(wait=False)
    scheduler.remove_job("nothing#catch-up")  # what the loop does after the stop
    assert not scheduler.running
