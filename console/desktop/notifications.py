"""Desktop notifications as a chain: freedesktop D-Bus, then the tray's message, then a banner."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from queue import Queue

from jeepney.low_level import HeaderFields, MessageType
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QSystemTrayIcon

from core.notify_policy import PAUSE_MINUTES, Notice, notices_for, silenced_reason
from core.timeutil import US_PER_MINUTE

log = logging.getLogger("support_console.notifications")

APP_NAME = "Support Console"
DESKTOP_ENTRY = "support-console"
NOTIFY_SERVICE = "org.freedesktop.Notifications"
NOTIFY_PATH = "/org/freedesktop/Notifications"
DBUS_TIMEOUT_SECONDS = 5.0
OPEN_ACTION = "default"


class NotifierUnavailable(Exception):
    """This way of notifying cannot work here (raised by an adapter's constructor)."""


class NotifyFailed(Exception):
    """One notification could not be shown; the chain tries the next adapter."""


class DesktopNotifier(QObject):
    """freedesktop notifications over the D-Bus session bus (jeepney), with click actions."""

    name = "desktop"
    activated = Signal(tuple)  # item ids of the clicked notification
    _signal_received = Signal(str, int, str)  # member, notification id, action key

    def __init__(self, icon: str = DESKTOP_ENTRY, parent: QObject | None = None):
        super().__init__(parent)
        from jeepney import DBusAddress, MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            self._router = DBusRouter(open_dbus_connection("SESSION"))
        except Exception as exc:  # noqa: BLE001 - no bus, bad address, refused: all unusable
            raise NotifierUnavailable(f"no D-Bus session bus ({type(exc).__name__})")
        try:
            reply = self._call(message_bus.NameHasOwner(NOTIFY_SERVICE))
            if not reply.body[0]:
                raise NotifierUnavailable(f"no notification service ({NOTIFY_SERVICE}) running")
            self._address = DBusAddress(NOTIFY_PATH, bus_name=NOTIFY_SERVICE,
                                        interface=NOTIFY_SERVICE)
            self._owner = self._call(message_bus.GetNameOwner(NOTIFY_SERVICE)).body[0]
            self._queue: Queue = Queue()
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = MatchRule(type="signal", interface=NOTIFY_SERVICE, path=NOTIFY_PATH,
                                 member=member)
                self._call(message_bus.AddMatch(rule))
                self._router.filter(rule, queue=self._queue)
        except NotifierUnavailable:
            self._close_router()
            raise
        except Exception as exc:  # noqa: BLE001
            self._close_router()
            raise NotifierUnavailable(f"the notification service does not answer "
                                      f"({type(exc).__name__})")
        self._icon = icon
        self._items: dict[int, tuple[str, ...]] = {}
        self._signal_received.connect(self._on_signal)
        self._listener = threading.Thread(target=self._listen, daemon=True,
                                          name="notification-signals")
        self._listener.start()

    def _call(self, message):
        reply = self._router.send_and_get_reply(message, timeout=DBUS_TIMEOUT_SECONDS)
        if reply.header.message_type == MessageType.error:
            raise NotifyFailed(f"D-Bus error: {reply.header.fields}")
        return reply

    def show(self, notice: Notice) -> int:
        """Send Notify; returns the id the server gave the notification."""
        from jeepney import new_method_call

        actions = [OPEN_ACTION, "Open"] if notice.item_ids else []
        hints = {"desktop-entry": ("s", DESKTOP_ENTRY), "urgency": ("y", 1)}
        message = new_method_call(self._address, "Notify", "susssasa{sv}i", (
            APP_NAME, 0, self._icon, notice.summary, notice.body, actions, hints, -1))
        try:
            reply = self._call(message)
        except NotifyFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - timeout, router closed, daemon gone
            raise NotifyFailed(f"Notify failed: {type(exc).__name__}")
        notification_id = int(reply.body[0])
        self._items[notification_id] = notice.item_ids
        return notification_id

    def _listen(self) -> None:  # on its own thread: only emits
        while True:
            message = self._queue.get()
            if message is None:
                return
            fields = message.header.fields
            if fields.get(HeaderFields.sender) != self._owner:
                continue  # only the notification service itself may say "clicked"
            member = str(fields.get(HeaderFields.member))
            action = str(message.body[1]) if member == "ActionInvoked" else ""
            self._signal_received.emit(member, int(message.body[0]), action)

    @Slot(str, int, str)
    def _on_signal(self, member: str, notification_id: int, action: str) -> None:
        if notification_id not in self._items:
            return
        items = self._items.pop(notification_id) if member == "NotificationClosed" else \
            self._items.get(notification_id, ())
        if member == "ActionInvoked" and action == OPEN_ACTION:
            self.activated.emit(items)

    def _close_router(self) -> None:
        self._router.close()
        self._router.conn.close()

    def close(self) -> None:
        self._queue.put(None)
        self._listener.join(timeout=5)
        self._close_router()


class TrayNotifier(QObject):
    """The tray icon's own message bubble (needs a visible tray icon)."""

    name = "tray"
    activated = Signal(tuple)

    def __init__(self, tray: QSystemTrayIcon | None, parent: QObject | None = None):
        super().__init__(parent)
        if tray is None or not QSystemTrayIcon.isSystemTrayAvailable() or not tray.isVisible():
            raise NotifierUnavailable("no system tray")
        if not QSystemTrayIcon.supportsMessages():
            raise NotifierUnavailable("the tray cannot show messages")
        self._tray = tray
        self._items: tuple[str, ...] = ()
        tray.messageClicked.connect(self._on_clicked)

    def show(self, notice: Notice) -> None:
        self._items = notice.item_ids
        self._tray.showMessage(notice.summary, notice.body,
                               QSystemTrayIcon.MessageIcon.Warning, 10_000)

    @Slot()
    def _on_clicked(self) -> None:
        self.activated.emit(self._items)

    def close(self) -> None:
        self._tray.messageClicked.disconnect(self._on_clicked)


class BannerNotifier(QObject):
    """The in-app banner: the last link of the chain, it cannot fail."""

    name = "banner"
    activated = Signal(tuple)

    def __init__(self, banner, parent: QObject | None = None):
        super().__init__(parent)
        self._banner = banner
        banner.open_requested.connect(self.activated)

    def show(self, notice: Notice) -> None:
        self._banner.show_notice(notice)

    def close(self) -> None:
        self._banner.open_requested.disconnect(self.activated)


class NotificationCenter(QObject):
    """Turns new alerts into notices, honours the settings and the pause, delivers by the chain."""

    notice_activated = Signal(tuple)  # item ids: open the breaches view on them
    delivered = Signal(str, object)  # adapter name, Notice
    held = Signal(str, int)  # why nothing was shown, how many alerts were held
    paused_changed = Signal(bool)

    def __init__(self, settings, tz, clock: Callable[[], int], *, banner,
                 tray: QSystemTrayIcon | None = None, use_dbus: bool = True,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self._tz = tz
        self._clock = clock
        self._paused_until: int | None = None
        factories = [lambda: TrayNotifier(tray), lambda: BannerNotifier(banner)]
        if use_dbus:
            factories.insert(0, DesktopNotifier)
        self.chain = []
        for factory in factories:
            try:
                adapter = factory()
            except NotifierUnavailable as exc:
                log.info("notifications: %s", exc)
                continue
            adapter.activated.connect(self.notice_activated)
            self.chain.append(adapter)

    @property
    def adapter_names(self) -> list[str]:
        return [adapter.name for adapter in self.chain]

    @property
    def paused_until(self) -> int | None:
        if self._paused_until is not None and self._clock() >= self._paused_until:
            self._paused_until = None
        return self._paused_until

    @Slot()
    def pause_for_an_hour(self) -> None:
        self._paused_until = self._clock() + PAUSE_MINUTES * US_PER_MINUTE
        self.paused_changed.emit(True)

    @Slot()
    def resume(self) -> None:
        self._paused_until = None
        self.paused_changed.emit(False)

    @Slot(list)
    def notify_alerts(self, alerts: list[dict]) -> None:
        """New alerts for the signed-in person: notify now, or hold (they stay in the list)."""
        if not alerts:
            return
        reason = silenced_reason(
            self._clock(), enabled=self.settings.notifications_enabled,
            quiet_start=self.settings.quiet_hours_start,
            quiet_end=self.settings.quiet_hours_end, tz=self._tz,
            paused_until_us=self.paused_until)
        if reason is not None:
            self.held.emit(reason, len(alerts))
            return
        for notice in notices_for(alerts):
            self.deliver(notice)

    def deliver(self, notice: Notice) -> str:
        """Show one notice with the first adapter that manages; the banner always does."""
        for adapter in self.chain:
            try:
                adapter.show(notice)
            except NotifyFailed as exc:
                log.info("notifications: %s failed (%s); trying the next way", adapter.name, exc)
                continue
            self.delivered.emit(adapter.name, notice)
            return adapter.name
        raise RuntimeError("the notification chain has no banner")  # constructed with one

    def close(self) -> None:
        for adapter in self.chain:
            adapter.close()
        self.chain = []
