"""Runs desktop checks in a child process on the real X display (QT_QPA_PLATFORM=xcb)."""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon

from console.context import ConsoleContext, Period
from console.data_bus import DataBus
from console.desktop.banner import AlertBanner
from console.desktop.notifications import NotificationCenter
from console.desktop.tray import CloseToTray, TrayIcon
from console.tasks import TaskRunner
from core.access import Actor
from core.db import make_engine
from core.notify_policy import Notice
from core.settings import Settings
from tests.desktop_helpers import NOW, breach_now


def wait_for(signal, timeout_ms: int = 15_000) -> list:
    """Run the event loop until signal fires (its arguments) or fail after timeout_ms."""
    loop, got = QEventLoop(), []
    signal.connect(lambda *args: (got.append(args), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if not got:
        raise SystemExit(f"timed out waiting for {signal}")
    return list(got[0])


def wait_until(predicate, timeout_ms: int = 15_000) -> None:
    loop, timer = QEventLoop(), QTimer()
    timer.timeout.connect(lambda: predicate() and loop.quit())
    timer.start(20)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    timer.stop()
    if not predicate():
        raise SystemExit("timed out waiting for a condition")


def tray(url: str) -> dict:
    app = QApplication([])
    wait_until(QSystemTrayIcon.isSystemTrayAvailable)
    engine = make_engine(url)
    tasks = TaskRunner(engine)
    context = ConsoleContext(engine=engine, settings=Settings(timezone="UTC"), tasks=tasks,
                             bus=DataBus(), period=Period(30), clock=lambda: NOW,
                             actor_id="admin")
    window = QMainWindow()
    banner = AlertBanner(window)
    icon = TrayIcon(context, Actor("admin", "admin"))
    closer = CloseToTray(window, icon)
    center = NotificationCenter(context.settings, context.tz, context.clock, banner=banner,
                                tray=icon.icon, use_dbus=False)
    result = {"available": icon.available}
    icon.refresh()
    result["count_before"] = wait_for(icon.count_changed)[0]
    result["tooltip_before"] = icon.icon.toolTip()
    breach_now(engine, "T-TRAY", assignee="agent002")
    context.bus.announce_local_change()
    result["count_after"] = wait_for(icon.count_changed)[0]
    result["tooltip_after"] = icon.icon.toolTip()
    result["adapters"] = center.adapter_names
    result["delivered_by"] = center.deliver(Notice("Test", "body", ("T-TRAY",)))
    window.show()
    wait_until(window.isVisible)
    window.close()
    result["hidden_not_quit"] = not window.isVisible() and not closer.quitting
    result["quit_on_last_window_closed"] = app.quitOnLastWindowClosed()
    menu = [action.text() for action in icon.menu.actions() if action.text()]
    icon.notifications = center
    icon._rebuild_menu()
    result["menu"] = [action.text() for action in icon.menu.actions() if action.text()]
    result["menu_without_notifications"] = menu
    center.close()
    icon.hide()
    tasks.wait_for_done()
    engine.dispose()
    return result


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps({"tray": tray}[command](*args)))
