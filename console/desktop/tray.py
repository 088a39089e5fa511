"""The tray icon: the active-breach count, open / pause notifications / quit, close to tray."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from core.access import Actor
from core.notify_policy import active_breach_count
from core.timeutil import from_us

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"


def app_icon() -> QIcon:
    """The application icon from resources/icons (every size there is)."""
    icon = QIcon()
    for path in sorted(ICON_DIR.glob("support-console-*.png")):
        icon.addFile(str(path))
    return icon


def badge_icon(count: int, size: int = 64) -> QIcon:
    """The app icon with a red count in the corner (none when count is 0)."""
    pixmap = app_icon().pixmap(size, size)
    if count <= 0:
        return QIcon(pixmap)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    badge = QRectF(size * 0.38, size * 0.38, size * 0.62, size * 0.62)
    painter.setBrush(QColor("#c62828"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(badge)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.36 if count < 100 else 0.26)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(count) if count < 1000 else "999+")
    painter.end()
    return QIcon(pixmap)


class TrayIcon(QObject):
    """Shows the signed-in person's active breaches; lives only where a tray exists."""

    count_changed = Signal(int)
    open_requested = Signal()
    quit_requested = Signal()

    def __init__(self, ctx, actor: Actor, notifications=None, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.notifications = notifications
        self.count: int | None = None
        self.icon: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._init_icon()
        ctx.bus.data_changed.connect(self.refresh)

    @property
    def available(self) -> bool:
        return self.icon is not None

    def _init_icon(self) -> None:
        self.icon = QSystemTrayIcon(badge_icon(0), self)
        self.icon.setToolTip("Support Console")
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self._rebuild_menu)
        self._rebuild_menu()
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.show()

    @Slot()
    def _rebuild_menu(self) -> None:
        """Rebuilt each time it opens, so the pause entry says what is true now."""
        self.menu.clear()
        self.menu.addAction("Open Support Console", self.open_requested.emit)
        if self.notifications is not None:
            until = self.notifications.paused_until
            if until is None:
                self.menu.addAction("Pause notifications for an hour",
                                    self.notifications.pause_for_an_hour)
            else:
                local = from_us(until).astimezone(self.ctx.tz).strftime("%H:%M")
                self.menu.addAction(f"Resume notifications (paused until {local})",
                                    self.notifications.resume)
        self.menu.addSeparator()
        quit_action = QAction("Quit", self.menu)
        quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(quit_action)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    @Slot()
    def refresh(self) -> None:
        """Count the active breaches again (in the background)."""
        actor, clock, warn = self.actor, self.ctx.clock, self.ctx.settings.warn_percent
        self.ctx.tasks.read(
            self, lambda session: active_breach_count(session, actor, clock(), warn),
            self.set_count, lambda error: None)

    @Slot(int)
    def set_count(self, count: int) -> None:
        if count == self.count:
            return
        self.count = count
        if self.icon is not None:
            self.icon.setIcon(badge_icon(count))
            self.icon.setToolTip(self.tooltip())
        self.count_changed.emit(count)

    def tooltip(self) -> str:
        if not self.count:
            return "Support Console: no active SLA breaches"
        plural = "es" if self.count != 1 else ""
        return f"Support Console: {self.count} active SLA breach{plural}"

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()


class CloseToTray(QObject):
    """Event filter: closing the window hides it while a tray icon exists; Quit really quits."""

    def __init__(self, window: QWidget, tray: TrayIcon):
        super().__init__(window)
        self.window = window
        self.tray = tray
        self.quitting = False
        window.installEventFilter(self)
        tray.open_requested.connect(self.show_window)
        tray.quit_requested.connect(self.quit)
        # Without a tray, closing the last window quits as usual (Vorta #2204).
        QApplication.instance().setQuitOnLastWindowClosed(not tray.available)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.window and event.type() == QEvent.Type.Close
                and self.tray.available and not self.quitting):
            event.ignore()
            self.window.hide()
            return True
        return False

    @Slot()
    def show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    @Slot()
    def quit(self) -> None:
        self.quitting = True
        self.tray.hide()
        self.window.close()
        QApplication.instance().quit()
