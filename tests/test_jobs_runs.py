"""Running jobs: the run log, leases, the command line, racing processes, the snapshot jobs."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.dashboard import build_dashboard, read_dashboard_snapshot
from core.db import make_engine, upgrade_schema
from core.models import (
    Alert,
    BreachRecord,
    DailyMetric,
    DashboardSnapshot,
    JobLease,
    JobRun,
    Reassignment,
    WorkloadSnapshot,
)
from core.timeutil import zone
from core.window import Window
from jobs.calculate_support_performance_metrics import run_calculate_support_performance_metrics
from jobs.runner import run_job
from jobs.update_support_workload_trackers import run_update_support_workload_trackers
from tests.jobs_helpers import (
    EXPECTED_MOVES,
    JOB_NAMES,
    NOW,
    ROOT,
    H,
    M,
    add_agent,
    add_item,
    add_policy,
    cli,
    cli_command,
    cli_env,
    item_rows,
    load_breach_team,
    load_reassign_team,
    settings,
    us,
)


def runs(engine) -> list[tuple[str, str, str | None]]:
    with Session(engine) as session:
        return [(r.job, r.outcome, r.trigger)
                for r in session.scalars(select(JobRun).order_by(JobRun.id))]


# ---------------------------------------------------------------- the run log and leases

def test_a_period_runs_once_the_other_console_logs_a_skip(engine):
    load_breach_team(engine)
    first = run_job(engine, "check-sla-breaches", us(NOW), settings(), trigger="scheduled",
                    period="2024-03-15T12:00:00+00:00")
    second = run_job(engine, "check-sla-breaches", us(NOW), settings(), trigger="scheduled",
                     period="2024-03-15T12:00:00+00:00")
    assert first["outcome"] == "ok" and first["counts"]["new_breaches"] == 4
    assert second["outcome"] == "skipped" and "already run" in second["error"]
    assert runs(engine) == [("check-sla-breaches", "ok", "scheduled"),
                            ("check-sla-breaches", "skipped", "scheduled")]
    with Session(engine) as session:
        row = session.scalars(select(JobRun).order_by(JobRun.id)).first()
        assert json.loads(row.counts) == {"new_breaches": 4, "alerts_queued": 10}
        assert row.clock_at == us(NOW) and row.finished_at >= row.started_at
        assert session.scalar(select(func.count()).select_from(JobLease)) == 1


def test_a_failing_run_is_logged_with_its_error_and_frees_its_period(engine):
    broken = settings(smtp_host="127.0.0.1", smtp_security="carrier-pigeon")
    outcome = run_job(engine, "send-sla-breach-alerts", us(NOW), broken, trigger="scheduled",
                      period="p1")
    assert outcome["outcome"] == "failed" and "carrier-pigeon" in outcome["error"]
    with Session(engine) as session:
        row = session.scalars(select(JobRun)).one()
        assert (row.outcome, row.finished_at is not None) == ("failed", True)
        assert "carrier-pigeon" in row.error
        assert session.scalar(select(func.count()).select_from(JobLease)) == 0


# ---------------------------------------------------------------- the command line

def test_jobs_list_run_and_bad_input_on_the_command_line(engine, db_url):
    load_breach_team(engine)
    done = cli(db_url, "jobs", "run", "check-sla-breaches", "--now", NOW.isoformat())
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "ok"
    assert result["counts"] == {"new_breaches": 4, "alerts_queued": 10}

    listed = cli(db_url, "jobs", "list")
    assert listed.returncode == 0, listed.stderr
    entries = {e["job"]: e for e in json.loads(listed.stdout)["jobs"]}
    assert tuple(entries) == JOB_NAMES
    check = entries["check-sla-breaches"]
    assert check["schedule"] == "every 5 minutes"
    assert check["last_run"]["outcome"] == "ok"
    assert check["last_run"]["counts"] == {"new_breaches": 4, "alerts_queued": 10}
    assert check["last_run"]["started_at"] and check["last_run"]["finished_at"]
    next_run = datetime.fromisoformat(check["next_run"])
    assert next_run > datetime.now(UTC) and next_run.minute % 5 == 0 and next_run.second == 0
    assert entries["send-sla-breach-alerts"]["last_run"] is None

    unknown = cli(db_url, "jobs", "run", "make-coffee")
    assert unknown.returncode == 2 and "unknown job" in unknown.stderr
    not_here = cli(db_url, "jobs", "run", "check-sla-breaches", "--dry-run")
    assert not_here.returncode == 2 and "--dry-run" in not_here.stderr


# ---------------------------------------------------------------- racing processes

def race(pg_url: str, job: str, count: int = 3) -> None:
    racers = [subprocess.Popen(cli_command(pg_url, "jobs", "run", job, "--now", NOW.isoformat()),
                               cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(count)]
    outputs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0] * count, outputs


def fresh_engine(pg_url: str):
    engine = make_engine(pg_url)
    upgrade_schema(engine)
    return engine


def test_three_processes_checking_breaches_at_once_equal_one(pg_url):
    engine = fresh_engine(pg_url)
    try:
        load_breach_team(engine)
        race(pg_url, "check-sla-breaches")
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(BreachRecord)) == 4
            assert session.scalar(select(func.count()).select_from(Alert)) == 10
            assert session.scalar(select(func.count()).select_from(JobRun).where(
                JobRun.outcome == "ok")) == 3
    finally:
        engine.dispose()


def test_three_processes_reassigning_at_once_equal_one(pg_url):
    engine = fresh_engine(pg_url)
    try:
        load_reassign_team(engine)
        race(pg_url, "auto-reassign-unresolved-tasks")
        assert {k: v[4] for k, v in item_rows(engine).items() if k in EXPECTED_MOVES} == {
            k: to for k, (_from, to) in EXPECTED_MOVES.items()}
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(Reassignment)) == 4
            assert session.scalar(select(func.count()).select_from(Alert)) == 8
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the snapshot jobs

def test_workload_snapshots_one_row_per_agent_and_time(engine):
    load_reassign_team(engine)
    assert run_update_support_workload_trackers(engine, us(NOW), settings()) == {"agents": 6}
    assert run_update_support_workload_trackers(engine, us(NOW), settings()) == {"agents": 6}
    run_update_support_workload_trackers(engine, us(NOW + 10 * M), settings())
    with Session(engine) as session:
        rows = session.scalars(select(WorkloadSnapshot).where(
            WorkloadSnapshot.taken_at == us(NOW))).all()
        assert session.scalar(select(func.count()).select_from(WorkloadSnapshot)) == 12
    by_agent = {r.agent_id: (r.open_tickets, r.open_disputes, r.open_orders) for r in rows}
    assert by_agent == {"gone": (2, 0, 0), "stale": (1, 0, 0), "never": (1, 0, 0),
                        "busy": (1, 0, 1), "idle": (0, 0, 0), "mid": (0, 1, 0)}


def test_dashboards_are_stored_for_the_team_and_each_agent(engine):
    load_reassign_team(engine)
    counts = run_job(engine, "refresh-support-dashboards", us(NOW), settings())["counts"]
    assert counts == {"dashboards": 7, "removed": 0}
    with Session(engine) as session:
        team = read_dashboard_snapshot(session, None)
        mid = read_dashboard_snapshot(session, "mid")
        window = Window(us(NOW), 30, zone("UTC"))
        expected_mid = json.loads(json.dumps(build_dashboard(session, window, settings(), "mid")))
        assert session.scalar(select(func.count()).select_from(DashboardSnapshot)) == 7
    assert team["computed_at_us"] == us(NOW)
    assert mid["payload"] == expected_mid


def test_daily_metrics_cover_the_previous_local_day_and_a_rerun_replaces(engine):
    berlin = settings(timezone="Europe/Berlin")
    # 01:30 UTC is 02:30 in Berlin: the previous local day is 14 March, 23:00Z to 23:00Z.
    now = datetime(2024, 3, 15, 1, 30, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        add_agent(session, "a1", last_activity=now)
        add_agent(session, "a2", last_activity=now)
        add_agent(session, "lead1", "lead")
        add_policy(session, "ticket", "high", 60, 240)
        session.flush()
        add_item(session, "in-day", datetime(2024, 3, 13, 23, 30, tzinfo=UTC), assignee="a1",
                 first_response=datetime(2024, 3, 14, 0, 0, tzinfo=UTC),
                 resolved=datetime(2024, 3, 14, 2, 30, tzinfo=UTC))
        add_item(session, "day-before", datetime(2024, 3, 13, 22, 30, tzinfo=UTC),
                 assignee="a1")
        add_item(session, "today", datetime(2024, 3, 14, 23, 30, tzinfo=UTC), assignee="a1")

    counts = run_calculate_support_performance_metrics(engine, us(now), berlin)
    assert counts == {"agents": 2, "day": "2024-03-14"}
    with Session(engine) as session:
        rows = {r.agent_id: r for r in session.scalars(select(DailyMetric))}
    assert set(rows) == {"a1", "a2"}
    a1 = rows["a1"]
    assert (a1.day, a1.tickets_handled, a1.tickets_resolved) == ("2024-03-14", 1, 1)
    assert (a1.resolution_rate_percent, a1.avg_response_time_hours,
            a1.avg_resolution_time_hours, a1.sla_compliance_rate_percent) == (100.0, 0.5, 3.0, 100.0)
    # 100 * (0.4 * 1 + 0.3 * (1 - 0.5 / 24) + 0.3 * 1) = 99.375
    assert a1.performance_score == 99.4
    assert (rows["a2"].tickets_handled, rows["a2"].performance_score) == (0, None)

    with Session(engine) as session, session.begin():
        add_item(session, "late-import", datetime(2024, 3, 14, 12, 0, tzinfo=UTC), assignee="a1")
    run_calculate_support_performance_metrics(engine, us(now + H), berlin)
    with Session(engine) as session:
        rows = session.scalars(select(DailyMetric).where(DailyMetric.agent_id == "a1")).all()
    assert [(r.day, r.tickets_handled, r.tickets_resolved) for r in rows] == [
        ("2024-03-14", 2, 1)]


# ---------------------------------------------------------------- in a process of its own

def test_a_run_in_its_own_process_is_the_same_run_and_holds_the_same_lease(engine):
    """How the console's embedded scheduler runs jobs (jobs.child_process)."""
    from jobs.child_process import run_in_child_process

    load_breach_team(engine)
    period = "2024-03-15T12:00:00+00:00"
    there = run_in_child_process(engine, "check-sla-breaches", us(NOW), settings(),
                                 trigger="scheduled", period=period)
    assert there["outcome"] == "ok", there
    assert there["counts"] == {"new_breaches": 4, "alerts_queued": 10}
    assert there["trigger"] == "scheduled" and there["run_id"] is not None
    here = run_job(engine, "check-sla-breaches", us(NOW), settings(), trigger="scheduled",
                   period=period)
    assert here["outcome"] == "skipped" and "already run" in here["error"]
    with Session(engine) as session:
        first = session.get(JobRun, there["run_id"])
        assert first.clock_at == us(NOW) and first.trigger == "scheduled"
        assert first.host.rsplit(":", 1)[1] != str(os.getpid())  # another process ran it
        assert session.scalar(select(func.count()).select_from(JobLease)) == 1


def test_a_failing_run_in_its_own_process_is_an_outcome_not_an_exception(engine):
    from jobs.child_process import run_in_child_process

    broken = settings(smtp_host="127.0.0.1", smtp_security="carrier-pigeon")
    outcome = run_in_child_process(engine, "send-sla-breach-alerts", us(NOW), broken,
                                   trigger="scheduled", period="p1")
    assert outcome["outcome"] == "failed" and "carrier-pigeon" in outcome["error"]
    assert "Traceback" not in outcome["error"]
    with Session(engine) as session:
        row = session.scalars(select(JobRun)).one()
        assert row.outcome == "failed" and "carrier-pigeon" in row.error
        assert session.scalar(select(func.count()).select_from(JobLease)) == 0
