"""The notification chain: fallbacks, the summary, quiet hours and the pause, click to open."""

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from console.desktop.banner import AlertBanner
from console.desktop.notifications import (
    DesktopNotifier,
    NotificationCenter,
    NotifierUnavailable,
    TrayNotifier,
)
from core.notify_policy import SUMMARY_THRESHOLD
from core.settings import Settings
from core.timeutil import US_PER_MINUTE
from tests.desktop_helpers import NOW

pytestmark = pytest.mark.gui


def _alerts(count):
    return [{"id": n, "kind": "breach", "item_id": f"T{n}",
             "message": f"SLA breach: T{n} missed its resolution target"}
            for n in range(1, count + 1)]


@pytest.fixture
def no_session_bus(monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")


@pytest.fixture
def center(qtbot, no_session_bus):
    clock = {"now": NOW}
    host = QWidget()  # never shown: the banner is a child, as in the main window
    qtbot.addWidget(host)
    banner = AlertBanner(host)
    center = NotificationCenter(Settings(timezone="UTC"), ZoneInfo("UTC"),
                                lambda: clock["now"], banner=banner, tray=None)
    center.clock = clock
    yield center
    center.close()


def test_each_adapter_refuses_in_its_constructor_when_it_cannot_work(qapp, no_session_bus):
    with pytest.raises(NotifierUnavailable, match="D-Bus"):
        DesktopNotifier()
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    with pytest.raises(NotifierUnavailable, match="tray"):
        TrayNotifier(QSystemTrayIcon())


def test_without_bus_and_tray_the_banner_shows_it_and_a_click_opens_the_items(qtbot, center):
    assert center.adapter_names == ["banner"]
    banner = center.chain[0]._banner
    with qtbot.waitSignal(center.delivered) as delivered:
        center.notify_alerts(_alerts(1))
    assert delivered.args[0] == "banner"
    assert not banner.isHidden()
    assert "SLA breach: T1" in banner.label.text()
    with qtbot.waitSignal(center.notice_activated) as activated:
        banner.show_button.click()
    assert activated.args == [("T1",)]


def test_many_new_breaches_make_one_summary(qtbot, center):
    delivered = []
    center.delivered.connect(lambda name, notice: delivered.append(notice))
    center.notify_alerts(_alerts(SUMMARY_THRESHOLD + 4))
    assert [n.summary for n in delivered] == [f"{SUMMARY_THRESHOLD + 4} new SLA breaches"]
    assert len(delivered[0].item_ids) == SUMMARY_THRESHOLD + 4


def test_the_pause_and_quiet_hours_hold_notifications(qtbot, center):
    delivered, held = [], []
    center.delivered.connect(lambda name, notice: delivered.append(notice))
    center.held.connect(lambda reason, count: held.append(reason))
    center.pause_for_an_hour()
    center.notify_alerts(_alerts(1))
    assert held == ["notifications are paused"] and delivered == []
    center.clock["now"] = NOW + 61 * US_PER_MINUTE  # the hour is over
    assert center.paused_until is None
    center.notify_alerts(_alerts(1))
    assert len(delivered) == 1
    center.settings = Settings(timezone="UTC", quiet_hours_start="11:00",
                               quiet_hours_end="09:00")
    center.notify_alerts(_alerts(1))
    assert held[-1] == "quiet hours" and len(delivered) == 1
    center.settings = Settings(notifications_enabled=False)
    center.notify_alerts(_alerts(1))
    assert "turned off" in held[-1]
