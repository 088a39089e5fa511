"""While reports over 100,000 items run, the GUI thread never freezes (heartbeat timer).

A guard against freezes, generous enough not to flake on a busy machine: how smooth the
console stays (the longest stall, at a million items) is measured by benchmarks/run.py
(benchmarks/gui_probe.py), against its goal."""

import time

import pytest
from PySide6.QtCore import QTimer

from core.db import ensure_schema, make_engine
from core.demo import load_demo
from tests.gui_helpers import FIXED_NOW

pytestmark = pytest.mark.gui
HEARTBEAT_MS = 10
FREEZE_MS = 2_000  # a beat this late is a frozen window, whatever the machine's load


@pytest.fixture(scope="module")
def big_url(tmp_path_factory):
    """100,000 items, built once for the module (load_demo takes some seconds)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('big') / 'big.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    load_demo(engine, agents=40, items=100_000, seed=5, now_us=FIXED_NOW)
    engine.dispose()
    return url


class Heartbeat:
    """A 10 ms GUI-thread timer that records how late each beat came."""

    def __init__(self):
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = None
        self.worst_ms = 0.0
        self.beats = 0

    def _beat(self):
        now = time.perf_counter()
        if self.last is not None:
            self.worst_ms = max(self.worst_ms, (now - self.last) * 1000 - HEARTBEAT_MS)
        self.last = now
        self.beats += 1

    def start(self):
        self.last = None
        self.timer.start()

    def stop(self):
        self.timer.stop()


def test_gui_thread_never_freezes_while_reports_over_100000_items_run(qtbot, big_url,
                                                                     open_console):
    console = open_console(big_url)
    heartbeat = Heartbeat()
    try:
        qtbot.waitUntil(lambda: all(v.refresh_count for v in console.window.views.values()),
                        timeout=120_000)
        views = list(console.window.views.values())
        console.window.show_view("dashboard")
        started = time.perf_counter()
        heartbeat.start()
        for days in (90, 30, 7, 90):  # every view reloads every report over 100,000 items
            with qtbot.waitSignals([v.figures_shown for v in views], timeout=120_000):
                console.context.period.set_days(days)
        elapsed = time.perf_counter() - started
        heartbeat.stop()
        assert heartbeat.beats >= 10, (heartbeat.beats, elapsed)
        assert heartbeat.worst_ms <= FREEZE_MS, (
            f"GUI thread froze: a {HEARTBEAT_MS} ms heartbeat was {heartbeat.worst_ms:.0f} ms "
            f"late while the reports ran for {elapsed:.1f} s")
    finally:
        heartbeat.stop()
