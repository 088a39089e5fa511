"""Opening the database in the background: schema, demo data offer, then live updates."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import func, select

from console.tasks import TaskRunner, describe_error
from core.db import ensure_schema, session_scope
from core.demo import is_demo_database, load_demo
from core.models import Agent


@dataclass(frozen=True)
class DatabaseState:
    empty: bool
    demo: bool


def open_database(engine) -> DatabaseState:
    """Bring the schema up to date and say whether the database is empty or holds demo data."""
    ensure_schema(engine)
    with session_scope(engine) as session:
        empty = session.scalar(select(func.count()).select_from(Agent)) == 0
    return DatabaseState(empty=empty, demo=is_demo_database(engine))


class Startup(QObject):
    """open -> (offer demo data) -> ready. `ask_demo` None: never ask (smoke test)."""

    ready = Signal(object)  # DatabaseState
    failed = Signal(str)

    def __init__(self, tasks: TaskRunner, window: QWidget, *, load_demo_now: bool,
                 offer_demo: bool, clock=None):
        super().__init__(window)
        self.tasks = tasks
        self.window = window
        self.load_demo_now = load_demo_now
        self.offer_demo = offer_demo
        self.clock = clock
        self.demo_dialog: QMessageBox | None = None

    def start(self) -> None:
        engine = self.tasks.engine
        self.tasks.run_in_background(self, lambda: open_database(engine), self._opened,
                                     self._failed, serial=True)

    def _opened(self, state: DatabaseState) -> None:
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
        self.failed.emit(describe_error(error))
