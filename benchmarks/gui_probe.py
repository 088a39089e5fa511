"""Headless console start: start-to-drawn time and the longest GUI-thread stall.

    QT_QPA_PLATFORM=offscreen BENCH_T0=<epoch seconds at spawn> \
        python benchmarks/gui_probe.py DB_URL NOW_ISO [--timeout S] [--catch-up S]

Runs in its own process (the parent sets BENCH_T0 just before starting it, so the process
start, the imports and the window are all counted). It opens the console the way
`support-console gui` does for the database's first admin (console.app.Console with the
desktop integration: window at once, database opened in the background, every view loading
its figures on the task helper's worker threads; the team dashboard shows its stored
snapshot first; tray, notifications and the embedded scheduler start after the first load). A 10 ms heartbeat QTimer on the GUI thread
measures the longest gap between two ticks from the window's first show until the fresh
figures are drawn. With --catch-up S it then watches S seconds more, while the embedded
scheduler runs the jobs whose periods nobody has run yet (give a NOW later than the last
runs): the longest stall then, and the runs that finished. Prints one JSON object.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

T0 = float(os.environ.get("BENCH_T0") or time.time())
HEARTBEAT_MS = 10


def _since_start() -> float:
    return time.time() - T0


def main(argv: list[str]) -> int:
    url, now_iso = argv[0], argv[1]
    timeout_s = float(argv[argv.index("--timeout") + 1]) if "--timeout" in argv else 300.0
    catch_up_s = float(argv[argv.index("--catch-up") + 1]) if "--catch-up" in argv else 0.0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result: dict = {"imports_s": None, "snapshot_drawn_s": None, "fresh_drawn_s": None,
                    "max_stall_ms": None, "path": None}
    # As `support-console gui` starts: the collector paused until the database is open
    # (core.startup_gc), then console.app, which loads SQLAlchemy and NumPy before Qt (see
    # there why); calls, so that sorting the imports cannot move Qt above them.
    importlib.import_module("core.startup_gc").pause_while_loading()
    importlib.import_module("console.app")
    from PySide6.QtCore import QElapsedTimer, QTimer

    from console.app import Console, application
    from console.desktop.integration import DesktopIntegration
    from console.views.sign_in_dialog import SignedIn
    from core.settings import Settings
    from core.timeutil import parse_now

    now_us = parse_now(now_iso)
    result["imports_s"] = round(_since_start(), 3)
    app = application()

    ticks = {"last": None, "max": 0.0, "n": 0, "running": False}
    clock = QElapsedTimer()
    clock.start()
    stalls = _StallWatch()

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if ticks["running"] and ticks["last"] is not None:
            ticks["max"] = max(ticks["max"], now - ticks["last"])
        ticks["last"] = now
        ticks["n"] += 1
        stalls.beat()

    def probe_work_done() -> None:
        """The probe's own window.grab() is not the console's stall: restart the gap."""
        ticks["last"] = clock.nsecsElapsed() / 1e6
        stalls.beat()
        stalls.paused = False

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)

    def finish(app) -> None:
        ticks["running"] = False
        heartbeat.stop()
        key = "catch_up_max_stall_ms" if "catch_up_runs" in result else "max_stall_ms"
        result[key] = round(ticks["max"], 1)
        result["heartbeats"] = ticks["n"]
        result["stalls"] = stalls.report()
        app.quit()

    def watch_catch_up() -> None:
        """The first load is measured: now the scheduler's catch-up, for catch_up_s."""
        result["max_stall_ms"] = round(ticks["max"], 1)
        ticks["max"] = 0.0
        runs = result.setdefault("catch_up_runs", [])
        console.desktop.bridge.run_finished.connect(lambda outcome: runs.append(
            f"{outcome['job']} {outcome['outcome']} {outcome.get('seconds', '?')} s"))
        QTimer.singleShot(int(catch_up_s * 1000), lambda: finish(app))

    settings = Settings(db_url=url)
    admin = _first_admin(url)
    console = Console(settings, clock=lambda: now_us, watch_changes=False, actor=admin)
    # Signed in, as `support-console gui` is: tray, notifications, the embedded scheduler.
    console.desktop = DesktopIntegration(console, SignedIn(admin))
    window = console.window
    dashboard = window.views["dashboard"]
    window.show_view("dashboard")
    result["path"] = "console.app.Console (dashboard view)"
    original = dashboard.show_snapshot

    def show_snapshot(snapshot, then=None) -> None:
        original(snapshot, then)
        if result["snapshot_drawn_s"] is None:
            QTimer.singleShot(0, snapshot_drawn)

    def snapshot_drawn() -> None:
        if dashboard._drawing:  # the view draws one chart per event-loop turn
            QTimer.singleShot(0, snapshot_drawn)
            return
        stalls.paused = True
        window.grab()  # render every pixel now: "drawn" means tiles and charts drawn
        result["snapshot_drawn_s"] = round(_since_start(), 3)
        probe_work_done()

    dashboard.show_snapshot = show_snapshot
    pending = set(window.view_classes)  # the other views are built after the first paint

    def shown(key: str) -> None:
        if key == "dashboard" and result["fresh_drawn_s"] is None:
            stalls.paused = True
            window.grab()
            result["fresh_drawn_s"] = round(_since_start(), 3)
            probe_work_done()
        if key not in pending:
            return
        pending.discard(key)
        if not pending:
            result["all_views_s"] = round(_since_start(), 3)
            if catch_up_s:
                watch_catch_up()
            else:
                finish(app)

    def failed(key: str, message: str) -> None:
        result.setdefault("errors", []).append(message)
        shown(key)

    def watch(view) -> None:
        view.figures_shown.connect(lambda key=view.key: shown(key))
        view.load_failed.connect(lambda message, key=view.key: failed(key, message))

    for view in window.views.values():
        watch(view)
    window.view_built.connect(watch)
    console.startup.failed.connect(lambda message: (result.setdefault("errors", [])
                                                    .append(message), finish(app)))
    ticks["running"] = True
    heartbeat.start()
    stalls.start()
    console.start()
    QTimer.singleShot(int(timeout_s * 1000), lambda: (result.setdefault(
        "errors", []).append("timed out"), finish(app)))
    app.exec()
    console.shutdown()
    print(json.dumps(result))
    return 0


