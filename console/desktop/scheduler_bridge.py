"""The jobs scheduler inside the console: run results and the person's new alerts as Qt signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from sqlalchemy import Engine

from core.db import session_scope
from core.notify_policy import latest_alert_id, new_alerts
from core.settings import Settings

log = logging.getLogger("support_console.scheduler")


class AlertWatcher(QObject):
    """Finds the signed-in person's alerts that are new since sign-in (or the last look).

    Looks after each local job run and on every data change, so alerts queued by another
    console that won the job's lease are noticed too. Runs on the caller's thread."""

    alerts_arrived = Signal(list)  # new alert dicts, oldest first
    _found = Signal(list)

    def __init__(self, engine: Engine, recipient_id: str | None, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.recipient_id = recipient_id
        self._lock = threading.Lock()
        self._seen = 0
        self._found.connect(self.alerts_arrived)

    def newest_seen(self, session) -> int:
        return latest_alert_id(session, self.recipient_id)

    def start_from(self, newest_alert_id: int) -> None:
        self._seen = newest_alert_id

    def check(self) -> list[dict[str, Any]]:
        """Look once (any thread); emits alerts_arrived (queued to the GUI) when there are new."""
        if self.recipient_id is None:
            return []
        with self._lock:  # two finishing jobs must not report the same alert twice
            with session_scope(self.engine) as session:
                fresh = new_alerts(session, self.recipient_id, self._seen)
                newest = latest_alert_id(session, self.recipient_id)
            self._seen = max(self._seen, newest)
        if fresh:
            self._found.emit(fresh)
        return fresh


class SchedulerBridge(QObject):
    """Owns the jobs scheduler while the console runs (when settings.scheduler_enabled)."""

    run_finished = Signal(dict)  # a job run's outcome (jobs.runner.run_job's dict)
    state_changed = Signal()  # paused, resumed, started or stopped
    _run_done = Signal(dict)

    def __init__(self, engine: Engine, settings: Settings, watcher: AlertWatcher | None = None,
                 clock: Callable[[], int] | None = None,
                 scheduler_factory: Callable[..., Any] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.settings = settings
        self.watcher = watcher
        self.clock = clock
        self._factory = scheduler_factory
        self.scheduler = None
        self._run_done.connect(self.run_finished)

    @property
    def enabled(self) -> bool:
        return bool(self.settings.scheduler_enabled)

    @property
    def running(self) -> bool:
        return self.scheduler is not None

    def start(self) -> bool:
        """Start the jobs unless the settings turn the embedded scheduler off."""
        if not self.enabled or self.scheduler is not None:
            return False
        kwargs: dict[str, Any] = {"on_run": self._on_run}
        factory = self._factory
        if factory is None:  # each run in a process of its own: see jobs.child_process
            from jobs.child_process import run_in_child_process
            from jobs.scheduler import JobScheduler as factory

            kwargs["runner"] = run_in_child_process
        if self.clock is not None:
            kwargs["clock"] = self.clock
        self.scheduler = factory(self.engine, self.settings, **kwargs)
        self.scheduler.start()
        log.info("embedded scheduler started")
        self.state_changed.emit()
        return True

    def _on_run(self, name: str, outcome: dict[str, Any]) -> None:
        """The scheduler's hook, on its worker thread: only signals and a read leave here."""
        self._run_done.emit({**outcome, "job": name})
        if self.watcher is not None and outcome.get("outcome") == "ok":
            try:
                self.watcher.check()
            except Exception:
                log.warning("looking for new alerts failed", exc_info=True)

    @Slot()
    def stop(self) -> None:
        if self.scheduler is None:
            return
        scheduler, self.scheduler = self.scheduler, None
        scheduler.shutdown(wait=True)
        log.info("embedded scheduler stopped")
        self.state_changed.emit()

    def next_runs(self) -> dict[str, int | None] | None:
        """Next fire instants from the live scheduler (None for a paused job)."""
        if self.scheduler is None:
            return None
        return self.scheduler.next_run_times()

    def paused(self) -> set[str]:
        if self.scheduler is None:
            return set()
        from jobs.registry import JOBS

        return {name for name in JOBS if self.scheduler.is_paused(name)}

    def apply_settings(self, settings: Settings) -> None:
        """New schedules from saved settings; turning the scheduler off stops it."""
        self.settings = settings
        if not self.enabled:
            self.stop()
        elif self.scheduler is None:
            self.start()
        else:
            self.scheduler.apply_settings(settings)
            self.state_changed.emit()

    @Slot(str)
    def run_now(self, name: str) -> None:
        self.scheduler.run_now(name)

    @Slot(str)
    def pause(self, name: str) -> None:
        self.scheduler.pause(name)
        self.state_changed.emit()

    @Slot(str)
    def resume(self, name: str) -> None:
        self.scheduler.resume(name)
        self.state_changed.emit()
