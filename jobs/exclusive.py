"""Making a run exclusive across consoles: an advisory lock per job, a lease per period."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from core.alerts import dialect_insert, inserted
from core.db import write_transaction
from core.models import JobLease
from core.sql_types import changed_rows
from core.timeutil import US_PER_DAY, US_PER_MINUTE

LEASE_KEEP_US = 14 * US_PER_DAY
# A lease never marked finished, this old, belongs to a run that vanished with its database
# or its process (a run in its own process is stopped after an hour): its period may be run.
LEASE_STALE_US = 90 * US_PER_MINUTE


def advisory_key(job_name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_xact_lock (the same in every process)."""
    digest = hashlib.sha256(f"support-console:{job_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_transaction(engine: Engine, job_name: str) -> Iterator[Session]:
    """One write transaction that no other run of the same job overlaps.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
    SQLite: BEGIN IMMEDIATE already takes the database's single write lock."""
    with write_transaction(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(advisory_key(job_name))))
        yield session


def acquire_lease(engine: Engine, job_name: str, period: str, holder: str, now_us: int) -> bool:
    """True for whoever inserts (job, period) first, or takes over a stale unfinished lease;
    everyone else gets False."""
    with write_transaction(engine) as session:
        won = inserted(session, dialect_insert(session, JobLease)
                       .values(job=job_name, period=period, holder=holder, acquired_at=now_us)
                       .on_conflict_do_nothing())
        if not won:
            won = changed_rows(session.execute(update(JobLease).where(
                JobLease.job == job_name, JobLease.period == period,
                JobLease.finished_at.is_(None), JobLease.acquired_at < now_us - LEASE_STALE_US,
            ).values(holder=holder, acquired_at=now_us)))
        if won:
            session.execute(delete(JobLease).where(JobLease.job == job_name,
                                                   JobLease.acquired_at < now_us - LEASE_KEEP_US))
        return bool(won)


def lease_holder(engine: Engine, job_name: str, period: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(select(JobLease.holder).where(JobLease.job == job_name,
                                                            JobLease.period == period))


def finish_lease(engine: Engine, job_name: str, period: str, holder: str, now_us: int) -> None:
    """The period's run succeeded: nobody takes it over."""
    with write_transaction(engine) as session:
        session.execute(update(JobLease).where(
            JobLease.job == job_name, JobLease.period == period, JobLease.holder == holder,
        ).values(finished_at=now_us))


def release_lease(engine: Engine, job_name: str, period: str, holder: str) -> None:
    """Give a period back (after a failed run) so a retry or catch-up may try it again."""
    with write_transaction(engine) as session:
        session.execute(delete(JobLease).where(JobLease.job == job_name,
                                               JobLease.period == period,
                                               JobLease.holder == holder,
                                               JobLease.finished_at.is_(None)))
