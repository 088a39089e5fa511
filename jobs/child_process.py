"""One job run in a process of its own: how the console's embedded scheduler runs jobs.

In the console's process a job's work shares the GIL with the window: at a million items
the start-up catch-up paused the GUI thread for up to 165 ms (measured, with the views'
refreshes left out). A child process shares nothing with it. It is `support-console jobs
run JOB` with the run's clock, trigger and period, and the console's settings (the database
URL among them) on standard input - not on the command line, where other users can read
it. It takes the period's lease and writes the job_runs row as any run does; its outcome
comes back as JSON on standard output.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
from typing import Any

from sqlalchemy import Engine

from core.settings import Settings, settings_as_json
from core.timeutil import iso_utc
from jobs.runner import failed_outcome

log = logging.getLogger(__name__)

CHILD_TIMEOUT_S = 3600  # the longest job takes seconds at a million items: this is stuck


def job_command(name: str, now_us: int, trigger: str, period: str | None) -> list[str]:
    """This program's `jobs run` (a packaged build's executable is the program itself;
    -P: a `core` folder in the current directory is not ours)."""
    program = [sys.executable] if getattr(sys, "frozen", False) else [
        sys.executable, "-P", "-m", "cli"]
    command = [*program, "jobs", "run", name, "--now", iso_utc(now_us) or "",
               "--trigger", trigger, "--settings-stdin"]
    return command + (["--period", period] if period else [])


def run_in_child_process(engine: Engine, name: str, now_us: int, settings: Settings, *,
                         trigger: str = "manual", period: str | None = None) -> dict[str, Any]:
    """jobs.runner.run_job in a child process; never raises (a failure is an outcome)."""
    url = engine.url.render_as_string(hide_password=False)
    settings_json = settings_as_json(dataclasses.replace(settings, db_url=url))
    try:
        done = subprocess.run(job_command(name, now_us, trigger, period), input=settings_json,
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return failed_outcome(name, trigger, now_us, f"the job's process: {exc}")
    if done.returncode == 0:
        try:
            outcome: dict[str, Any] = json.loads(done.stdout)
            return outcome
        except ValueError:
            return failed_outcome(name, trigger, now_us, "the job's process answered "
                                  f"{done.stdout.strip()[:200]!r}")
    lines = done.stderr.strip().splitlines()
    error = lines[-1].removeprefix("support-console: ") if lines else (
        f"the job's process ended with code {done.returncode}")
    log.error("job %s failed in its process: %s", name, error)
    return failed_outcome(name, trigger, now_us, error)
