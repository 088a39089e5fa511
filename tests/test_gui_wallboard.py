"""The wallboard window under the offscreen platform: full-screen, live through the data bus,
stale while PostgreSQL is away and back by itself."""

from __future__ import annotations

import subprocess
import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from console.context import ConsoleContext, Period
from console.data_bus import DataBus
from console.tasks import TaskRunner
from console.wallboard.window import WallboardWindow
from core.db import make_engine, write_transaction
from core.models import Meta
from core.settings import Settings
from tests.desktop_helpers import NOW, breach_now, team_engine
from tests.gui_helpers import build_demo_database, wait_all_loaded
from tests.jobs_helpers import ROOT, cli_command, cli_env
from tests.tcp_proxy import CuttableProxy

pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def open_board(qtbot):
    """open_board(url, **settings) -> a started WallboardWindow on its own services."""
    opened = []

    def open_(url: str, retry_ms: int = 10_000, **settings) -> WallboardWindow:
        engine = make_engine(url)
        tasks = TaskRunner(engine)
        context = ConsoleContext(engine=engine, settings=Settings(timezone="UTC", **settings),
                                 tasks=tasks, bus=DataBus(), period=Period(1),
                                 clock=lambda: NOW)
        board = WallboardWindow(context, retry_ms=retry_ms)
        qtbot.addWidget(board)
        opened.append(board)
        with qtbot.waitSignal(board.figures_shown, timeout=20_000):
            board.start()
        return board

    yield open_
    for board in opened:
        board.close()
        board.context.bus.stop_watching()
        board.context.tasks.wait_for_done()
        board.context.engine.dispose()


def watch_other_connections(qtbot, bus, engine, other) -> None:
    """Start the bus's watcher and wait until it hears another connection's commit (a
    commit before the watcher has read its first data_version would go unnoticed)."""
    bus.watch(engine)
    for attempt in range(30):
        with write_transaction(other) as session:
            session.merge(Meta(key="wallboard-test", value=str(attempt)))
        try:
            with qtbot.waitSignal(bus.data_changed, timeout=2_000):
                pass
            return
        except qtbot.TimeoutError:
            continue
    raise AssertionError("the data bus never heard another connection's commit")


def value(board: WallboardWindow, name: str) -> str:
    return board.tiles.tiles[name].value.text()


def test_it_opens_full_screen_on_its_screen_read_only_and_escape_leaves_full_screen(
        qtbot, sqlite_url, open_board):
    team_engine(sqlite_url).dispose()
    board = open_board(sqlite_url)

    assert board.windowTitle() == "Support Console"
    assert board.isFullScreen()
    assert board.geometry() == board.screen().geometry()
    assert board.cursor().shape() == Qt.CursorShape.BlankCursor
    assert value(board, "open_items") == "0"
    assert board.tiles.tiles["active_breaches"].badge.text() == "● OK"
    assert board.as_of.text() == "as of Mon 30 Nov 10:00:00"
    assert not board.stale.isVisible()

    qtbot.keyClick(board, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not board.isFullScreen())
    assert board.cursor().shape() != Qt.CursorShape.BlankCursor


def test_a_breach_landing_through_the_data_bus_turns_its_tile_caution_then_warning(
        qtbot, sqlite_url, open_board):
    engine = team_engine(sqlite_url)
    board = open_board(sqlite_url, wallboard_thresholds="active_breaches=1:3")
    watch_other_connections(qtbot, board.context.bus, board.context.engine, engine)
    tile = board.tiles.tiles["active_breaches"]
    assert tile.state == "normal"

    breach_now(engine, "WB-1")
    qtbot.waitUntil(lambda: tile.state == "caution", timeout=10_000)
    assert (value(board, "active_breaches"), tile.badge.text()) == ("1", "▲ CAUTION")

    breach_now(engine, "WB-2")
    breach_now(engine, "WB-3")
    qtbot.waitUntil(lambda: tile.state == "warning", timeout=10_000)
    assert (value(board, "active_breaches"), tile.badge.text()) == ("3", "■ WARNING")
    assert tile.property("state") == "warning"
    engine.dispose()


def test_the_stale_marker_shows_while_postgresql_is_away_and_goes_when_it_is_back(
        qtbot, pg_url, open_board):
    engine = team_engine(pg_url)
    breach_now(engine, "WB-1")
    engine.dispose()
    url = make_url(pg_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        board = open_board(url.set(host="127.0.0.1", port=proxy.port)
                           .render_as_string(hide_password=False), retry_ms=300)
        assert value(board, "active_breaches") == "1"
        shown_as_of = board.as_of.text()

        proxy.cut()
        with qtbot.waitSignal(board.went_stale, timeout=20_000):
            board.refresh()  # what the timer or the data bus does
        assert board.stale.isVisible()
        assert "STALE" in board.stale.text() and "10:00:00" in board.stale.text()
        assert value(board, "active_breaches") == "1"  # the last figures stay up
        assert board.as_of.text() == shown_as_of

        proxy.restore()  # the database is back
        with qtbot.waitSignal(board.figures_shown, timeout=20_000):
            pass  # the window retries by itself
        assert not board.stale.isVisible()
        assert value(board, "active_breaches") == "1"
    finally:
        proxy.close()


def test_gui_wallboard_opens_full_screen_titled_support_console_without_sign_in(sqlite_url):
    team_engine(sqlite_url).dispose()
    env = cli_env(QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    done = subprocess.run(cli_command(sqlite_url, "gui", "--wallboard", "--smoke-test"),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "'Support Console', full-screen" in done.stdout
    assert "9 tiles" in done.stdout
    assert time.monotonic() - started < 60


def test_view_menu_opens_the_wallboard_on_the_consoles_services(qtbot, sqlite_url, open_console):
    build_demo_database(sqlite_url)
    console = open_console(sqlite_url)
    wait_all_loaded(qtbot, console)  # no view is loading when the console shuts down
    action = next(a for a in console.window.menus["view"].actions() if a.text() == "&Wallboard")
    action.trigger()
    board = console.window.wallboard
    with qtbot.waitSignal(board.figures_shown, timeout=20_000):
        pass
    assert board.isFullScreen() and board.context is console.context
    assert int(value(board, "open_items").replace(",", "")) > 0
    board.close()
