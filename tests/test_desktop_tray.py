"""The tray: its breach count follows the database; on a real tray, close keeps running."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.desktop.tray import TrayIcon, badge_icon
from core.access import Actor
from tests.desktop_helpers import breach_now, team_engine

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


def test_the_breach_count_follows_the_database_even_without_a_tray(qtbot, context):
    tray = TrayIcon(context, Actor("admin", "admin"))
    assert not tray.available  # offscreen: no tray, and nothing breaks
    with qtbot.waitSignal(tray.count_changed) as counted:
        tray.refresh()
    assert counted.args == [0]
    breach_now(context.engine, "T-1", assignee="agent001")
    breach_now(context.engine, "T-2", assignee="agent002")
    with qtbot.waitSignal(tray.count_changed) as counted:
        context.bus.announce_local_change()
    assert counted.args == [2]
    assert tray.tooltip() == "Support Console: 2 active SLA breaches"
    agent = TrayIcon(context, Actor("agent001", "agent"))  # an agent counts their own
    with qtbot.waitSignal(agent.count_changed) as counted:
        agent.refresh()
    assert counted.args == [1]


def test_the_badge_is_drawn(qapp):
    assert not badge_icon(3).isNull() and not badge_icon(0).isNull()


@pytest.mark.desktop
@pytest.mark.skipif(os.environ.get("SUPPORT_CONSOLE_DESKTOP_SESSION") != "1",
                    reason="needs the desktop session of .ci/gui-session.sh")
def test_on_a_real_tray_the_icon_counts_breaches_and_closing_keeps_running(sqlite_url):
    team_engine(sqlite_url).dispose()
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "tests.desktop_driver", "tray", sqlite_url],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["available"] is True
    assert (result["count_before"], result["count_after"]) == (0, 1)
    assert result["tooltip_after"] == "Support Console: 1 active SLA breach"
    assert result["adapters"] == ["tray", "banner"]
    assert result["delivered_by"] == "tray"
    assert result["hidden_not_quit"] is True
    assert result["quit_on_last_window_closed"] is False
    assert result["menu"] == ["Open Support Console", "Pause notifications for an hour", "Quit"]
