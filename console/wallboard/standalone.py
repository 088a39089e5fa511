"""`support-console gui --wallboard`: the wallboard alone, as the local operator, no sign-in."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from console.context import ConsoleContext, Period
from console.data_bus import DataBus
from console.tasks import TaskRunner
from console.wallboard.window import WallboardWindow
from core.db import make_engine
from core.settings import Settings


def run_wallboard(app: QApplication, settings: Settings, screen: str | None = None, *,
                  smoke_test: bool = False) -> int:
    """Until the window closes. The database may be away at start: the window then shows
    its stale marker and keeps trying; it never migrates or writes anything.
    smoke_test: open, show the figures once, say what is on screen, and exit (0 or 1)."""
    from console.app import quit_on_signals

    if screen is not None:
        settings = settings.with_overrides(wallboard_screen=screen)
    engine = make_engine(settings.resolved_db_url())
    tasks = TaskRunner(engine)
    bus = DataBus()
    context = ConsoleContext(engine=engine, settings=settings, tasks=tasks, bus=bus,
                             period=Period(1))
    board = WallboardWindow(context)
    if smoke_test:
        board.figures_shown.connect(lambda: app.exit(_report(board)))
        board.went_stale.connect(lambda reason: app.exit(_fail(reason)))
    board.start()
    bus.watch(engine)
    quit_on_signals(app)
    code = app.exec()
    board.close()
    bus.stop_watching()
    tasks.wait_for_done()
    engine.dispose()
    return code


def _report(board: WallboardWindow) -> int:
    geometry = board.geometry()
    print(f"wallboard smoke test passed: {board.windowTitle()!r}, "
          f"{'full-screen' if board.isFullScreen() else 'windowed'} "
          f"{geometry.width()}x{geometry.height()} on {board.screen().name()!r}, "
          f"{len(board.tiles.tiles)} tiles, {board.as_of.text()}")
    return 0


def _fail(reason: str) -> int:
    import sys

    print(f"support-console: wallboard smoke test failed: {reason}", file=sys.stderr)
    return 1
