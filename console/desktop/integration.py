"""Wires sign-in, tray, notifications, the embedded scheduler and the new views into a console."""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from console.desktop.banner import AlertBanner
from console.desktop.notifications import NotificationCenter
from console.desktop.scheduler_bridge import AlertWatcher, SchedulerBridge
from console.desktop.tray import CloseToTray, TrayIcon
from console.startup import open_database
from console.tasks import TaskRunner, describe_error
from console.views.sign_in_dialog import SignedIn, sign_in_before_window
from core.access import LOCAL_OPERATOR, Actor
from core.errors import SupportConsoleError
from core.schema import agents
from core.secrets import KeyringStore

WATCH_AT_THE_LATEST_MS = 30_000
# Job runs that finish within this of each other refresh the views once: the six runs of a
# catch-up (or the jobs that fire together on the half hour) were six refreshes of every
# view, and their painting paused the window for 250-390 ms at a million items (measured).
RUNS_SETTLE_MS = 1_000

log = logging.getLogger("support_console.desktop")


def sign_in_for(engine, settings, store: KeyringStore | None = None,
                parent: QWidget | None = None) -> SignedIn | None:
    """Before the window: the schema and the database's state (on a worker, once for the
    whole start: `SignedIn.opened` carries it to the console), then who is at the keyboard
    (None: cancelled)."""
    tasks = TaskRunner(engine)
    try:
        state = tasks.run_and_wait(lambda: open_database(engine, with_dashboard=False))
    except (SupportConsoleError, SQLAlchemyError) as exc:
        from PySide6.QtWidgets import QMessageBox

        log.error("the database cannot be opened: %s", describe_error(exc))
        QMessageBox.critical(parent, "Support Console", f"Cannot sign in: the database cannot "
                                                        f"be opened.\n\n{describe_error(exc)}")
        return None
    finally:
        tasks.deleteLater()
    if state.empty:
        return SignedIn(LOCAL_OPERATOR, "The database has no team yet: working as the local "
                                        "operator until people are imported.", opened=state)
    signed_in = sign_in_before_window(engine, settings, store or KeyringStore(), parent,
                                      demo_admin=state.demo_admin)
    return None if signed_in is None else dataclasses.replace(signed_in, opened=state)


