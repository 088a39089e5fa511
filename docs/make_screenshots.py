"""Screenshots of every view at 1400x900 on demo data, under a real X server (Xvfb).

    python docs/make_screenshots.py [--out docs/screenshots] [--teams]

Needs Xvfb (Debian: xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
libxkbcommon-x11-0 libegl1 fonts-dejavu-core). Uses a throwaway SQLite database with the
demo data built around a fixed clock, so the pictures are the same on every run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW_ISO = "2026-11-30T10:00:00+00:00"
ZONE = "Europe/Berlin"
SIZE = (1400, 900)
HISTORY_DAYS = 30


def start_xvfb() -> subprocess.Popen:
    """Xvfb on a free display; DISPLAY and QT_QPA_PLATFORM are set for Qt."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24",
         "-nolisten", "tcp"], pass_fds=(write_end,), stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as display:
        number = display.readline().strip()
    if not number:
        server.kill()
        raise SystemExit("Xvfb did not start")
    os.environ["DISPLAY"] = f":{number}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return server


def backfill_workload_history(engine, now_us: int) -> int:
    """What the workload tracker job would have stored had it run every 6 hours for the
    last HISTORY_DAYS days: each agent's open items by kind at that time (demo only)."""
    from sqlalchemy import and_, func, or_, select

    from core.db import write_transaction
    from core.models import Item, WorkloadSnapshot
    from core.team import role_agents
    from core.timeutil import US_PER_HOUR

    rows = 0
    with write_transaction(engine) as session:
        agents = [a.id for a in role_agents(session)]
        for step in range(HISTORY_DAYS * 4, -1, -1):
            taken = now_us - step * 6 * US_PER_HOUR
            open_then = and_(Item.created_at <= taken,
                             or_(Item.resolved_at.is_(None), Item.resolved_at > taken))
            counts = {(a, k): n for a, k, n in session.execute(
                select(Item.assignee_id, Item.kind, func.count()).where(open_then)
                .group_by(Item.assignee_id, Item.kind))}
            for agent in agents:
                session.add(WorkloadSnapshot(
                    taken_at=taken, agent_id=agent,
                    open_tickets=counts.get((agent, "ticket"), 0),
                    open_disputes=counts.get((agent, "dispute"), 0),
                    open_orders=counts.get((agent, "order"), 0)))
                rows += 1
    return rows


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the console")
        wait(50)


def open_demo_console(agents: int = 14, items: int = 4000, actor=None):
    """A started console (the admin's, or actor's) on a throwaway demo database around the
    fixed clock, with the workload history backfilled, every view built and loaded."""
    from PySide6.QtCore import QSettings

    from console.app import Console, application
    from core.db import ensure_schema, make_engine
    from core.demo import load_demo
    from core.settings import Settings
    from core.timeutil import parse_now

    now = parse_now(NOW_ISO)
    folder = Path(tempfile.mkdtemp(prefix="sc-screens-"))
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    load_demo(engine, agents=agents, items=items, now_us=now)
    backfill_workload_history(engine, now)
    engine.dispose()
    app = application()  # kept alive while the window exists
    app.setQuitOnLastWindowClosed(False)
    state = QSettings(str(folder / "state.ini"), QSettings.Format.IniFormat)
    console = Console(Settings(db_url=url, timezone=ZONE), clock=lambda: now, state=state,
                      watch_changes=False, actor=actor)
    window = console.window
    console.start()
    window.setGeometry(0, 0, *SIZE)
    window.build_all_views()
    wait_until(lambda: all(v.refresh_count for v in window.views.values()))
    return console


def picture(window, key: str, path: Path, settle_ms: int = 600) -> Path:
    """The window showing view `key`, grabbed from the screen into path."""
    window.show_view(key)
    window.setGeometry(0, 0, *SIZE)
    wait(settle_ms)
    window.screen().grabWindow(0, 0, 0, *SIZE).save(str(path), "PNG")
    return path


def take_team_screenshots(out: Path) -> list[Path]:
    """A lead's console on 200 agents in 10 teams: the team selector on their team, and
    the workload of all teams (the chart's 20 most loaded agents and the others)."""
    from core.access import Actor

    console = open_demo_console(agents=200, items=12_000,
                                actor=Actor(id="lead02", role="lead"))
    window = console.window
    out.mkdir(parents=True, exist_ok=True)
    written = []
    workload = window.views["workload"]
    for name, team, view in (("teams-selector", "logistics", "dashboard"),
                             ("workload-200-agents", None, "workload")):
        if team != console.context.team.name:  # the lead's own team is chosen at start
            before = workload.refresh_count
            console.context.team.set_name(team)
            wait_until(lambda before=before: workload.refresh_count > before)
        written.append(picture(window, view, out / f"{name}.png", settle_ms=1500))
    console.shutdown()
    return written


