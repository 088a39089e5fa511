"""`support-console gui --smoke-test`, run as the installer build runs it: a separate process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui_helpers import build_demo_database

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_smoke_test_passes_on_demo_data(sqlite_url):
    build_demo_database(sqlite_url)
    result = run_cli("--db", sqlite_url, "gui", "--smoke-test")
    assert result.returncode == 0, result.stderr
    from console.views.registry import VIEW_CLASSES

    assert f"smoke test passed: {len(VIEW_CLASSES)} views loaded and drawn" in result.stdout
    assert "Traceback" not in result.stderr


def test_smoke_test_passes_on_an_empty_database(sqlite_url):
    result = run_cli("--db", sqlite_url, "gui", "--smoke-test")
    assert result.returncode == 0, result.stderr


def test_smoke_test_fails_with_a_reason(tmp_path):
    bad = tmp_path / "not-a-database.db"
    bad.write_bytes(b"this is not SQLite" * 100)
    result = run_cli("--db", f"sqlite:///{bad}", "gui", "--smoke-test")
    assert result.returncode != 0
    assert "smoke test failed" in result.stderr and "not a" in result.stderr
    assert "Traceback" not in result.stderr


def test_gui_demo_loads_demo_data_into_an_empty_database(qtbot, sqlite_url, open_console):
    from core.settings import Settings

    console = open_console(sqlite_url, settings=Settings(db_url=sqlite_url), load_demo=True,
                           start=False)
    with qtbot.waitSignal(console.startup.ready, timeout=60_000) as ready:
        console.start()
    assert ready.args[0].demo and not ready.args[0].empty
    assert ready.args[0].demo_admin.id == "admin"  # signed in as such (DesktopIntegration)
    assert console.window.windowTitle().endswith("DEMO DATA")


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen dialog
def test_first_start_on_the_empty_default_database_offers_demo_data(qtbot, open_console):
    from PySide6.QtWidgets import QMessageBox

    from core.settings import Settings

    console = open_console("", settings=Settings(), offer_demo=True, start=False)
    console.start()
    qtbot.waitUntil(lambda: console.startup.demo_dialog is not None, timeout=30_000)
    with qtbot.waitSignal(console.startup.ready, timeout=60_000) as ready:
        console.startup.demo_dialog.done(QMessageBox.StandardButton.Yes)
    assert ready.args[0].demo
    assert "DEMO DATA" in console.window.windowTitle()