def _first_admin(url: str):
    """The database's first admin (the local operator when it has none)."""
    from sqlalchemy import select

    from core.access import LOCAL_OPERATOR, Actor
    from core.db import make_engine, read_scope
    from core.schema import agents

    engine = make_engine(url)
    with read_scope(engine) as conn:
        row = conn.execute(select(agents.c.id, agents.c.name).where(agents.c.role == "admin")
                           .order_by(agents.c.id).limit(1)).first()
    engine.dispose()
    return Actor(id=row.id, role="admin", name=row.name) if row else LOCAL_OPERATOR


class _StallWatch:
    """Samples the GUI thread's stack while the heartbeat is late, to say what stalls it."""

    LATE_S = 0.1

    def __init__(self) -> None:
        import threading

        self.main = threading.main_thread().ident
        self.last = time.monotonic()
        self.paused = False  # the probe's own grab() is running
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.last = time.monotonic()
        self.thread.start()

    def beat(self) -> None:
        self.last = time.monotonic()

    def _watch(self) -> None:
        import traceback

        while not self.stop.wait(0.02):
            late = time.monotonic() - self.last
            if late < self.LATE_S or self.paused:
                continue
            frame = sys._current_frames().get(self.main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)
            ours = [f for f in stack if "/site-packages/" not in f.filename
                    and "/lib/python" not in f.filename]
            where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
                               for f in reversed((ours or stack)[-3:]))
            self.seen[where] = max(self.seen.get(where, 0.0), late)

    def report(self) -> list[str]:
        self.stop.set()
        worst = sorted(self.seen.items(), key=lambda kv: -kv[1])[:4]
        return [f"{late * 1000:.0f} ms at {where}" for where, late in worst]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