def take_screenshots(out: Path) -> list[Path]:
    console = open_demo_console()
    window = console.window
    out.mkdir(parents=True, exist_ok=True)
    written = []
    # The alert list and the jobs panel need a signed-in person and a running scheduler:
    # their pictures (alerts.png, jobs.png, settings.png) come from a desktop session.
    report_views = [(k, v) for k, v in window.views.items() if k not in ("alerts", "jobs")]
    for number, (key, view) in enumerate(report_views, start=1):
        if key == "breaches" and view.proxy.rowCount():
            view.table.selectRow(0)
        written.append(picture(window, key, out / f"{number:02d}-{key}.png"))
    written += drilldown_screenshots(window, out, wait, wait_until)
    written += business_hours_screenshots(window, out, wait, console.context.settings.db_url)
    console.shutdown()
    return written


def drilldown_screenshots(window, out: Path, wait, wait_until) -> list[Path]:
    """The items behind a bar of the dashboard's weekly chart, and the SLA policy editor's
    before/after preview of stricter ticket policies."""
    from console.views.base import ItemsRequest
    from console.views.items_view import open_items_window
    from console.views.policy_preview import PolicyPreview

    window.show_view("dashboard")
    week = window.views["dashboard"].payload["trends"][2]["week"]
    items = open_items_window(window, ItemsRequest("tickets_handled", None, week))
    items.setGeometry(60, 60, 1200, 700)
    wait_until(lambda: items.refresh_count > 0)
    wait(600)
    items_path = out / "08-items-of-a-chart-bar.png"
    items.grab().save(str(items_path), "PNG")
    items.close()

    preview = PolicyPreview(window.context)
    preview.setWindowTitle("SLA policies: what the change would do")
    preview.setGeometry(20, 60, 1360, 440)
    preview.show()
    from sqlalchemy import select

    from core.schema import sla_policies

    with window.context.engine.connect() as conn:  # the stored policies, tickets halved
        stored = conn.execute(select(sla_policies)).all()
    stricter = [(kind, priority, *((m and m // 2) if kind == "ticket" else m
                                   for m in (response, resolution)), calendar)
                for kind, priority, response, resolution, calendar in stored]
    preview.preview(stricter)
    wait_until(lambda: preview.result is not None)
    wait(600)
    preview_path = out / "09-policy-preview.png"
    preview.grab().save(str(preview_path), "PNG")
    preview.close()
    return [items_path, preview_path]
def business_hours_screenshots(window, out: Path, wait, url: str) -> list[Path]:
    """The breach list with the paused clocks first, and the calendar editor."""
    from PySide6.QtCore import Qt

    from console.models.breach_model import BreachListModel
    from console.views.calendar_editor import CalendarEditor
    from core.calendar_store import list_calendars
    from core.db import make_engine

    view = window.views["breaches"]
    view.table.sortByColumn(BreachListModel.CLOCK, Qt.SortOrder.AscendingOrder)
    view.table.selectRow(0)
    window.show_view("breaches")
    window.setGeometry(0, 0, *SIZE)
    wait(600)
    paused = out / "06-breaches-paused-clocks.png"
    window.screen().grabWindow(0, 0, 0, *SIZE).save(str(paused), "PNG")
    engine = make_engine(url)
    with engine.connect() as conn:
        office = next(c for c in list_calendars(conn) if c.id == "office")
    engine.dispose()
    editor = CalendarEditor(default_zone=ZONE, default_country="DE")
    editor.load(office)
    editor.setWindowTitle("Calendar: office")
    editor.setGeometry(0, 0, 1100, 760)
    editor.day_edits["sat"].setText("10:00-14:00 13:00-15:00")  # shows a reason beside it
    editor.check()
    editor.show()
    wait(600)
    calendar = out / "07-calendar-editor.png"
    editor.grab().save(str(calendar), "PNG")
    editor.close()
    return [paused, calendar]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--teams", action="store_true",
                        help="only the team pictures (200 agents in 10 teams)")
    args = parser.parse_args()
    server = start_xvfb() if not os.environ.get("SC_SCREENSHOTS_USE_DISPLAY") else None
    try:
        for path in (take_team_screenshots if args.teams else take_screenshots)(args.out):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
