"""The background scheduler a console embeds (and `jobs serve` runs headless)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from sqlalchemy import Engine

from core.settings import Settings
from core.timeutil import iso_utc, to_us, zone
from jobs.exclusive import lease_holder
from jobs.history import jobs_overview
from jobs.registry import JOBS
from jobs.runner import (
    failed_outcome,
    record_lost_failure,
    record_skipped,
    run_job,
    wall_clock_us,
)
from jobs.schedule import current_period, trigger_for

log = logging.getLogger(__name__)

RunListener = Callable[[str, dict[str, Any]], None]
WAKE_CHECK_ID = "_wake-check"
START_CHECK_ID = "_start-check"
ONE_OFF = {"manual": "#now", "catch-up": "#catch-up", "retry": "#retry"}
LOST_FAILURES_KEPT = 100


class _Scheduler(BackgroundScheduler):  # type: ignore[misc]  # APScheduler 3 has no types
    """APScheduler 3 sets its state to stopped before it takes the lock under which its
    loop is handing out due jobs; a one-off job handed out then is not found when the loop
    removes it, and the loop's thread dies with JobLookupError. After a shutdown there is
    nothing left to remove."""

    def remove_job(self, job_id: str, jobstore: str | None = None) -> None:
        try:
            super().remove_job(job_id, jobstore)
        except JobLookupError:
            if self.state != STATE_STOPPED:
                raise


class JobScheduler:
    """APScheduler 3 BackgroundScheduler over the six jobs.

    The schedule lives in memory and comes from Settings (job stores must never be shared
    between schedulers); runs are made once-per-period across consoles by the database
    lease, not by APScheduler. Coalescing and a misfire grace absorb short delays; after a
    sleep or a stopped machine a check runs each overdue job once.

    on_run(job_name, outcome) is called from a worker thread after every run (ok, failed,
    skipped), once its job_runs row is committed: a GUI hands it on with a Qt signal."""

    def __init__(self, engine: Engine, settings: Settings, *,
                 on_run: RunListener | None = None,
                 clock: Callable[[], int] = wall_clock_us,
                 wake_check_seconds: float = 60.0, catch_up_on_start: bool = True,
                 runner: Callable[..., dict[str, Any]] = run_job):
        self.engine = engine
        self.settings = settings
        self._clock = clock
        self._run_job = runner  # run_job, or the console's jobs.child_process
        self._listeners: list[RunListener] = [on_run] if on_run else []
        self._busy = {name: threading.Lock() for name in JOBS}
        self._wake_check_seconds = wake_check_seconds
        self._catch_up_on_start = catch_up_on_start
        self._last_tick: tuple[float, float] | None = None
        self._stopping = False
        self._failures: dict[str, tuple[str, int]] = {}  # job: (period, failed runs in it)
        self._lost_failures: list[dict[str, Any]] = []  # failed runs the database missed
        # One worker: runs queue instead of competing with the GUI thread for the GIL, and
        # writers to the database are serialized anyway.
        self._executor = ThreadPoolExecutor(max_workers=1)
        self._scheduler = _Scheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": self._executor},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": settings.misfire_grace_seconds},
            timezone=zone(settings.timezone))
        self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        for name, spec in JOBS.items():
            self._scheduler.add_job(self._execute, trigger=trigger_for(spec, self.settings),
                                    args=(name, "scheduled"), id=name, name=name,
                                    replace_existing=True)
        self._scheduler.add_job(self._check_wake, "interval", seconds=self._wake_check_seconds,
                                id=WAKE_CHECK_ID, name=WAKE_CHECK_ID, replace_existing=True)
        if self._catch_up_on_start:  # on a worker, so start() never waits for the database
            self._scheduler.add_job(self.catch_up, "date", args=("start",), id=START_CHECK_ID,
                                    name=START_CHECK_ID, replace_existing=True)
        self._scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        """Stop firing; with wait, let the running job finish first. Not APScheduler's own
        wait: it holds the lock that a running catch-up needs to queue a run, and would
        never return."""
        self._stopping = True  # a running catch-up queues nothing more
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if wait:
            self._executor.shutdown(wait=True)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    # ------------------------------------------------------------ control

    def pause(self, name: str) -> None:
        self._scheduler.pause_job(self._known(name))

    def resume(self, name: str) -> None:
        self._scheduler.resume_job(self._known(name))

    def is_paused(self, name: str) -> bool:
        job = self._scheduler.get_job(self._known(name))
        return job is not None and job.next_run_time is None

    def run_now(self, name: str) -> None:
        """Run a job at once on a worker (a manual run: no lease; the job's lock still
        keeps it exclusive). The outcome arrives through on_run."""
        self._one_off(self._known(name), "manual")

    def next_run_times(self) -> dict[str, int | None]:
        """Next fire instant of each job in microseconds (None: paused or not started)."""
        times: dict[str, int | None] = {}
        for name in JOBS:
            job = self._scheduler.get_job(name)
            when = getattr(job, "next_run_time", None) if job else None
            times[name] = to_us(when) if when is not None else None
        return times

    def next_run_times_iso(self) -> dict[str, str | None]:
        return {name: iso_utc(us) for name, us in self.next_run_times().items()}

    def overview(self) -> list[dict[str, Any]]:
        """`jobs list` with this scheduler's next runs and paused state."""
        entries = jobs_overview(self.engine, self.settings, self._clock(), self.next_run_times())
        for entry in entries:
            entry["paused"] = self.is_paused(entry["job"]) if self.running else False
        return entries

    def apply_settings(self, settings: Settings) -> None:
        """New schedules (and grace) from changed settings; paused jobs stay paused."""
        self.settings = settings
        for name, spec in JOBS.items():
            if self._scheduler.get_job(name) is None:
                continue
            paused = self.is_paused(name)
            self._scheduler.modify_job(name, misfire_grace_time=settings.misfire_grace_seconds)
            self._scheduler.reschedule_job(name, trigger=trigger_for(spec, settings))
            if paused:
                self._scheduler.pause_job(name)

    # ------------------------------------------------------------ catching up

    def catch_up(self, reason: str = "wake") -> list[str]:
        """Queue one run of each job (not paused, not running here) whose current period
        nobody has run yet. Returns the jobs queued."""
        queued = []
        now_us = self._clock()
        for name, spec in JOBS.items():
            if self._busy[name].locked() or (self.running and self.is_paused(name)):
                continue
            period, _start = current_period(spec, now_us, self.settings)
            try:
                done = lease_holder(self.engine, name, period) is not None
            except Exception as exc:  # noqa: BLE001 - the database may be away
                # Run it anyway: it fails, is recorded and retried, or the lease decides.
                log.warning("catch-up check of %s failed: %s", name, exc)
                done = False
            if not done:
                self._one_off(name, "catch-up")
                queued.append(name)
        if queued:
            log.info("catching up after %s: %s", reason, ", ".join(queued))
        return queued

    def _check_wake(self) -> None:
        """Wall time running ahead of monotonic time means the machine slept."""
        wall, mono = time.time(), time.monotonic()
        previous, self._last_tick = self._last_tick, (wall, mono)
        if previous is None:
            return
        wall_gap, mono_gap = wall - previous[0], mono - previous[1]
        if wall_gap - mono_gap > self._wake_check_seconds or wall_gap > 3 * self._wake_check_seconds:
            log.info("woke after about %.0f s away", wall_gap)
            self.catch_up("wake")

    def _on_missed(self, event: JobExecutionEvent) -> None:
        # Beyond the grace (a sleep, a stalled machine): coalesced to one event; run once now.
        if event.job_id in JOBS and not self._busy[event.job_id].locked():
            self._one_off(event.job_id, "catch-up")

    # ------------------------------------------------------------ running

    def _one_off(self, name: str, trigger: str) -> None:
        if self._stopping:
            return
        self._scheduler.add_job(self._execute, "date", args=(name, trigger),
                                id=f"{name}{ONE_OFF[trigger]}", name=f"{name} ({trigger})",
                                replace_existing=True)

    def _execute(self, name: str, trigger: str) -> None:
        if self._stopping:  # queued before the stop: only the run under way is waited for
            return
        now_us = self._clock()
        period = None if trigger == "manual" else current_period(
            JOBS[name], now_us, self.settings)[0]
        self._record_lost_failures()
        busy = self._busy[name]
        try:
            if not busy.acquire(blocking=False):
                outcome = record_skipped(self.engine, name, trigger, now_us,
                                         "already running in this process")
            else:
                try:
                    outcome = self._run_job(self.engine, name, now_us, self.settings,
                                            trigger=trigger, period=period)
                finally:
                    busy.release()
        except Exception as exc:  # noqa: BLE001 - e.g. the database is unreachable
            log.error("job %s could not run: %s", name, exc)
            outcome = failed_outcome(name, trigger, now_us, str(exc).splitlines()[0],
                                     period=period)
        if outcome["outcome"] == "failed" and outcome.get("run_id") is None:
            self._lost_failures = [*self._lost_failures, outcome][-LOST_FAILURES_KEPT:]
        if period is not None:
            self._retry_if_failed(name, period, outcome)
        for listener in list(self._listeners):
            try:
                listener(name, outcome)
            except Exception:
                log.exception("on_run listener failed for %s", name)

    def _record_lost_failures(self) -> None:
        """Failed runs the database did not hear of: logged now, if it answers again."""
        while self._lost_failures:
            try:
                record_lost_failure(self.engine, self._lost_failures[0])
            except Exception:  # noqa: BLE001 - still away: the next run tries again
                return
            self._lost_failures.pop(0)

    def _retry_if_failed(self, name: str, period: str, outcome: dict[str, Any]) -> None:
        """A failed scheduled run is tried again after job_retry_first_seconds, then twice
        as long each time (at most job_retry_max_seconds), while its period lasts: a retry
        that would come after the next scheduled run is left to that run."""
        if outcome["outcome"] != "failed":
            self._failures.pop(name, None)
            return
        last_period, failures = self._failures.get(name, (period, 0))
        failures = failures + 1 if last_period == period else 1
        self._failures[name] = (period, failures)
        delay = min(self.settings.job_retry_first_seconds * 2 ** (failures - 1),
                    self.settings.job_retry_max_seconds)
        run_at = datetime.now(UTC) + timedelta(seconds=delay)
        job = self._scheduler.get_job(name)
        next_fire = getattr(job, "next_run_time", None) if job else None
        if self._stopping or next_fire is None or run_at >= next_fire:
            return
        log.warning("job %s failed (%d in period %s): retrying in %d s", name, failures,
                    period, delay)
        self._scheduler.add_job(self._execute, "date", run_date=run_at, args=(name, "retry"),
                                id=f"{name}{ONE_OFF['retry']}", name=f"{name} (retry)",
                                replace_existing=True)

    @staticmethod
    def _known(name: str) -> str:
        from jobs.registry import get_job

        return get_job(name).name
