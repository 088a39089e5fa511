"""Opening the database in the background: schema, demo data offer, then live updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from console.tasks import TaskRunner, describe_error
from core.dashboard import read_dashboard_snapshot
from core.db import ensure_schema, read_scope
from core.demo import holds_demo_data, load_demo
from core.schema import agents
from core.startup_gc import program_loaded


@dataclass(frozen=True)
class DatabaseState:
    empty: bool
    demo: bool
    dashboard: dict[str, Any] | None = None  # the stored dashboard, drawn while figures load


def open_database(engine, dashboard_agent_id: str | None = None) -> DatabaseState:
    """Bring the schema up to date, say whether the database is empty or holds demo data,
    and read the stored dashboard of the team (or of dashboard_agent_id): one trip."""
    ensure_schema(engine)
    with read_scope(engine) as conn:
        empty = conn.scalar(select(func.count()).select_from(agents)) == 0
        dashboard = None if empty else read_dashboard_snapshot(conn, dashboard_agent_id)
        demo = holds_demo_data(conn)
    return DatabaseState(empty=empty, demo=demo, dashboard=dashboard)


class Startup(QObject):
    """open -> (offer demo data) -> ready. `ask_demo` None: never ask (smoke test)."""

    ready = Signal(object)  # DatabaseState
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, window: QWidget, *, load_demo_now: bool,
                 offer_demo: bool, clock=None, dashboard_agent_id: str | None = None):
        super().__init__(window)
        self.dashboard_agent_id = dashboard_agent_id
        self.tasks = tasks
        self.window = window
        self.load_demo_now = load_demo_now
        self.offer_demo = offer_demo
        self.clock = clock
        self.demo_dialog: QMessageBox | None = None

    def start(self) -> None:
        engine = self.tasks.engine
        agent_id = self.dashboard_agent_id
        self.tasks.run_in_background(self, lambda: open_database(engine, agent_id),
                                     self._opened, self._failed, serial=True)

    def _opened(self, state: DatabaseState) -> None:
        program_loaded()
        if state.empty and self.load_demo_now:
            self._load_demo()
        elif state.empty and self.offer_demo:
            self._ask_demo(state)
        else:
            self.ready.emit(state)

    def _ask_demo(self, state: DatabaseState) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, "Empty database",
                          "This database holds no agents or items yet.\n\n"
                          "Load demo data (a generated team and 90 days of work) to look "
                          "around? Demo data is clearly marked and can be replaced by an "
                          "import later.",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.window)
        box.button(QMessageBox.StandardButton.Yes).setText("Load demo data")
        box.button(QMessageBox.StandardButton.No).setText("Start empty")
        box.finished.connect(lambda result: self._demo_answered(box, result, state))
        self.demo_dialog = box
        box.open()

    def _demo_answered(self, box: QMessageBox, result: int, state: DatabaseState) -> None:
        self.demo_dialog = None
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            self._load_demo()
        else:
            self.ready.emit(state)

    def _load_demo(self) -> None:
        engine = self.tasks.engine
        now = self.clock() if self.clock else None
        self.tasks.run_in_background(
            self, lambda: (load_demo(engine, now_us=now), open_database(engine))[1],
            self.ready.emit, self._failed, serial=True)

    def _failed(self, error: BaseException) -> None:
        program_loaded()
        self.failed.emit(describe_error(error))