class DesktopIntegration(QObject):
    """Everything the desktop adds to one console; `shutdown()` stops it again."""

    def __init__(self, console, signed_in: SignedIn, store: KeyringStore | None = None, *,
                 use_dbus: bool = True):
        super().__init__(console.window)
        self.console = console
        self.window = console.window
        self.context = console.context
        self.actor = signed_in.actor
        self.store = store or KeyringStore()
        self.settings_dialog = None
        self.watching = False
        self.closing = False
        self._init_tray_and_notifications(use_dbus)
        self._init_scheduler()
        self._init_menu()
        self._connect_views()
        self.note = signed_in.note
        self.who_label = QLabel(self._who())
        self.window.add_status_widget(self.who_label)
        console.startup.ready.connect(self.start)
        QApplication.instance().aboutToQuit.connect(self.shutdown)

    def _who(self) -> str:
        actor = self.actor
        return f"{actor.name or actor.id} ({actor.role})" if actor.id else "local operator"

    def _init_tray_and_notifications(self, use_dbus: bool) -> None:
        self.banner = AlertBanner()
        self.window.add_strip(self.banner)
        self.tray = TrayIcon(self.context, self.actor, parent=self)
        self.close_to_tray = CloseToTray(self.window, self.tray)
        if self.tray.available:  # closing the window hides it: File > Quit really quits
            self.window.quit_requested.connect(self.close_to_tray.quit)
        self.notifications = NotificationCenter(
            self.context.settings, self.context.tz, self.context.clock, banner=self.banner,
            tray=self.tray.icon, use_dbus=use_dbus, parent=self)
        self.tray.notifications = self.notifications
        self.notifications.notice_activated.connect(self.open_items)
        log.info("notifications by: %s", ", ".join(self.notifications.adapter_names))

    def _init_scheduler(self) -> None:
        engine = self.context.engine
        self.runs_settled = QTimer(self)
        self.runs_settled.setSingleShot(True)
        self.runs_settled.setInterval(RUNS_SETTLE_MS)
        self.runs_settled.timeout.connect(self.context.bus.announce_local_change)
        self.watcher = AlertWatcher(engine, self.actor.id, parent=self)
        self.watcher.alerts_arrived.connect(self.notifications.notify_alerts)
        self.bridge = SchedulerBridge(engine, self.context.settings, self.watcher,
                                      clock=self._scheduler_clock(), parent=self)
        self.bridge.run_finished.connect(self._on_run_finished)

    def _scheduler_clock(self):
        from console.context import system_clock

        return None if self.context.clock is system_clock else self.context.clock

    def _init_menu(self) -> None:
        self.settings_action = QAction("&Settings…", self.window)
        self.settings_action.triggered.connect(self.open_settings)
        self.window.add_menu_action("tools", self.settings_action)
        self.pause_action = QAction("&Pause notifications for an hour", self.window)
        self.pause_action.setCheckable(True)
        self.pause_action.toggled.connect(self._on_pause_toggled)
        self.notifications.paused_changed.connect(self.pause_action.setChecked)
        self.window.add_menu_action("tools", self.pause_action)
        if self.actor.is_admin:
            self.password_action = QAction("Set a person's pass&word…", self.window)
            self.password_action.triggered.connect(self.open_set_password)
            self.window.add_menu_action("tools", self.password_action)

    def _connect_views(self) -> None:
        for view in list(self.window.views.values()):
            self._connect_view(view)
        self.window.view_built.connect(self._connect_view)  # the views built later
        self.context.bus.data_changed.connect(self._look_for_alerts)

    def _connect_view(self, view) -> None:
        if view.key == "jobs":
            view.attach_scheduler(self.bridge)
        elif view.key == "alerts":
            view.items_open_requested.connect(self.open_items)
            view.unread_changed.connect(
                lambda unread: self.window.set_navigation_badge("alerts", unread))

    # -- life cycle ----------------------------------------------------------------------------
    @Slot()
    def start(self, state=None) -> None:
        """Once the database is open: new alerts count from now, then the jobs start."""
        if state is not None and state.demo_admin is not None and self.actor.id is None:
            self._become_demo_admin(state.demo_admin)
        if self.note:
            self.window.banner.show_info(self.note)
        # Watching alerts, the tray's count and the scheduler (whose catch-up runs are heavy)
        # wait for the console's first load: their threads would share the GIL with its
        # drawing and slow it several-fold. (A load that never ends delays them 30 s at most.)
        self.window.after_first_load(self._start_watching)
        QTimer.singleShot(WATCH_AT_THE_LATEST_MS, self, self._start_watching)

    def _start_watching(self) -> None:
        if self.watching or self.closing:
            return
        self.watching = True
        self.context.tasks.read(self, self.watcher.newest_seen, self._watch_from,
                                self._cannot_watch)

    def _watch_from(self, newest_alert_id: int) -> None:
        if self.closing:  # the answer came after quitting: start no scheduler now
            return
        self.watcher.start_from(newest_alert_id)  # alerts that exist already are not news
        self.tray.refresh()
        if self.bridge.start():
            self.window.status_area.showMessage("Jobs run in this console.", 6000)

    def _cannot_watch(self, error: BaseException) -> None:
        self._failed("Alerts cannot be watched", error)
        self._watch_from(0)

    def _failed(self, what: str, error: BaseException) -> None:
        log.error("%s", what, exc_info=error)
        self.window.banner.show_error(f"{what}: {describe_error(error)}")

    def _become_demo_admin(self, admin: Actor) -> None:
        """Demo data was just loaded into the empty database: sign its admin in, as a
        demo database does at start, instead of staying the anonymous local operator."""
        self.actor = admin
        self.context.actor_id, self.context.supervisor = admin.id, admin.is_supervisor
        self.watcher.recipient_id = admin.id
        self.tray.actor = admin
        self.who_label.setText(self._who())
        self.note = f"Demo database: signed in as {admin.name or admin.id} (admin), no password."
        self.window.refresh_all()  # the alert list now has someone to show alerts for

    @Slot()
    def shutdown(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.runs_settled.stop()
        self.bridge.stop()
        self.notifications.close()
        self.tray.hide()

    # -- actions -------------------------------------------------------------------------------
    @Slot(tuple)
    def open_items(self, item_ids: tuple) -> None:
        """Bring the window up on the breaches view with these items selected."""
        self.close_to_tray.show_window()
        self.window.show_items(item_ids)

    @Slot()
    def open_settings(self) -> None:
        from console.views.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context.settings, self.actor, self.store,
                                tasks=self.context.tasks, context=self.context,
                                parent=self.window)
        dialog.settings_saved.connect(self._on_settings_saved)
        dialog.saved_note.connect(self._on_settings_note)
        dialog.finished.connect(dialog.deleteLater)
        self.settings_dialog = dialog
        dialog.open()

    @Slot()
    def open_set_password(self) -> None:
        from console.views.sign_in_dialog import SetPasswordDialog

        def open_dialog(ids: list[str]) -> None:
            dialog = SetPasswordDialog(self.context.tasks, self.actor, ids, self.window)
            dialog.password_set.connect(
                lambda person: self.window.status_area.showMessage(
                    f"Password of {person} set.", 6000))
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()

        # The team's ids are read off the GUI thread, as every query is (a failure goes to
        # the window's banner, as every task's does).
        self.context.tasks.read(
            self, lambda session: list(session.scalars(select(agents.c.id).order_by(agents.c.id))),
            open_dialog)

    # -- events --------------------------------------------------------------------------------
    @Slot(object)
    def _on_settings_saved(self, settings) -> None:
        self.context.settings = settings
        self.notifications.settings = settings
        self.bridge.apply_settings(settings)
        self.context.bus.announce_local_change()
        self.window.status_area.showMessage("Settings saved.", 6000)

    @Slot(str)
    def _on_settings_note(self, note: str) -> None:
        if note:
            self.window.status_area.showMessage(f"Settings saved. {note}.", 15_000)

    @Slot(dict)
    def _on_run_finished(self, outcome: dict) -> None:
        if outcome.get("outcome") == "ok":
            self.runs_settled.start()  # (re)started: one refresh once the runs settle

    @Slot()
    def _look_for_alerts(self) -> None:
        """Alerts another console's jobs queued for this person arrive as data changes."""
        if self.actor.id is None:
            return
        self.context.tasks.run_in_background(
            self, self.watcher.check, None,
            lambda error: self._failed("New alerts cannot be read", error))

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool) -> None:
        if paused and self.notifications.paused_until is None:
            self.notifications.pause_for_an_hour()
        elif not paused and self.notifications.paused_until is not None:
            self.notifications.resume()
