"""After PostgreSQL comes back, the console refreshes its figures and clears the error
banner at once, without waiting for a data change (issue 13, item 9). The database is
reached through a TCP proxy on loopback that the test cuts and restores."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from tests.test_gui_helpers import build_demo_database, open_console, wait_all_loaded

pytestmark = pytest.mark.gui


class CuttableProxy:
    """Forwards loopback connections to a server; cut() drops them all and refuses new ones
    until restore()."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []
        self._start(self._accept)

    def _start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self.threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open.is_set():
                client.close()
                continue
            server = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, server]
            self._start(self._pump, client, server)
            self._start(self._pump, server, client)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.open.clear()
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def restore(self) -> None:
        self.open.set()

    def close(self) -> None:
        self.cut()
        self.listener.close()
        for thread in self.threads:
            thread.join(5)


def test_figures_refresh_and_the_banner_clears_when_postgres_returns(qtbot, pg_url, tmp_path,
                                                                     monkeypatch):
    import console.data_bus

    monkeypatch.setattr(console.data_bus, "RETRY_SECONDS", 0.2)
    build_demo_database(pg_url, items=200)
    url = make_url(pg_url)
    proxy = CuttableProxy(url.host, url.port)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    console = open_console(qtbot, proxied, tmp_path, watch_changes=True)
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
        console.shutdown()
        proxy.close()
