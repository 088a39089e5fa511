"""The wallboard full-screen at 1920x1080 on demo data, under Xvfb (as docs/make_screenshots.py).

    python docs/make_wallboard_screenshot.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs"))
sys.path.insert(0, str(ROOT))

import make_screenshots

PAGES = ("wallboard.png", "wallboard-breaches.png", "wallboard-workload.png")


def take(out: Path) -> list[Path]:
    from PySide6.QtCore import QEventLoop, QTimer

    from console.app import application
    from console.context import ConsoleContext, Period
    from console.data_bus import DataBus
    from console.tasks import TaskRunner
    from console.wallboard.window import WallboardWindow
    from core.db import ensure_schema, make_engine
    from core.demo import load_demo
    from core.settings import Settings
    from core.timeutil import US_PER_HOUR, parse_now

    app = application()
    now = parse_now(make_screenshots.NOW_ISO)
    folder = Path(tempfile.mkdtemp())
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    ensure_schema(engine)
    load_demo(engine, now_us=now)
    settings = Settings(timezone=make_screenshots.ZONE)
    tasks = TaskRunner(engine)
    # An hour after the demo's clock: a normal working morning with a few breaches.
    context = ConsoleContext(engine=engine, settings=settings, tasks=tasks, bus=DataBus(),
                             period=Period(1), clock=lambda: now + US_PER_HOUR)
    board = WallboardWindow(context)
    board.start()
    loop = QEventLoop()
    board.figures_shown.connect(loop.quit)
    loop.exec()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in PAGES:
        pause = QEventLoop()
        QTimer.singleShot(400, pause.quit)
        pause.exec()
        path = out / name
        board.screen().grabWindow(0).save(str(path))
        paths.append(path)
        board.next_page()
    # The database goes away (its folder is renamed): the stale marker over the last figures.
    engine.dispose()
    folder.rename(folder.with_name(folder.name + "-away"))
    stale = QEventLoop()
    board.went_stale.connect(stale.quit)
    board.refresh()
    stale.exec()
    pause = QEventLoop()
    QTimer.singleShot(400, pause.quit)
    pause.exec()
    path = out / "wallboard-stale.png"
    board.screen().grabWindow(0).save(str(path))
    paths.append(path)
    board.close()
    tasks.wait_for_done()
    engine.dispose()
    app.processEvents()
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    make_screenshots.SIZE = (1920, 1080)
    server = make_screenshots.start_xvfb()
    try:
        for path in take(args.out):
            print(path)
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
