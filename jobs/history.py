"""What `jobs list` and the GUI show: each job's schedule, last run and next run."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.models import JobRun
from core.settings import Settings
from core.timeutil import US_PER_SECOND, iso_utc
from jobs.registry import JOBS
from jobs.schedule import describe_schedule, next_run_us


def run_entry(row: JobRun) -> dict[str, Any]:
    seconds = (None if row.finished_at is None
               else round((row.finished_at - row.started_at) / US_PER_SECOND, 3))
    return {"run_id": row.id, "started_at": iso_utc(row.started_at),
            "finished_at": iso_utc(row.finished_at), "seconds": seconds, "outcome": row.outcome,
            "trigger": row.trigger, "now": iso_utc(row.clock_at), "host": row.host,
            "counts": json.loads(row.counts or "{}"), "error": row.error}


def last_runs(session: Session) -> dict[str, JobRun]:
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    rows = session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {row.job: row for row in rows}


def recent_runs(session: Session, job: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The newest runs (of one job, or all), for a run-history view."""
    query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if job is not None:
        query = query.where(JobRun.job == job)
    return [run_entry(row) for row in session.scalars(query)]


def jobs_overview(engine: Engine, settings: Settings, now_us: int,
                  next_runs: dict[str, int | None] | None = None) -> list[dict[str, Any]]:
    """One entry per job; next_runs (from a live scheduler) overrides the computed next run."""
    with Session(engine) as session:
        last = last_runs(session)
    entries = []
    for name, spec in JOBS.items():
        row = last.get(name)
        if next_runs is not None and name in next_runs:
            upcoming = next_runs[name]  # None: paused
        else:
            upcoming = next_run_us(spec, settings, now_us)
        entries.append({"job": name, "description": spec.description,
                        "schedule": describe_schedule(spec, settings),
                        "last_run": run_entry(row) if row else None,
                        "next_run": iso_utc(upcoming)})
    return entries
