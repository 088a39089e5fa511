"""Opening the database in the background: schema, demo data offer, then live updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from console.tasks import TaskRunner, describe_error
from core.access import Actor
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
    demo_admin: Actor | None = None  # a SQLite demo database's admin (signed in, no password)


def open_database(engine, dashboard_agent_id: str | None = None, *,
                  with_dashboard: bool = True) -> DatabaseState:
    """Bring the schema up to date, then read_state: once per start, on a worker."""
    ensure_schema(engine)
    return read_state(engine, dashboard_agent_id, with_dashboard=with_dashboard)


def read_state(engine, dashboard_agent_id: str | None = None, *,
               with_dashboard: bool = True) -> DatabaseState:
    """Whether the database is empty or holds demo data, and the stored dashboard of the team
    (or of dashboard_agent_id): one trip."""
    with read_scope(engine) as conn:
        empty = conn.scalar(select(func.count()).select_from(agents)) == 0
        dashboard = read_dashboard_snapshot(conn, dashboard_agent_id) if (
            with_dashboard and not empty) else None
        demo = holds_demo_data(conn)
        admin = _demo_admin(conn) if demo and conn.dialect.name == "sqlite" else None
    return DatabaseState(empty=empty, demo=demo, dashboard=dashboard, demo_admin=admin)


def _demo_admin(conn) -> Actor | None:
    agent = conn.execute(select(agents).where(agents.c.role == "admin", agents.c.active)
                         .order_by(agents.c.id)).first()
    return None if agent is None else Actor(id=agent.id, role=agent.role, name=agent.name)


class Startup(QObject):
    """open -> (offer demo data) -> ready. `opened`: the schema was brought up to date and
    the database read before the window (sign-in): only the stored dashboard is left."""

    ready = Signal(object)  # DatabaseState
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, window: QWidget, *, load_demo_now: bool,
                 offer_demo: bool, clock=None, dashboard_agent_id: str | None = None,
                 opened: DatabaseState | None = None):
        super().__init__(window)
        self.opened = opened
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
        opening = open_database if self.opened is None else read_state
        self.tasks.run_in_background(self, lambda: opening(engine, agent_id),
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
            self, lambda: (load_demo(engine, now_us=now), read_state(engine))[1],
            self.ready.emit, self._failed, serial=True)

    def _failed(self, error: BaseException) -> None:
        program_loaded()
        self.failed.emit(describe_error(error))
