"""The desktop integration only connects signals to the window's and the views' public slots:
show these items, a navigation badge, a strip and a status widget, File > Quit."""

import pytest
from PySide6.QtWidgets import QLabel

from core.access import Actor
from core.settings import Settings
from jobs.check_sla_breaches import run_check_sla_breaches
from tests.desktop_helpers import NOW, breach_now, team_engine

pytestmark = pytest.mark.gui
ADMIN = Actor("admin", "admin", "Alex Admin")


@pytest.fixture
def desktop(qtbot, sqlite_url, open_desktop):
    engine = team_engine(sqlite_url)
    breach_now(engine, "T-1", assignee="agent001")
    breach_now(engine, "T-2", assignee="agent002")
    run_check_sla_breaches(engine, NOW, Settings(timezone="UTC"))  # alerts for the admin too
    engine.dispose()
    desktop = open_desktop(sqlite_url, ADMIN, scheduler_enabled=False)
    with qtbot.waitSignal(desktop.window.first_load_done, timeout=30_000):
        desktop.console.start()
    return desktop


@pytest.mark.qt_log_ignore("This plugin does not support raise()")  # offscreen
def test_opening_items_shows_the_breaches_view_with_just_them_selected(qtbot, desktop):
    window = desktop.window
    view = window.views["breaches"]
    view.search.setText("nothing matches this")
    with qtbot.waitSignal(view.figures_shown, timeout=10_000):
        desktop.open_items(("T-2",))
    assert window.current_view is view and view.search.text() == ""
    qtbot.waitUntil(lambda: view.selected_item_id() == "T-2", timeout=5_000)
    assert "Selected: T-2." in view.status.text()


def test_unread_alerts_badge_the_navigation_and_the_glue_sits_in_public_places(qtbot, desktop):
    window = desktop.window
    alerts_item = window.navigation.item(window.navigation_row("alerts"))
    qtbot.waitUntil(lambda: alerts_item.text() != "Alerts", timeout=10_000)
    assert alerts_item.text() == "Alerts (2)", alerts_item.text()
    window.set_navigation_badge("alerts", 0)
    assert alerts_item.text() == "Alerts"
    layout = window.centralWidget().layout()
    assert layout.indexOf(desktop.banner) == layout.indexOf(window.banner) + 1
    assert desktop.who_label in window.status_area.findChildren(QLabel)
    tools = [action.text() for action in window.menus["tools"].actions()]
    assert tools[0] == "&Settings…" and window.menus["tools"].menuAction().isVisible()


def test_file_quit_goes_to_whoever_handles_it_else_closes_the_window(qtbot, desktop):
    window = desktop.window
    assert not desktop.tray.available  # offscreen: no tray, so Quit closes as usual
    window.quit_action.trigger()
    assert not window.isVisible()
    window.show()
    asked = []
    window.quit_requested.connect(lambda: asked.append(True))
    window.quit_action.trigger()
    assert asked == [True] and window.isVisible()


def test_a_note_stays_through_a_refresh_and_an_error_goes(qtbot, desktop):
    """The sign-in's note (e.g. the demo's automatic sign-in) was hidden by the first load's
    refresh a moment after it showed; Retry (refresh_all) is for errors only."""
    window = desktop.window
    window.banner.show_info("Demo database: signed in automatically as admin.")
    with qtbot.waitSignal(window.views["dashboard"].figures_shown, timeout=10_000):
        window.refresh_all()
    assert window.banner.text == "Demo database: signed in automatically as admin."
    window.banner.show_error("database error: gone")
    window.refresh_all()
    assert not window.banner.isVisible()
