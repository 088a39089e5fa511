"""The one data-changed broadcast: local writes at once, other consoles' writes within seconds."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

CHANNEL = "support_console_changed"  # the trigger of migration 0002 notifies on it
POLL_SECONDS = 1.0
RETRY_SECONDS = 2.0  # after the watch failed (database away): how soon to try again
COALESCE_MS = 150  # a burst of notifications (one per table) becomes one refresh

log = logging.getLogger("support_console.data_bus")


class DataBus(QObject):
    """Views connect to data_changed and refresh themselves; nobody calls a view directly."""

    data_changed = Signal()
    watch_failed = Signal(str)
    reconnected = Signal()  # the watch works again after watch_failed: figures may be stale
    _remote_change = Signal()
    _watch_restored = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self.data_changed)
        self._remote_change.connect(self._on_remote_change)
        self._watch_restored.connect(self._on_watch_restored)
        self._watcher: ChangeWatcher | None = None

    def announce_local_change(self) -> None:
        """Call after the console's own write has committed: every view refreshes now."""
        self._coalesce.stop()
        self.data_changed.emit()

    @Slot()
    def _on_remote_change(self) -> None:
        if not self._coalesce.isActive():
            self._coalesce.start()

    @Slot()
    def _on_watch_restored(self) -> None:
        """Changes made while the database was away were never announced: refresh now."""
        self.reconnected.emit()
        self.announce_local_change()

    def watch(self, engine: Engine, listen_url: str = "") -> None:
        """Start listening for changes other processes make to the shared database
        (PostgreSQL: LISTEN through listen_url when given, see Settings.listen_db_url)."""
        self.stop_watching()
        watcher_class = PostgresWatcher if engine.dialect.name == "postgresql" else SqliteWatcher
        self._watcher = watcher_class(engine, self._remote_change.emit, self.watch_failed.emit,
                                      self._watch_restored.emit)
        self._watcher.listen_url = listen_url
        self._watcher.start()

    def stop_watching(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        self._coalesce.stop()


class ChangeWatcher:
    """A daemon thread that calls `changed()` when another connection commits a change."""

    def __init__(self, engine: Engine, changed, failed, restored=lambda: None):
        self.engine = engine
        self.listen_url = ""  # PostgreSQL: LISTEN here instead of the engine's URL
        self._changed = changed
        self._failed = failed
        self._restored = restored
        self._failing = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run_guarded, daemon=True,
                                        name=type(self).__name__)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run_guarded(self) -> None:
        while not self._stop.is_set():
            try:
                self.run()
                return
            except Exception as exc:
                log.debug("change watcher failed", exc_info=True)
                if not self._failing:
                    self._failed(f"live updates paused: {type(exc).__name__}: {exc}")
                    self._failing = True
                self._stop.wait(RETRY_SECONDS)

    def watching(self) -> None:
        """run() calls this once it watches: after a failure, that is the database back."""
        if self._failing:
            self._failing = False
            self._restored()

    def run(self) -> None:
        raise NotImplementedError


class SqliteWatcher(ChangeWatcher):
    """PRAGMA data_version on one dedicated connection changes when another connection commits."""

    def run(self) -> None:
        import sqlite3

        # Its own connection outside the pool: data_version counts other connections' commits.
        connection = sqlite3.connect(self.engine.url.database, timeout=15,
                                     check_same_thread=False)
        try:
            last = None
            self.watching()
            while not self._stop.wait(POLL_SECONDS if last is not None else 0):
                cursor = connection.cursor()
                version = cursor.execute("PRAGMA data_version").fetchone()[0]
                cursor.close()
                if last is not None and version != last:
                    self._changed()
                last = version
        finally:
            connection.close()


class PostgresWatcher(ChangeWatcher):
    """LISTEN on its own autocommit psycopg connection; NOTIFY arrives in about a millisecond."""

    def run(self) -> None:
        import psycopg

        url = (make_url(self.listen_url) if self.listen_url else self.engine.url).set(
            drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False),
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.watching()
            while not self._stop.is_set():
                for _ in conn.notifies(timeout=0.5, stop_after=1):
                    self._changed()
