"""`support-console jobs list | run JOB [--now ISO] [--dry-run] | serve`."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from typing import Any

from sqlalchemy import Engine

from core.errors import BadInput, SupportConsoleError
from core.logging_setup import setup_logging
from core.settings import Settings
from core.timeutil import parse_now
from jobs.auto_reassign_unresolved_tasks import NAME as REASSIGN
from jobs.auto_reassign_unresolved_tasks import plan_auto_reassign_unresolved_tasks
from jobs.history import jobs_overview
from jobs.registry import get_job
from jobs.runner import run_job

log = logging.getLogger(__name__)


def jobs_command(args: argparse.Namespace, settings: Settings,
                 engine: Engine) -> dict[str, Any] | int | None:
    if args.jobs_command == "list":
        return {"jobs": jobs_overview(engine, settings, parse_now(None))}
    if args.jobs_command == "run":
        if args.settings_stdin:  # the console's scheduler: the outcome, failed or not
            outcome = run_job(engine, get_job(args.job).name, parse_now(args.now), settings,
                              trigger=args.trigger, period=args.period)
            if outcome["outcome"] == "failed":
                print(json.dumps(outcome))
                return 1
            return outcome
        return run_command(engine, settings, args.job, args.now, args.dry_run,
                           trigger=args.trigger, period=args.period)
    if args.jobs_command == "serve":
        serve(engine, settings)
        return None
    raise BadInput(f"unknown jobs command {args.jobs_command!r}")


def run_command(engine: Engine, settings: Settings, name: str, now: str | None,
                dry_run: bool, *, trigger: str = "manual",
                period: str | None = None) -> dict[str, Any]:
    get_job(name)  # an unknown job is bad input (exit 2), before anything runs
    now_us = parse_now(now)
    if dry_run:
        if name != REASSIGN:
            raise BadInput(f"--dry-run is only for {REASSIGN}")
        return {"job": name, "dry_run": True,
                **plan_auto_reassign_unresolved_tasks(engine, now_us, settings)}
    outcome = run_job(engine, name, now_us, settings, trigger=trigger, period=period)
    if outcome["outcome"] == "failed":
        raise SupportConsoleError(f"job {name} failed: {outcome['error']}")
    return outcome


def serve(engine: Engine, settings: Settings) -> None:
    """The scheduler alone, until SIGTERM or SIGINT; then a clean stop (running jobs finish)."""
    from jobs.scheduler import JobScheduler

    setup_logging("jobs serve", stderr_level=logging.INFO)  # its progress on stderr too
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("received %s: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler = JobScheduler(engine, settings)
    try:
        scheduler.start()
        log.info("scheduler running: %s", ", ".join(
            f"{name} next {when}" for name, when in scheduler.next_run_times_iso().items()))
        while not stop.wait(1.0):
            pass
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        log.info("scheduler stopped")
