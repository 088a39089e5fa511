"""`gui --smoke-test`: open the window, load and draw every view once, exit 0 or 1 with a reason."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

VIEW_TIMEOUT_MS = 120_000


def _wait(app: QApplication, connect, timeout_ms: int) -> tuple[bool, object]:
    """Run the event loop until connect(done) calls done(ok, value), or the timeout."""
    loop = QEventLoop()
    outcome: list = []

    def done(ok: bool, value: object = None) -> None:
        if not outcome:
            outcome.append((ok, value))
            loop.quit()

    connect(done)
    QTimer.singleShot(timeout_ms, lambda: done(False, f"timed out after {timeout_ms // 1000} s"))
    if not outcome:
        loop.exec()
    return outcome[0]


def run_smoke_test(app: QApplication, console) -> int:
    window = console.window
    try:
        def open_database(done) -> None:
            console.startup.ready.connect(lambda _state: done(True))
            console.startup.failed.connect(lambda message: done(False, message))
            console.window.show()
            console.startup.start()

        ok, reason = _wait(app, open_database, VIEW_TIMEOUT_MS)
        if not ok:
            return _fail(f"opening the database: {reason}")
        window.build_all_views()
        for key, view in window.views.items():
            def load(done, view=view, key=key) -> None:
                view.figures_shown.connect(lambda: done(True))
                view.load_failed.connect(lambda message: done(False, message))
                window.show_view(key)
                view.refresh()

            ok, reason = _wait(app, load, VIEW_TIMEOUT_MS)
            if not ok:
                return _fail(f"view {view.title!r}: {reason}")
            app.processEvents()
            if window.grab().isNull():
                return _fail(f"view {view.title!r}: drawing gave no pixels")
        print(f"smoke test passed: {len(window.views)} views loaded and drawn "
              f"({window.windowTitle()})")
        return 0
    except Exception as exc:  # noqa: BLE001 - the smoke test reports, never a traceback
        return _fail(f"{type(exc).__name__}: {exc}")
    finally:
        console.shutdown()


def _fail(reason: str) -> int:
    print(f"support-console: smoke test failed: {reason}", file=sys.stderr)
    return 1
