"""Starting the console: the application, the shared services, the main window, the smoke test."""

from __future__ import annotations

import signal
import sys
from importlib import resources

# Before Qt: once loaded, PySide6 inspects every module imported after it (measured: ~50 ms
# of the console's start for these two and their dependencies).
import numpy  # noqa: F401
import sqlalchemy  # noqa: F401
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from console.context import Clock, ConsoleContext, Period, system_clock
from console.data_bus import DataBus
from console.failures import report_failures_in
from console.main_window import MainWindow
from console.startup import DatabaseState, Startup
from console.tasks import TaskRunner
from console.wallboard.window import install_wallboard_action
from core.db import make_engine, safe_url
from core.secrets import get_database_password
from core.settings import Settings

ORGANISATION = "support-console"
APPLICATION = "Support Console"


class Console:
    """Everything one open console holds; `shutdown()` stops its threads and timers."""

    def __init__(self, settings: Settings, *, clock: Clock = system_clock,
                 state: QSettings | None = None, load_demo: bool = False,
                 offer_demo: bool = False, watch_changes: bool = True, actor=None,
                 opened: DatabaseState | None = None):
        # Workers hand the GIL back every 0.2 ms instead of 5: painting calls back into Python
        # (pyqtgraph) hundreds of times, and each call waits for the GIL up to this long.
        sys.setswitchinterval(0.0002)
        self.settings = settings
        self.url = settings.resolved_db_url()
        self.engine = make_engine(self.url, password_provider=get_database_password,
                                  settings=settings)
        self.tasks = TaskRunner(self.engine)
        self.bus = DataBus()
        self.context = ConsoleContext(engine=self.engine, settings=settings, tasks=self.tasks,
                                      bus=self.bus, period=Period(30), clock=clock)
        if actor is not None:  # signed in before the window: the role decides the views
            self.context.actor_id, self.context.supervisor = actor.id, actor.is_supervisor
        self.window = MainWindow(self.context, safe_url(self.url), state)
        install_wallboard_action(self.window, self.context)
        self.watch_changes = watch_changes
        self.database: DatabaseState | None = None
        self.desktop = None  # the DesktopIntegration, once someone is signed in (run_gui)
        self.closed = False
        self.startup = Startup(self.tasks, self.window, load_demo_now=load_demo,
                               offer_demo=offer_demo, clock=clock,
                               dashboard_agent_id=None if self.context.supervisor
                               else self.context.actor_id, opened=opened)
        self.startup.ready.connect(self._ready)
        self.startup.failed.connect(self.window.banner.show_error)

    def start(self) -> None:
        """Show the window at once; the database opens in the background."""
        self.window.show()
        self.startup.start()

    def _ready(self, state: DatabaseState) -> None:
        self.database = state
        self.window.set_demo(state.demo)
        if self.watch_changes:
            self.bus.watch(self.engine, self.settings.listen_db_url)
        # Fresh loads start once the stored dashboard is drawn and every view is built:
        # their worker threads would share the GIL with that work and slow it several-fold.
        def load_figures() -> None:
            self.window.choose_team(then=lambda: self.window.build_remaining_views(
                then=self.window.refresh_all))

        dashboard = self.window.views.get("dashboard")
        if dashboard is not None and state.dashboard is not None:
            dashboard.show_snapshot(state.dashboard, then=load_figures)
        else:
            load_figures()

    def shutdown(self) -> None:
        """Stops threads and timers, closes the window; a second call does nothing."""
        if self.closed:
            return
        self.closed = True
        if self.desktop is not None:  # stopped on aboutToQuit too; a second stop does nothing
            self.desktop.shutdown()
        self.bus.stop_watching()
        self.window.close()
        self.tasks.close()
        self.tasks.wait_for_done()
        self.window.deleteLater()
        self.engine.dispose()


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName("support-console")
    style = resources.files("resources").joinpath("console.qss")
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    icon = resources.files("resources").joinpath("icons", "support-console.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app  # type: ignore[return-value]


def run_gui(args, settings: Settings) -> int:
    """`support-console gui`: 0 when the window closes, or the smoke test's result."""
    from console.desktop.integration import DesktopIntegration, sign_in_for

    app = application()
    if getattr(args, "wallboard", False):
        from console.wallboard.standalone import run_wallboard

        return run_wallboard(app, settings, screen=getattr(args, "screen", None),
                             smoke_test=bool(getattr(args, "smoke_test", False)))
    smoke = bool(getattr(args, "smoke_test", False))
    signed_in = None
    if not smoke:  # the smoke test signs nobody in: it draws every view as the operator
        sign_in_engine = make_engine(settings.resolved_db_url(), settings=settings,
                                     password_provider=get_database_password)
        signed_in = sign_in_for(sign_in_engine, settings)
        sign_in_engine.dispose()
        if signed_in is None:
            return 0
    console = Console(settings, state=None if smoke else QSettings(),
                      load_demo=bool(getattr(args, "demo", False)),
                      offer_demo=not smoke and not settings.db_url,
                      watch_changes=not smoke, actor=signed_in and signed_in.actor,
                      opened=signed_in and signed_in.opened)
    if signed_in is not None:
        console.desktop = DesktopIntegration(console, signed_in)
    if smoke:
        from console.smoke import run_smoke_test

        return run_smoke_test(app, console)
    reporter = report_failures_in(console.window)
    console.start()
    quit_on_signals(app)
    try:
        code = app.exec()
    finally:
        reporter.uninstall()
        console.shutdown()
    return code


def quit_on_signals(app: QApplication) -> None:
    """SIGTERM (logout, systemd, kill) and SIGINT end the console cleanly. Python runs signal
    handlers only when it gets control, so a timer hands it control twice a second."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: app.quit())
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(500)
