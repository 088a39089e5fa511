"""On a real desktop session (.ci/gui-session.sh): Notify on the bus, its click, the fallback."""

import os
import subprocess
import threading

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.low_level import HeaderFields, MessageType
from PySide6.QtWidgets import QWidget

from console.desktop.banner import AlertBanner
from console.desktop.notifications import NotificationCenter
from console.desktop.scheduler_bridge import AlertWatcher, SchedulerBridge
from core.db import session_scope
from core.settings import Settings
from core.timeutil import zone
from jobs.scheduler import JobScheduler
from tests.desktop_helpers import NOW, breach_now, team_engine

pytestmark = [
    pytest.mark.desktop,
    pytest.mark.gui,
    pytest.mark.skipif(os.environ.get("SUPPORT_CONSOLE_DESKTOP_SESSION") != "1",
                       reason="needs the desktop session of .ci/gui-session.sh"),
]

NOTIFY_RULE = ("type='method_call',interface='org.freedesktop.Notifications',"
               "member='Notify'")


class NotifyMonitor:
    """A second connection made a bus monitor: collects every Notify call on the bus."""

    def __init__(self):
        self.conn = open_dbus_connection("SESSION")
        monitoring = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                                 interface="org.freedesktop.DBus.Monitoring")
        reply = self.conn.send_and_get_reply(
            new_method_call(monitoring, "BecomeMonitor", "asu", ([NOTIFY_RULE], 0)))
        assert reply.header.message_type == MessageType.method_return, reply.body
        self.calls: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                message = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            fields = message.header.fields
            if fields.get(HeaderFields.member) == "Notify":
                app, _replaces, _icon, summary, body, actions, _hints, _timeout = message.body
                self.calls.append({"app": app, "summary": summary, "body": body,
                                   "actions": list(actions), "sender": fields.get(
                                       HeaderFields.sender)})

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.conn.close()


@pytest.fixture
def monitor():
    monitor = NotifyMonitor()
    yield monitor
    monitor.close()


@pytest.fixture
def banner(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    yield AlertBanner(host)


def _scheduler(engine, settings, **kwargs):
    return JobScheduler(engine, settings, catch_up_on_start=False, **kwargs)


def test_a_breach_found_by_the_embedded_scheduler_is_a_notify_call_and_its_click_opens_it(
        qtbot, sqlite_url, monitor, banner):
    engine = team_engine(sqlite_url)
    settings = Settings(timezone="UTC")
    center = NotificationCenter(settings, zone("UTC"), lambda: NOW, banner=banner)
    assert center.adapter_names[0] == "desktop"
    watcher = AlertWatcher(engine, "admin")
    with session_scope(engine) as session:  # alerts that exist already are not news
        watcher.start_from(watcher.newest_seen(session))
    watcher.alerts_arrived.connect(center.notify_alerts)
    bridge = SchedulerBridge(engine, settings, watcher, clock=lambda: NOW,
                             scheduler_factory=_scheduler)
    try:
        breach_now(engine, "T-BREACH", assignee="agent001")
        assert bridge.start()
        with qtbot.waitSignal(center.delivered, timeout=20_000) as delivered:
            bridge.run_now("check-sla-breaches")
        assert delivered.args[0] == "desktop"
        qtbot.waitUntil(lambda: bool(monitor.calls), timeout=10_000)
        call = monitor.calls[-1]
        assert call["app"] == "Support Console"
        assert call["summary"] == "SLA breach: T-BREACH"
        assert "missed its first response target" in call["body"]
        assert call["actions"][:1] == ["default"]
        notifier = center.chain[0]
        assert [i for i in notifier._items if i > 0], "Notify returned no notification id"
        # Clicking it (dunst's default action) comes back as ActionInvoked: open the item.
        with qtbot.waitSignal(center.notice_activated, timeout=10_000) as activated:
            subprocess.run(["dunstctl", "action", "0"], check=True, timeout=10)
        assert activated.args == [("T-BREACH",)]
    finally:
        bridge.stop()
        center.close()
        engine.dispose()


def test_with_no_notification_service_the_fallback_is_used(qtbot, monkeypatch, banner):
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = daemon.stdout.readline().strip()
        assert address.startswith("unix:")
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)  # a bus without dunst
        center = NotificationCenter(Settings(), zone("UTC"), lambda: NOW, banner=banner)
        try:
            assert "desktop" not in center.adapter_names
            with qtbot.waitSignal(center.delivered) as delivered:
                center.notify_alerts([{"id": 1, "kind": "reassigned", "item_id": "T9",
                                       "message": "Item T9 moved from a to b"}])
            assert delivered.args[0] == center.adapter_names[0]
            assert delivered.args[1].summary == "Reassigned to you: T9"
        finally:
            center.close()
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stdout.close()
