"""Running one job: the lease of its period (scheduled runs), and its job_runs log row."""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import traceback
from typing import Any

from sqlalchemy import Engine, delete, update

from core.db import write_transaction
from core.models import JobRun
from core.settings import Settings
from core.sql_types import changed_rows
from core.timeutil import US_PER_DAY, US_PER_SECOND, iso_utc
from jobs.exclusive import acquire_lease, finish_lease, lease_holder, release_lease
from jobs.registry import get_job

log = logging.getLogger(__name__)
WARNING_KEY = "_warning"  # a job's note for the run's error column (the run still counts as ok)
RUNS_KEEP_US = 90 * US_PER_DAY


def holder_name(pid: int | None = None) -> str:
    """Who runs: host and process (this one by default), shown in the log and the lease."""
    return f"{socket.gethostname()}:{pid or os.getpid()}"


def wall_clock_us() -> int:
    return time.time_ns() // 1000


def _start_row(engine: Engine, name: str, trigger: str, now_us: int, outcome: str,
               error: str | None = None) -> int:
    started = wall_clock_us()
    with write_transaction(engine) as session:
        row = JobRun(job=name, started_at=started, outcome=outcome, counts="{}", error=error,
                     host=holder_name(), trigger=trigger, clock_at=now_us,
                     finished_at=started if outcome != "running" else None)
        session.add(row)
        session.flush()
        if outcome != "running":  # a cheap moment to keep the log from growing forever
            session.execute(delete(JobRun).where(JobRun.job == name,
                                                 JobRun.started_at < started - RUNS_KEEP_US))
        return row.id


def _finish_row(engine: Engine, run_id: int, outcome: str, counts: dict[str, Any],
                error: str | None) -> int:
    finished = wall_clock_us()
    with write_transaction(engine) as session:
        session.execute(update(JobRun).where(JobRun.id == run_id).values(
            finished_at=finished, outcome=outcome, counts=json.dumps(counts, sort_keys=True),
            error=error))
    return finished


def _outcome(name: str, run_id: int, outcome: str, trigger: str, now_us: int, started: int,
             finished: int, counts: dict[str, Any], error: str | None) -> dict[str, Any]:
    return {"job": name, "run_id": run_id, "outcome": outcome, "trigger": trigger,
            "now": iso_utc(now_us), "started_at": iso_utc(started),
            "finished_at": iso_utc(finished), "seconds": round((finished - started) / US_PER_SECOND, 3),
            "counts": counts, "error": error}


def run_job(engine: Engine, name: str, now_us: int, settings: Settings, *,
            trigger: str = "manual", period: str | None = None) -> dict[str, Any]:
    """Run a job once and log it. With a period (scheduled and catch-up runs) the run first
    takes that period's lease; if another console holds it, the run is logged as skipped.
    Never raises for a failing job: the outcome says failed, with the error."""
    spec = get_job(name)
    holder = holder_name()
    if period is not None and not acquire_lease(engine, name, period, holder, now_us):
        other = lease_holder(engine, name, period) or "another console"
        return record_skipped(engine, name, trigger, now_us,
                              f"period {period} already run by {other}")
    run_id = _start_row(engine, name, trigger, now_us, "running")
    started = wall_clock_us()
    try:
        counts = dict(spec.function(engine, now_us, settings))
        error = counts.pop(WARNING_KEY, None)
        outcome = "ok"
        if period is not None:
            finish_lease(engine, name, period, holder, now_us)
    except Exception as exc:
        log.exception("job %s failed", name)
        counts, outcome = {}, "failed"
        error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
        if period is not None:
            release_lease(engine, name, period, holder)
    finished = _finish_row(engine, run_id, outcome, counts, error)
    log.info("job %s %s in %.2f s: %s", name, outcome, (finished - started) / US_PER_SECOND,
             counts if outcome == "ok" else error)
    return _outcome(name, run_id, outcome, trigger, now_us, started, finished, counts, error)


def failed_outcome(name: str, trigger: str, now_us: int, error: str, *,
                   period: str | None = None, holder: str | None = None) -> dict[str, Any]:
    """The outcome of a run whose log row is missing (it could not start, or the database
    went away under it): run_id None; the period and holder say which lease it may hold."""
    return {"job": name, "outcome": "failed", "trigger": trigger, "now": iso_utc(now_us),
            "counts": {}, "error": error, "run_id": None, "period": period,
            "holder": holder or holder_name(), "failed_at": wall_clock_us(), "clock_us": now_us}


LATE_NOTE = " (recorded when the database was back)"


def record_lost_failure(engine: Engine, outcome: dict[str, Any]) -> None:
    """Log a failed run the database did not hear of, once it answers again: its row left
    'running' becomes 'failed', or a row is added; its unfinished lease is given back so
    that the period can be retried. Raises while the database is still away."""
    name, holder, error = outcome["job"], outcome["holder"], outcome["error"] + LATE_NOTE
    finished = outcome["failed_at"]
    with write_transaction(engine) as session:
        stuck = changed_rows(session.execute(update(JobRun).where(
            JobRun.job == name, JobRun.host == holder, JobRun.outcome == "running",
        ).values(outcome="failed", finished_at=finished, error=error)))
        if not stuck:
            session.add(JobRun(job=name, started_at=finished, finished_at=finished,
                               outcome="failed", counts="{}", error=error, host=holder,
                               trigger=outcome["trigger"], clock_at=outcome["clock_us"]))
    if outcome["period"] is not None:
        release_lease(engine, name, outcome["period"], holder)


def record_skipped(engine: Engine, name: str, trigger: str, now_us: int,
                   reason: str) -> dict[str, Any]:
    """Log a run that did not happen (already running here, for instance)."""
    run_id = _start_row(engine, name, trigger, now_us, "skipped", reason)
    stamp = wall_clock_us()
    return _outcome(name, run_id, "skipped", trigger, now_us, stamp, stamp, {}, reason)
