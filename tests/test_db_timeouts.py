"""Timeouts toward PostgreSQL: a server that never answers, a statement that runs too long."""

from __future__ import annotations

import socket
import threading
import time
from itertools import pairwise

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from core.db import make_engine
from core.settings import Settings
from tests.jobs_helpers import cli


class SilentServer:
    """Accepts TCP connections on loopback and never says a word (a stalled server)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self._listener.accept()
            except OSError:  # closed
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._listener.close()
        for conn in self.accepted:
            conn.close()
        self._thread.join()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_a_server_that_never_answers_fails_a_report_within_20_s_in_one_line(silent_server):
    url = f"postgresql+psycopg://support@127.0.0.1:{silent_server.port}/support"
    started = time.monotonic()
    result = cli(url, "report", "sla", timeout=60)
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    assert silent_server.accepted, "the command never reached the server"
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"127.0.0.1:{silent_server.port}" in lines[0] and "timeout" in lines[0], lines[0]
    assert "db_connect_timeout_seconds" in lines[0]


def test_the_connect_timeout_is_a_setting(silent_server):
    url = f"postgresql+psycopg://support@127.0.0.1:{silent_server.port}/support"
    engine = make_engine(url, settings=Settings(db_connect_timeout_seconds=2))
    started = time.monotonic()
    with pytest.raises(OperationalError, match="timeout"):
        engine.connect().close()
    assert time.monotonic() - started < 6
    engine.dispose()


def test_a_statement_running_past_the_statement_timeout_is_cancelled(pg_url):
    engine = make_engine(pg_url, settings=Settings(db_statement_timeout_seconds=1))
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(5)"))
    finally:
        engine.dispose()


def test_the_default_statement_timeout_applies_and_zero_means_none(pg_url):
    for settings, expected in ((None, "2min"), (Settings(db_statement_timeout_seconds=0), "0")):
        engine = make_engine(pg_url, settings=settings)
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == expected
        engine.dispose()


@pytest.mark.gui
def test_the_console_on_a_server_that_never_answers_says_why_and_stays_responsive(
        qtbot, silent_server, tmp_path):
    from PySide6.QtCore import QSettings, QTimer

    from console.app import Console

    url = f"postgresql+psycopg://support@127.0.0.1:{silent_server.port}/support"
    state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    console = Console(Settings(db_url=url, timezone="UTC", db_connect_timeout_seconds=2),
                      state=state, watch_changes=False)
    beats = []
    heartbeat = QTimer(interval=50, timeout=lambda: beats.append(time.monotonic()))
    heartbeat.start()
    try:
        with qtbot.waitSignal(console.startup.failed, timeout=20_000):
            console.start()
        qtbot.waitUntil(lambda: "timeout" in console.window.banner.text, timeout=5_000)
        assert console.window.isVisible()
        assert "db_connect_timeout_seconds" in console.window.banner.text
        gaps = [later - earlier for earlier, later in pairwise(beats)]
        assert len(beats) > 10 and max(gaps) < 1.0, gaps  # the window kept painting
    finally:
        heartbeat.stop()
        console.shutdown()
