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
from jobs.runner import failed_outcome, holder_name

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
        child = subprocess.Popen(job_command(name, now_us, trigger, period),
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        return failed_outcome(name, trigger, now_us, f"the job's process: {exc}")
    # The child's lease and log row carry its own name: a failure it could not record is
    # recorded (and its lease given back) under that name once the database is back.
    holder = holder_name(child.pid)
    try:
        stdout, stderr = child.communicate(settings_json, timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        child.kill()
        child.communicate()
        return failed_outcome(name, trigger, now_us, f"the job's process: {exc}",
                              period=period, holder=holder)
    try:  # an outcome, also of a failed run the child recorded itself
        outcome: dict[str, Any] = json.loads(stdout)
        return outcome
    except ValueError:
        pass
    if child.returncode == 0:
        return failed_outcome(name, trigger, now_us, "the job's process answered "
                              f"{stdout.strip()[:200]!r}")
    lines = stderr.strip().splitlines()
    error = lines[-1].removeprefix("support-console: ") if lines else (
        f"the job's process ended with code {child.returncode}")
    log.error("job %s failed in its process: %s", name, error)
    return failed_outcome(name, trigger, now_us, error, period=period, holder=holder)
