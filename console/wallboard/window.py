"""The wallboard window: full-screen, read-only, refreshing itself, stale when the DB is away."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from console.context import ConsoleContext
from console.tasks import describe_error
from console.wallboard.figures import WallboardFigures, load_figures
from console.wallboard.keep_awake import ScreenAwake
from console.wallboard.widgets import BreachPage, TilesPage, WorkloadPage, pixel_font
from core.timeutil import from_us

log = logging.getLogger("support_console.wallboard")
TITLE = "Support Console"
RETRY_MS = 10_000

STYLE = """
QWidget#wallboard { background: #0d1117; }
QWidget#wallboard QLabel { color: #e6edf3; }
QFrame#wallTile { background: #1c2733; border: 4px solid #3d4b5c; border-radius: 14px; }
QFrame#wallTile[state="caution"] { background: #f5b800; border: 8px dashed #111111; }
QWidget#wallboard QFrame#wallTile[state="caution"] QLabel { color: #111111; }
QFrame#wallTile[state="warning"] { background: #c4161c; border: 10px solid #ffffff; }
QWidget#wallboard QFrame#wallTile[state="warning"] QLabel { color: #ffffff; }
QLabel#wallStale { background: #ffd400; border: 6px solid #000000; padding: 6px 16px; }
QWidget#wallboard QLabel#wallStale { color: #000000; }
"""


def choose_screen(wanted: str) -> QScreen:
    """The screen named (or numbered from 0) by the setting; the primary one otherwise."""
    screens = QGuiApplication.screens()
    for index, screen in enumerate(screens):
        if wanted.strip() in (screen.name(), str(index)):
            return screen
    if wanted.strip():
        log.info("wallboard_screen %r: no such screen (%s); using the primary one", wanted,
                 ", ".join(screen.name() for screen in screens))
    return QGuiApplication.primaryScreen()


class WallboardWindow(QWidget):
    """Reads only: no action here writes, and no dialog or sign-in can stop it."""

    figures_shown = Signal()
    went_stale = Signal(str)

    def __init__(self, context: ConsoleContext, *, retry_ms: int = RETRY_MS,
                 parent: QWidget | None = None):
        super().__init__(parent)
        if parent is not None:  # its own top-level window, closed with the console's
            self.setWindowFlag(Qt.WindowType.Window)
        self.context = context
        self.settings = context.settings
        self.figures: WallboardFigures | None = None
        self.stale_since: int | None = None
        self._loading = self._again = False
        self._closed = False  # after close, nothing loads (a late result asks no reload)
        self.awake = ScreenAwake()
        self.setObjectName("wallboard")
        self.setWindowTitle(TITLE)
        self.setStyleSheet(STYLE)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._init_layout()
        self._init_timers(retry_ms)

    def _init_layout(self) -> None:
        self.heading = QLabel(f"{TITLE} · team figures")
        self.as_of = QLabel("as of …")
        self.as_of.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.stale = QLabel("")
        self.stale.setObjectName("wallStale")
        self.stale.setWordWrap(True)
        self.stale.hide()
        self.pages = QStackedWidget()
        for page in (TilesPage(), BreachPage(), WorkloadPage()):
            self.pages.addWidget(page)
        header = QHBoxLayout()
        header.addWidget(self.heading, 1)
        header.addWidget(self.as_of)
        layout = QVBoxLayout(self)
        # The window keeps its screen's size whatever its labels would like (big fonts).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        for label in (self.heading, self.stale):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.addLayout(header)
        layout.addWidget(self.stale)
        layout.addWidget(self.pages, 1)

    def _init_timers(self, retry_ms: int) -> None:
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(max(5, self.settings.wallboard_refresh_seconds) * 1000)
        self.refresh_timer.timeout.connect(self.refresh)
        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.setInterval(retry_ms)
        self.retry_timer.timeout.connect(self.refresh)
        self.rotate_timer = QTimer(self)
        self.rotate_timer.setInterval(max(0, self.settings.wallboard_rotate_seconds) * 1000)
        self.rotate_timer.timeout.connect(self.next_page)

    @property
    def tiles(self) -> TilesPage:
        return self.pages.widget(0)  # type: ignore[return-value]

    # -- showing ---------------------------------------------------------------------------
    def start(self) -> None:
        """Full-screen on the chosen screen, then figures now and on every change."""
        screen = choose_screen(self.settings.wallboard_screen)
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.awake.hold()
        self.context.bus.data_changed.connect(self.refresh)
        self.refresh_timer.start()
        if self.rotate_timer.interval() > 0:
            self.rotate_timer.start()
        self.refresh()

    @Slot()
    def next_page(self) -> None:
        self.pages.setCurrentIndex((self.pages.currentIndex() + 1) % self.pages.count())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
            self.unsetCursor()
        elif event.key() == Qt.Key.Key_F11:
            self.showFullScreen()
            self.setCursor(Qt.CursorShape.BlankCursor)
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.next_page()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        """Fonts from the window's height; the pages get what the header and marker leave."""
        height = max(200, self.height())
        self.heading.setFont(pixel_font(height // 22, bold=True))
        self.as_of.setFont(pixel_font(height // 22, bold=True))
        self.stale.setFont(pixel_font(height // 30, bold=True))
        page_height = height - height // 10 - (0 if self.stale.isHidden() else height // 9)
        for index in range(self.pages.count()):
            self.pages.widget(index).scale(page_height)

    # -- loading ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        if self._closed:
            return
        if self._loading:
            self._again = True
            return
        self._loading, self._again = True, False
        context = self.context
        now = context.clock()
        self.context.tasks.run_in_background(
            self, lambda: load_figures(context.engine, now, context.settings, context.tz,
                                       context.actor_id),
            self._loaded, self._failed)

    def _done_loading(self) -> None:
        self._loading = False
        if self._again:
            self.refresh()

    def _loaded(self, figures: WallboardFigures) -> None:
        self.figures = figures
        for index in range(self.pages.count()):
            self.pages.widget(index).show_figures(figures)
        self.as_of.setText("as of " + self._clock_text(figures.as_of_us))
        self.stale_since = None
        if not self.stale.isHidden():
            self.stale.hide()
            self._rescale()
        self.retry_timer.stop()
        self._done_loading()
        self.figures_shown.emit()

    def _failed(self, error: BaseException) -> None:
        reason = describe_error(error)
        log.warning("wallboard: cannot load figures: %s", reason)
        if self.stale_since is None:
            self.stale_since = self.context.clock()
        shown = (f"figures as of {self._clock_text(self.figures.as_of_us)}"
                 if self.figures else "no figures yet")
        since = from_us(self.stale_since).astimezone(self.context.tz).strftime("%H:%M:%S")
        self.stale.setText(f"⚠ STALE since {since} — {reason}. Showing {shown}; "
                           f"retrying every {self.retry_timer.interval() // 1000 or 1} s.")
        if self.stale.isHidden():
            self.stale.show()
            self._rescale()
        self.retry_timer.start()
        self._done_loading()
        self.went_stale.emit(reason)

    def _clock_text(self, value_us: int) -> str:
        return from_us(value_us).astimezone(self.context.tz).strftime("%a %d %b %H:%M:%S")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        for timer in (self.refresh_timer, self.retry_timer, self.rotate_timer):
            timer.stop()
        try:
            self.context.bus.data_changed.disconnect(self.refresh)
        except (RuntimeError, TypeError):
            pass  # never started
        self.awake.release()
        super().closeEvent(event)


def install_wallboard_action(main_window, context: ConsoleContext) -> QAction:
    """View > Wallboard in the console: opens the wallboard on the console's services."""
    action = QAction("&Wallboard", main_window)
    action.setShortcut(QKeySequence("Ctrl+Shift+W"))
    action.setVisible(context.supervisor)  # the wallboard is a supervisors' report

    def open_wallboard() -> None:
        board = getattr(main_window, "wallboard", None)
        if board is not None and isValid(board) and board.isVisible():
            board.raise_()
            board.activateWindow()
            return
        board = WallboardWindow(context, parent=main_window)
        board.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        main_window.wallboard = board
        board.start()

    action.triggered.connect(open_wallboard)
    main_window.menus["view"].addAction(action)
    return action
