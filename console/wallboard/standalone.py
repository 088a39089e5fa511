"""`support-console gui --wallboard`: the wallboard alone, as the local operator, no sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from console.context import ConsoleContext, Period
from console.data_bus import DataBus
from console.tasks import TaskRunner
from console.wallboard.window import WallboardWindow
from core.db import make_engine
from core.settings import Settings


def run_wallboard(app: QApplication, settings: Settings, screen: str | None = None) -> int:
    """Until the window closes. The database may be away at start: the window then shows
    its stale marker and keeps trying; it never migrates or writes anything."""
    from console.app import quit_on_signals

    if screen is not None:
        settings = settings.with_overrides(wallboard_screen=screen)
    engine = make_engine(settings.resolved_db_url())
    tasks = TaskRunner(engine)
    bus = DataBus()
    context = ConsoleContext(engine=engine, settings=settings, tasks=tasks, bus=bus,
                             period=Period(1))
    board = WallboardWindow(context)
    board.start()
    bus.watch(engine)
    quit_on_signals(app)
    code = app.exec()
    bus.stop_watching()
    tasks.wait_for_done()
    engine.dispose()
    return code
