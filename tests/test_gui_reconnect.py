"""After PostgreSQL comes back, the console refreshes its figures and clears the error
banner at once, without waiting for a data change (issue 13, item 9). The database is
reached through a TCP proxy on loopback that the test cuts and restores."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from tests.gui_helpers import build_demo_database, wait_all_loaded
from tests.tcp_proxy import CuttableProxy

pytestmark = pytest.mark.gui


def test_figures_refresh_and_the_banner_clears_when_postgres_returns(qtbot, pg_url, monkeypatch,
                                                                     open_console):
    import console.data_bus

    monkeypatch.setattr(console.data_bus, "RETRY_SECONDS", 0.2)
    build_demo_database(pg_url, items=200)
    url = make_url(pg_url)
    proxy = CuttableProxy(url.host, url.port)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    console = open_console(proxied, watch_changes=True)
    try:
        wait_all_loaded(qtbot, console)
        window = console.window
        proxy.cut()
        window.refresh_all()
        qtbot.waitUntil(lambda: window.banner.isVisible()
                        and window.banner.property("level") == "error", timeout=20_000)
        qtbot.waitUntil(lambda: not any(v.loading for v in window.views.values()),
                        timeout=20_000)
        before = {key: view.refresh_count for key, view in window.views.items()}
        proxy.restore()  # no data changes: only the reconnection can refresh the figures
        qtbot.waitUntil(lambda: all(view.refresh_count > before[key] and not view.last_error
                                    for key, view in window.views.items()), timeout=20_000)
        qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=5_000)
    finally:
        console.shutdown()  # before the proxy goes
        proxy.close()
