"""The one way to run work off the GUI thread: reads in parallel, writes one at a time."""

from __future__ import annotations

import logging
import traceback
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from shiboken6 import isValid
from sqlalchemy import Engine

from core.db import session_scope, write_transaction

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session

log = logging.getLogger("support_console.tasks")

SuccessCallback = Callable[[Any], None]
FailureCallback = Callable[[BaseException], None]


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call to the GUI thread."""

    finished = Signal(object, object, object)  # result, error, the job's function in a list

    def __init__(self, arrived: Callable[[_Relay, Any, BaseException | None], None]):
        super().__init__()
        self._arrived: Callable[[_Relay, Any, BaseException | None], None] | None = arrived
        self.finished.connect(self._on_finished)

    @Slot(object, object, object)
    def _on_finished(self, result: Any, error: BaseException | None, call: list) -> None:
        arrived, self._arrived = self._arrived, None
        call.clear()
        if arrived is not None:
            arrived(self, result, error)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        # The function and the relay's callbacks (closures over a view) are let go on the
        # GUI thread: were a view's last reference dropped on the worker, the view would be
        # destroyed there, and Qt crashes.
        self._call = [fn]
        self._relay = relay

    def run(self) -> None:  # on a worker thread: never touch widgets here
        call = self._call
        try:
            result, error = call[0](), None
        except BaseException as exc:  # noqa: BLE001 - every failure goes to on_failure
            log.debug("background task failed\n%s", traceback.format_exc())
            result, error = None, exc
        self._relay.finished.emit(result, error, call)


class TaskRunner(QObject):
    """Runs functions on worker threads and delivers their outcome on the GUI thread.

    `fn` runs on a worker and must not touch widgets; `on_success(result)` or
    `on_failure(error)` then runs on the GUI thread, unless `parent` was deleted meanwhile.
    `read`/`write` wrap `fn(session)` in a fresh SQLAlchemy session each call."""

    busy_changed = Signal(bool)
    task_failed = Signal(str)

    def __init__(self, engine: Engine | None = None, parent: QObject | None = None,
                 max_readers: int = 2):
        super().__init__(parent)
        self.engine = engine
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(max_readers)
        self._writes = QThreadPool(self)  # one thread: writes never race each other
        self._writes.setMaxThreadCount(1)
        self._pending: set[_Relay] = set()
        # Results are handed to their callbacks one per event-loop turn: results that arrive
        # together then never add up to one long stall, and repaints and timers run between.
        self._arrivals: deque[tuple[Callable[[], None]]] = deque()
        self._hand_over = QTimer(self)
        self._hand_over.setSingleShot(True)
        self._hand_over.setInterval(0)
        self._hand_over.timeout.connect(self._hand_over_next)
        self.closed = False

    def close(self) -> None:
        """No new work from now on (the console is shutting down; a timer may still ask)."""
        self.closed = True

    @property
    def active(self) -> int:
        return len(self._pending)

    def run_in_background(self, parent: QObject | None, fn: Callable[[], Any],
                          on_success: SuccessCallback | None = None,
                          on_failure: FailureCallback | None = None, *,
                          serial: bool = False) -> None:
        if self.closed:
            return

        def deliver(relay: _Relay, result: Any, error: BaseException | None) -> None:
            self._pending.discard(relay)
            relay.deleteLater()
            if not self._pending:
                self.busy_changed.emit(False)
            if parent is not None and not isValid(parent):
                return
            if error is None:
                if on_success is not None:
                    on_success(result)
            elif on_failure is not None:
                on_failure(error)
            else:
                self.task_failed.emit(describe_error(error))

        def arrived(relay: _Relay, result: Any, error: BaseException | None) -> None:
            self._arrivals.append((lambda: deliver(relay, result, error),))
            if not self._hand_over.isActive():
                self._hand_over.start()

        relay = _Relay(arrived)
        was_idle = not self._pending
        self._pending.add(relay)
        if was_idle:
            self.busy_changed.emit(True)
        (self._writes if serial else self._reads).start(_Job(fn, relay))

    def read(self, parent: QObject | None, fn: Callable[[Session], Any],
             on_success: SuccessCallback | None = None,
             on_failure: FailureCallback | None = None) -> None:
        """fn(session) on a reader thread, in its own session."""
        engine = self._require_engine()

        def in_session() -> Any:
            with session_scope(engine) as session:
                return fn(session)

        self.run_in_background(parent, in_session, on_success, on_failure)

    def write(self, parent: QObject | None, fn: Callable[[Session], Any],
              on_success: SuccessCallback | None = None,
              on_failure: FailureCallback | None = None) -> None:
        """fn(session) on the single writer thread, in one write transaction."""
        engine = self._require_engine()

        def in_transaction() -> Any:
            with write_transaction(engine) as session:
                return fn(session)

        self.run_in_background(parent, in_transaction, on_success, on_failure, serial=True)

    def run_and_wait(self, fn: Callable[[], Any]) -> Any:
        """fn on the writer thread while this thread turns an event loop until it is done: its
        result, or its error raised here. For the steps before the window exists (sign-in)."""
        loop = QEventLoop()
        outcome: list[tuple[Any, BaseException | None]] = []

        def finished(result: Any, error: BaseException | None = None) -> None:
            outcome.append((result, error))
            loop.quit()

        self.run_in_background(None, fn, finished, lambda error: finished(None, error),
                               serial=True)
        if not outcome:
            loop.exec()
        result, error = outcome[0]
        if error is not None:
            raise error
        return result

    def _hand_over_next(self) -> None:
        if self._arrivals:
            (deliver,) = self._arrivals.popleft()
            try:
                deliver()
            finally:
                if self._arrivals:
                    self._hand_over.start()

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until every worker is idle (shutdown and tests)."""
        return self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs)

    def _require_engine(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("TaskRunner has no database engine")
        return self.engine


def describe_error(error: BaseException) -> str:
    """One line for the banner: the message of errors a user can act on, never a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from core.errors import SupportConsoleError, one_line

    if isinstance(error, SupportConsoleError):
        return str(error)
    if isinstance(error, SQLAlchemyError):
        return f"database error: {one_line(getattr(error, 'orig', None) or error)}"
    return f"unexpected error: {type(error).__name__}: {error}"
